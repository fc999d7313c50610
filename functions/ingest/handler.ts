import { MetricUnit } from '@aws-lambda-powertools/metrics';
import { type IngestDeps, ingestNotices } from '../../shared/control-plane/ingest.js';
import { InvalidNoticeBatchError, parseNoticeBatch } from '../../watcher/notice.js';
import { awsClusterAdapters } from '../lib/aws/cluster-adapters.js';
import { composeIngest } from '../lib/compose.js';
import { withObservability } from '../lib/middleware.js';
import { createObservability, type Observability } from '../lib/observability.js';

/** The in-cluster watcher's "these objects changed": re-read, validate, snapshot, reconcile. */
export function createIngestHandler(getDeps: () => Promise<IngestDeps>, obs: Observability) {
  return async (event: unknown) => {
    let batch: ReturnType<typeof parseNoticeBatch>;
    try {
      batch = parseNoticeBatch(event);
    } catch (error) {
      if (!(error instanceof InvalidNoticeBatchError)) throw error;
      // The watcher retries failed invokes; a malformed batch would fail forever, so it is dropped.
      obs.logger.warn('notice batch dropped', { reason: error.message });
      obs.metrics.addMetric('NoticesDropped', MetricUnit.Count, 1);
      return { dropped: error.message };
    }
    obs.logger.appendKeys({ clusterId: batch.clusterId });
    const result = await ingestNotices(await getDeps(), {
      clusterId: batch.clusterId,
      notices: batch.notices,
      digests: batch.digest ? [batch.digest] : [],
    });
    for (const bad of result.invalid) obs.logger.warn('invalid manifest', { ...bad });
    obs.metrics.addMetric('NoticesIngested', MetricUnit.Count, batch.notices.length);
    obs.metrics.addMetric('InvalidManifests', MetricUnit.Count, result.invalid.length);
    obs.logger.info('ingest done', { ...result, invalid: result.invalid.length });
    return result;
  };
}

const obs = createObservability('ingest');
export const handler = withObservability(
  obs,
  createIngestHandler(async () => composeIngest(await awsClusterAdapters()), obs),
);
