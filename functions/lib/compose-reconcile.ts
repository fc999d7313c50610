import type { ReconcileRequest } from '../../shared/domain/records.js';
import type { SecretProviderFactory } from '../../shared/ports/secret-provider.js';
import { reconcileCluster } from '../../shared/reconcile/index.js';
import type { ReconcileLogger, ReconcileMetrics, ReconcileResult } from '../../shared/reconcile/types.js';
import type { ReconcileHandlerDeps } from '../reconcile-cluster/handler.js';
import { type ClusterAdapters, settingsOf } from './compose.js';

export interface ReconcileAdapters extends ClusterAdapters {
  providers: SecretProviderFactory;
  /** Read only by reconcile passes, so other functions never need access to the key. */
  hmacKey: () => Promise<Uint8Array>;
  logger?: ReconcileLogger;
  metrics?: ReconcileMetrics;
}

export type ReconcileClusterDeps = ReconcileHandlerDeps & {
  reconcile: (request: ReconcileRequest) => Promise<ReconcileResult>;
};

export function composeReconcileCluster(adapters: ReconcileAdapters): ReconcileClusterDeps {
  const settings = settingsOf(adapters);
  const { state, clusters, providers, clock, invoker } = adapters;
  return {
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
          minRefreshIntervalMs: settings.minRefreshIntervalMs,
        },
        request,
      ),
  };
}
