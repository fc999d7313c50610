import { MetricUnit } from '@aws-lambda-powertools/metrics';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { secretsManagerWatcherKeys } from '../../shared/adapters/aws-secrets-manager/watcher-keys.js';
import { InvalidNoticeBatchError, parseNoticeBatch } from '../../shared/contracts/notice-batch.js';
import { ENV } from '../../shared/contracts/runtime-contract.js';
import { type IngestDeps, ingestNotices } from '../../shared/control-plane/ingest.js';
import { verifyNoticeBatch } from '../../shared/domain/notice-signature.js';
import { type Clock, systemClock } from '../../shared/ports/clock.js';
import type { WatcherKeySource } from '../../shared/ports/watcher-keys.js';
import { awsClusterAdapters } from '../lib/aws/cluster-adapters.js';
import { oncePerContainer, requiredEnv } from '../lib/aws/configuration.js';
import { composeIngest } from '../lib/compose.js';
import { withObservability } from '../lib/middleware.js';
import { createObservability, type Observability } from '../lib/observability.js';

/**
 * Who may speak for a cluster. `signed`: only a batch signed with that cluster's watcher key
 * (the deployed function: all watchers share one IAM role, so the payload's clusterId is otherwise
 * unproven). `in-process`: dev mode and tests, where the watcher and the ingest are one process.
 */
export type BatchBinding = { kind: 'signed'; keys: WatcherKeySource; clock: Clock } | { kind: 'in-process' };

/** The in-cluster watcher's "these objects changed": re-read, validate, snapshot, reconcile. */
export function createIngestHandler(
  getDeps: () => Promise<IngestDeps>,
  obs: Observability,
  binding: BatchBinding,
) {
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
    if (binding.kind === 'signed') {
      const key = await binding.keys.keyOf(batch.clusterId);
      const decision = key
        ? verifyNoticeBatch(key, batch, binding.clock.now())
        : { bound: false as const, reason: `cluster "${batch.clusterId}" has no watcher key` };
      if (!decision.bound) {
        // Not retried either: a batch for another cluster, or a stale one, never becomes valid.
        obs.logger.warn('notice batch refused', { reason: decision.reason });
        obs.metrics.addMetric('NoticesRefused', MetricUnit.Count, 1);
        return { refused: decision.reason };
      }
    }
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

// Built on first use: importing the handler needs no environment.
const watcherKeys = oncePerContainer(async () =>
  secretsManagerWatcherKeys({
    client: new SecretsManagerClient({}),
    prefix: requiredEnv(ENV.clusterCredentialSecretPrefix),
  }),
);

const obs = createObservability('ingest');
export const handler = withObservability(
  obs,
  createIngestHandler(async () => composeIngest(await awsClusterAdapters()), obs, {
    kind: 'signed',
    keys: { keyOf: async (clusterId) => (await watcherKeys()).keyOf(clusterId) },
    clock: systemClock,
  }),
);
