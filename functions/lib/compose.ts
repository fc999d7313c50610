import type { ApiDeps } from '../../shared/control-plane/api.js';
import type { IngestDeps } from '../../shared/control-plane/ingest.js';
import type { RotationFanoutDeps } from '../../shared/control-plane/rotation-fanout.js';
import type { SweepDeps } from '../../shared/control-plane/sweep.js';
import { DEFAULT_MIN_REFRESH_INTERVAL_MS } from '../../shared/domain/refresh.js';
import type { Clock } from '../../shared/ports/clock.js';
import type { ClusterClientFactory } from '../../shared/ports/cluster-client.js';
import type { Invoker } from '../../shared/ports/invoker.js';
import type { StateStore } from '../../shared/ports/state-store.js';

/**
 * Per-function composition. Each function gets only the adapters it uses, so a bundle holds only
 * their code: the rotation path (latency-critical) never loads the Kubernetes client.
 */
export interface ControlPlaneSettings {
  /** Whole-cluster drift check period; each costs one metadata LIST when nothing changed. */
  driftCheckIntervalMs: number;
  /** Longer than the longest pass the function timeout allows; renewed while a pass runs. */
  leaseTtlMs: number;
  /** Follow-up passes one invocation runs before it re-queues the rest. */
  maxPassesPerInvocation: number;
  /** Shortest non-zero refreshInterval accepted (ingest, api) and scheduled (reconcile-cluster). */
  minRefreshIntervalMs: number;
}

export const DEFAULT_SETTINGS: ControlPlaneSettings = {
  driftCheckIntervalMs: 5 * 60_000,
  leaseTtlMs: 60_000,
  maxPassesPerInvocation: 5,
  minRefreshIntervalMs: DEFAULT_MIN_REFRESH_INTERVAL_MS,
};

export interface CoreAdapters {
  state: StateStore;
  invoker: Invoker;
  clock: Clock;
  /** Region of events that name a secret without an ARN. */
  region: string;
  settings?: Partial<ControlPlaneSettings>;
}

export interface ClusterAdapters extends CoreAdapters {
  clusters: ClusterClientFactory;
}

export function settingsOf(adapters: CoreAdapters): ControlPlaneSettings {
  return { ...DEFAULT_SETTINGS, ...adapters.settings };
}

export function composeRotation({ state, invoker, region }: CoreAdapters): RotationFanoutDeps {
  return { state, invoker, region };
}

export function composeSweep(adapters: CoreAdapters): SweepDeps {
  const { state, invoker, clock } = adapters;
  return { state, invoker, clock, driftCheckIntervalMs: settingsOf(adapters).driftCheckIntervalMs };
}

export function composeIngest(adapters: ClusterAdapters): IngestDeps {
  const { state, clusters, invoker, clock } = adapters;
  return { state, clusters, invoker, clock, minRefreshIntervalMs: settingsOf(adapters).minRefreshIntervalMs };
}

export function composeApi(adapters: ClusterAdapters): ApiDeps {
  const { state, clusters, invoker, clock } = adapters;
  return { state, clusters, invoker, clock, minRefreshIntervalMs: settingsOf(adapters).minRefreshIntervalMs };
}
