import type { LogAttributes } from '@aws-lambda-powertools/logger/types';
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import type { Context } from 'aws-lambda';
import { METRIC } from '../../shared/contracts/runtime-contract.js';
import {
  type ReconcileInvocationDeps,
  reconcileUnderLease,
} from '../../shared/control-plane/lease-runner.js';
import { parseReconcileRequest } from '../../shared/control-plane/reconcile-request.js';
import type { Logger } from '../../shared/ports/logger.js';
import { awsReconcileAdapters } from '../lib/aws/reconcile-adapters.js';
import { composeReconcileCluster } from '../lib/compose-reconcile.js';
import { withObservability } from '../lib/middleware.js';
import { createObservability, type Observability } from '../lib/observability.js';

/** One cluster per invocation, under the cluster's lease; a busy cluster folds this request in. */
export function createReconcileClusterHandler(
  getDeps: () => Promise<ReconcileInvocationDeps>,
  obs: Observability,
) {
  return async (event: unknown, context: Pick<Context, 'awsRequestId'>) => {
    const request = parseReconcileRequest(event);
    obs.logger.appendKeys({ clusterId: request.clusterId, reason: request.reason });
    const outcome = await reconcileUnderLease(await getDeps(), context.awsRequestId, request, (req, pass) => {
      obs.metrics.addMetric(METRIC.objectsSynced, MetricUnit.Count, pass.synced + pass.unchanged);
      obs.metrics.addMetric(METRIC.syncFailures, MetricUnit.Count, pass.failed);
      if (pass.rotationLatencyMs !== undefined) {
        obs.metrics.addMetric(METRIC.rotationLatencyMs, MetricUnit.Milliseconds, pass.rotationLatencyMs);
      }
      // Counts only: the engine's per-object reports would make this line grow with the cluster
      // (CloudWatch Logs bills by the byte); failures are logged per object by the engine itself.
      obs.logger.info('pass done', {
        scope: req.scope.kind,
        synced: pass.synced,
        unchanged: pass.unchanged,
        failed: pass.failed,
        rotationLatencyMs: pass.rotationLatencyMs,
      });
    });
    if (!outcome.ran) {
      obs.logger.info('cluster busy: request folded into the running pass', { heldBy: outcome.foldedInto });
      return { folded: true };
    }
    return { folded: false, passes: outcome.passes.map((p) => p.result) };
  };
}

/** The engine's logger port over Powertools (attributes become JSON keys of the line). */
function engineLogger({ logger }: Observability): Logger {
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
