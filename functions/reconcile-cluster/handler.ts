import type { LogAttributes } from '@aws-lambda-powertools/logger/types';
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import type { Context } from 'aws-lambda';
import { METRIC } from '../../cdk/runtime-contract.js';
import { type LeaseRunnerDeps, runUnderClusterLease } from '../../shared/control-plane/lease-runner.js';
import { parseReconcileRequest } from '../../shared/control-plane/reconcile-request.js';
import type { ReconcileRequest } from '../../shared/domain/records.js';
import type { Invoker } from '../../shared/ports/invoker.js';
import type { ReconcileLogger } from '../../shared/reconcile/types.js';
import { awsReconcileAdapters } from '../lib/aws/reconcile-adapters.js';
import { composeReconcileCluster } from '../lib/compose-reconcile.js';
import { withObservability } from '../lib/middleware.js';
import { createObservability, type Observability } from '../lib/observability.js';

/** What the handler reports of one pass; the reconcile engine's own result carries more. */
export interface PassSummary {
  synced: number;
  unchanged: number;
  failed: number;
  /** Milliseconds from the triggering secret change to the last write of this pass, if any. */
  rotationLatencyMs?: number;
}

export interface ReconcileHandlerDeps {
  lease: Omit<LeaseRunnerDeps, 'holder'>;
  invoker: Invoker;
  reconcile: (request: ReconcileRequest) => Promise<PassSummary>;
}

/** One cluster per invocation, under the cluster's lease; a busy cluster folds this request in. */
export function createReconcileClusterHandler(
  getDeps: () => Promise<ReconcileHandlerDeps>,
  obs: Observability,
) {
  return async (event: unknown, context: Pick<Context, 'awsRequestId'>) => {
    const request = parseReconcileRequest(event);
    obs.logger.appendKeys({ clusterId: request.clusterId, reason: request.reason });
    const deps = await getDeps();
    const outcome = await runUnderClusterLease(
      { ...deps.lease, holder: context.awsRequestId },
      request,
      async (req) => {
        const summary = await deps.reconcile(req);
        obs.metrics.addMetric(METRIC.objectsSynced, MetricUnit.Count, summary.synced + summary.unchanged);
        obs.metrics.addMetric(METRIC.syncFailures, MetricUnit.Count, summary.failed);
        if (summary.rotationLatencyMs !== undefined) {
          obs.metrics.addMetric(METRIC.rotationLatencyMs, MetricUnit.Milliseconds, summary.rotationLatencyMs);
        }
        // Counts only: the engine's per-object reports would make this line grow with the cluster
        // (CloudWatch Logs bills by the byte); failures are logged per object by the engine itself.
        obs.logger.info('pass done', {
          scope: req.scope.kind,
          synced: summary.synced,
          unchanged: summary.unchanged,
          failed: summary.failed,
          rotationLatencyMs: summary.rotationLatencyMs,
        });
        return summary;
      },
    );
    if (!outcome.ran) {
      obs.logger.info('cluster busy: request folded into the running pass', { heldBy: outcome.foldedInto });
      return { folded: true };
    }
    if (outcome.leftOver) await deps.invoker.invokeAsync('reconcile-cluster', outcome.leftOver);
    return { folded: false, passes: outcome.passes.map((p) => p.result) };
  };
}

/** The engine's logger port over Powertools (attributes become JSON keys of the line). */
function engineLogger({ logger }: Observability): ReconcileLogger {
  const at =
    (level: 'debug' | 'info' | 'warn' | 'error') =>
    (message: string, attributes: Record<string, unknown> = {}) =>
      logger[level](message, attributes as LogAttributes);
  return { debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error') };
}

const obs = createObservability('reconcile-cluster');
export const handler = withObservability(
  obs,
  createReconcileClusterHandler(
    // The engine logs per object (failures, writes) and adds its own counters to this EMF flush.
    async () =>
      composeReconcileCluster({
        ...(await awsReconcileAdapters()),
        logger: engineLogger(obs),
        metrics: obs.metrics,
      }),
    obs,
  ),
);
