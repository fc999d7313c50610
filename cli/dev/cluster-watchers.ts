/**
 * One in-process watcher per registered cluster, feeding the ingest handler core the way the
 * in-cluster watcher feeds the ingest function. Kept in step with the registrations on every
 * scheduler tick: new clusters get a watcher, removed or re-registered ones are restarted.
 */

import type { NoticeBatch } from '../../shared/contracts/notice-batch.js';
import type { ClusterRecord } from '../../shared/domain/records.js';
import { NoticeDeliveryError } from '../../watcher/errors.js';
import { HttpsMetadataApi } from '../../watcher/kube/https-metadata-api.js';
import type { Logger as WatcherLogger } from '../../watcher/logger.js';
import { WatcherMetrics } from '../../watcher/metrics.js';
import { Watcher } from '../../watcher/watcher.js';
import type { DevLogger } from './dev-logger.js';
import { watcherConnection } from './watcher-connection.js';

interface Running {
  fingerprint: string;
  watcher?: Watcher;
}

export interface ClusterWatchersOptions {
  ingest: (batch: NoticeBatch) => Promise<unknown>;
  logger: DevLogger;
  /** Quieter than production (1 s): a developer waits for each edit. */
  debounceMs?: number;
}

export class ClusterWatchers {
  readonly #options: ClusterWatchersOptions;
  readonly #running = new Map<string, Running>();

  constructor(options: ClusterWatchersOptions) {
    this.#options = options;
  }

  /** Starts, restarts and stops watchers so that exactly the given clusters are watched. */
  async sync(records: readonly ClusterRecord[]): Promise<void> {
    const wanted = new Map(records.map((r) => [r.clusterId, r] as const));
    for (const [clusterId, running] of this.#running) {
      const record = wanted.get(clusterId);
      if (!record || fingerprint(record) !== running.fingerprint) {
        this.#running.delete(clusterId);
        await running.watcher?.stop(2_000);
      }
    }
    for (const record of records) {
      if (this.#running.has(record.clusterId)) continue;
      this.#running.set(record.clusterId, { fingerprint: fingerprint(record), ...this.#start(record) });
    }
  }

  #start(record: ClusterRecord): { watcher?: Watcher } {
    const log = this.#options.logger;
    const connection = watcherConnection(record);
    if (!connection.ok) {
      log.warn('no watcher for this cluster: new ExternalSecrets arrive with the next drift check', {
        clusterId: record.clusterId,
        reason: connection.reason,
      });
      return {};
    }
    const ingest = this.#options.ingest;
    const watcher = new Watcher({
      clusterId: record.clusterId,
      api: new HttpsMetadataApi({ connection: connection.connection, userAgent: 'fleet-secrets-dev' }),
      sink: {
        send: async (batch) => {
          try {
            await ingest(batch);
          } catch (error) {
            // The dispatcher retries delivery errors with backoff, as it would a failed invoke.
            throw new NoticeDeliveryError(`ingest failed: ${(error as Error).message}`);
          }
        },
      },
      logger: watcherLogger(log, record.clusterId),
      metrics: new WatcherMetrics(),
      debounceMs: this.#options.debounceMs ?? 250,
      watchBackoff: { initialMs: 500, maxMs: 10_000 },
      deliveryRetry: { initialMs: 500, maxMs: 10_000 },
    });
    watcher.start();
    log.info('watching ExternalSecrets', { clusterId: record.clusterId });
    return { watcher };
  }

  async stop(): Promise<void> {
    const all = [...this.#running.values()];
    this.#running.clear();
    await Promise.all(all.map((r) => r.watcher?.stop(2_000)));
  }
}

function fingerprint(record: ClusterRecord): string {
  return JSON.stringify([record.endpoint, record.caData, record.auth]);
}

/** The watcher logs every relist and reconnect; in a terminal only its warnings matter. */
function watcherLogger(log: DevLogger, clusterId: string): WatcherLogger {
  return {
    debug: (message, fields) => log.debug(message, { clusterId, ...fields }),
    info: (message, fields) => log.debug(message, { clusterId, ...fields }),
    warn: (message, fields) => log.warn(message, { clusterId, ...fields }),
    error: (message, fields) => log.error(message, { clusterId, ...fields }),
  };
}
