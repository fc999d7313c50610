import { MetricUnit } from '@aws-lambda-powertools/metrics';
import { fanOutSecretChanges, type RotationFanoutDeps } from '../../shared/control-plane/rotation-fanout.js';
import { parseSecretsManagerEvent } from '../../shared/domain/events/secrets-manager-events.js';
import { awsCoreAdapters } from '../lib/aws/core-adapters.js';
import { composeRotation } from '../lib/compose.js';
import { withObservability } from '../lib/middleware.js';
import { createObservability, type Observability } from '../lib/observability.js';

/**
 * Secrets Manager change (native "Secret Label Updated", or CloudTrail) -> one scoped
 * reconcile-cluster invocation per cluster that depends on the secret.
 */
export function createRotationHandler(getDeps: () => Promise<RotationFanoutDeps>, obs: Observability) {
  return async (event: unknown) => {
    const parsed = parseSecretsManagerEvent(event);
    if (!parsed.ok) {
      // Dropped, not thrown: a retry could never make a foreign or malformed event valid.
      obs.logger.warn('event dropped', { reason: parsed.reason });
      obs.metrics.addMetric('EventsDropped', MetricUnit.Count, 1);
      return { dropped: parsed.reason };
    }
    for (const change of parsed.changes) {
      obs.logger.info('secret changed', {
        secret: change.name,
        versionId: change.versionId,
        via: change.via,
      });
    }
    const result = await fanOutSecretChanges(await getDeps(), parsed.changes);
    obs.metrics.addMetric('RotationDependents', MetricUnit.Count, result.dependents);
    obs.metrics.addMetric('ClustersInvoked', MetricUnit.Count, result.invocations.length);
    obs.logger.info('fan-out done', { ...result });
    return result;
  };
}

const obs = createObservability('rotation');
export const handler = withObservability(
  obs,
  createRotationHandler(async () => composeRotation(await awsCoreAdapters()), obs),
);
