import type { ReconcileInvocationDeps } from '../../shared/control-plane/lease-runner.js';
import type { Logger } from '../../shared/ports/logger.js';
import type { SecretProviderFactory } from '../../shared/ports/secret-provider.js';
import { reconcileCluster } from '../../shared/reconcile/index.js';
import type { ReconcileMetrics } from '../../shared/reconcile/types.js';
import { type ClusterAdapters, settingsOf } from './compose.js';

export interface ReconcileAdapters extends ClusterAdapters {
  providers: SecretProviderFactory;
  /** Read only by reconcile passes, so other functions never need access to the key. */
  hmacKey: () => Promise<Uint8Array>;
  logger?: Logger;
  metrics?: ReconcileMetrics;
}

export function composeReconcileCluster(adapters: ReconcileAdapters): ReconcileInvocationDeps {
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
