import type { ApiDeps } from '../../shared/control-plane/api.js';
import type { IngestDeps } from '../../shared/control-plane/ingest.js';
import type { RotationFanoutDeps } from '../../shared/control-plane/rotation-fanout.js';
import type { SweepDeps } from '../../shared/control-plane/sweep.js';
import type { ReconcileRequest } from '../../shared/domain/records.js';
import type { Clock } from '../../shared/ports/clock.js';
import type { ClusterClientFactory } from '../../shared/ports/cluster-client.js';
import type { Invoker } from '../../shared/ports/invoker.js';
import type { SecretProviderFactory } from '../../shared/ports/secret-provider.js';
import type { StateStore } from '../../shared/ports/state-store.js';
import { reconcileCluster } from '../../shared/reconcile/index.js';
import type { ReconcileLogger, ReconcileMetrics, ReconcileResult } from '../../shared/reconcile/types.js';
import type { ReconcileHandlerDeps } from '../reconcile-cluster/handler.js';

/** The real systems a control plane runs on: AWS in Lambda, local ones in dev mode and tests. */
export interface ControlPlaneAdapters {
  state: StateStore;
  providers: SecretProviderFactory;
  clusters: ClusterClientFactory;
  invoker: Invoker;
  clock: Clock;
  /** Read only by reconcile passes, so other functions never need access to the key. */
  hmacKey: () => Promise<Uint8Array>;
  /** Region of events that name a secret without an ARN. */
  region: string;
  logger?: ReconcileLogger;
  metrics?: ReconcileMetrics;
  settings?: Partial<ControlPlaneSettings>;
}

export interface ControlPlaneSettings {
  /** Whole-cluster drift check period; each costs one metadata LIST when nothing changed. */
  driftCheckIntervalMs: number;
  /** Longer than the longest pass the function timeout allows; renewed while a pass runs. */
  leaseTtlMs: number;
  /** Follow-up passes one invocation runs before it re-queues the rest. */
  maxPassesPerInvocation: number;
}

export const DEFAULT_SETTINGS: ControlPlaneSettings = {
  driftCheckIntervalMs: 5 * 60_000,
  leaseTtlMs: 60_000,
  maxPassesPerInvocation: 5,
};

/** What each function's handler core needs, built once from the adapters. */
export interface ControlPlane {
  rotation: RotationFanoutDeps;
  sweep: SweepDeps;
  ingest: IngestDeps;
  api: ApiDeps;
  reconcileCluster: ReconcileHandlerDeps & {
    reconcile: (request: ReconcileRequest) => Promise<ReconcileResult>;
  };
}

export function composeControlPlane(adapters: ControlPlaneAdapters): ControlPlane {
  const settings = { ...DEFAULT_SETTINGS, ...adapters.settings };
  const { state, providers, clusters, invoker, clock } = adapters;
  return {
    rotation: { state, invoker, region: adapters.region },
    sweep: { state, invoker, clock, driftCheckIntervalMs: settings.driftCheckIntervalMs },
    ingest: { state, clusters, invoker, clock },
    api: { state, clusters, invoker, clock },
    reconcileCluster: {
      lease: { state, leaseTtlMs: settings.leaseTtlMs, maxPasses: settings.maxPassesPerInvocation },
      invoker,
      reconcile: async (request) =>
        reconcileCluster(
          {
            state,
            clusters,
            providers,
            clock,
            hmacKey: await adapters.hmacKey(),
            logger: adapters.logger,
            metrics: adapters.metrics,
          },
          request,
        ),
    },
  };
}
