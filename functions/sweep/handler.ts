import { MetricUnit } from '@aws-lambda-powertools/metrics';
import { runSweep, type SweepDeps } from '../../shared/control-plane/sweep.js';
import { awsCoreAdapters } from '../lib/aws/core-adapters.js';
import { composeSweep } from '../lib/compose.js';
import { withObservability } from '../lib/middleware.js';
import { createObservability, type Observability } from '../lib/observability.js';

/** Every minute: hand out what is due for refresh and which clusters are due a drift check. */
export function createSweepHandler(getDeps: () => Promise<SweepDeps>, obs: Observability) {
  return async (_event: unknown) => {
    const result = await runSweep(await getDeps());
    obs.metrics.addMetric('DueObjects', MetricUnit.Count, result.dueObjects);
    obs.metrics.addMetric('DriftChecks', MetricUnit.Count, result.driftChecks.length);
    obs.logger.info('sweep done', {
      dueObjects: result.dueObjects,
      driftChecks: result.driftChecks,
      scoped: result.scoped,
    });
    return result;
  };
}

const obs = createObservability('sweep');
export const handler = withObservability(
  obs,
  createSweepHandler(async () => composeSweep(await awsCoreAdapters()), obs),
);
