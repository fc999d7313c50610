import { MetricUnit } from '@aws-lambda-powertools/metrics';
import type { ApiDeps } from '../../shared/control-plane/api.js';
import { type ApiResponse, dispatchApiRequest } from '../../shared/control-plane/api-dispatch.js';
import { awsApiDeps } from '../lib/aws/api-adapters.js';
import { withObservability } from '../lib/middleware.js';
import { createObservability, type Observability } from '../lib/observability.js';

/** What the CLI calls (RequestResponse): registration, stores, fleet objects, sync, status. */
export function createApiHandler(getDeps: () => Promise<ApiDeps>, obs: Observability) {
  return async (event: unknown): Promise<ApiResponse> => {
    const response = await dispatchApiRequest(await getDeps(), event);
    obs.logger.info('api request', {
      action: response.action,
      ok: response.ok,
      ...(response.ok ? {} : { error: response.error.name }),
    });
    obs.metrics.addMetric(response.ok ? 'ApiRequests' : 'ApiErrors', MetricUnit.Count, 1);
    return response;
  };
}

const obs = createObservability('api');
export const handler = withObservability(obs, createApiHandler(awsApiDeps, obs));
