/**
 * The watcher as one object: a list+watch loop per fleet-secrets kind feeding one notice dispatcher.
 * main.ts wires it to the pod's ServiceAccount and the ingest function; tests wire it to a real
 * apiserver and an in-process sink.
 */
import type { BackoffPolicy } from '../shared/lib/backoff.js';
import type { MetadataApi, WatchedResource } from './kube/metadata-api.js';
import type { Logger } from './logger.js';
import type { WatcherMetrics } from './metrics.js';
import { NoticeDispatcher } from './notice-dispatcher.js';
import type { NoticeSink } from './notice-sink.js';
import { ResourceWatcher, type ResourceWatcherListener } from './resource-watcher.js';
import { watchedResources } from './resources.js';

export interface WatcherOptions {
  clusterId: string;
  api: MetadataApi;
  sink: NoticeSink;
  logger: Logger;
  metrics: WatcherMetrics;
  resources?: readonly WatchedResource[];
  debounceMs?: number;
  maxPendingObjects?: number;
  maxBatchSize?: number;
  resyncIntervalMs?: number;
  watchTimeoutSeconds?: number;
  pageSize?: number;
  watchBackoff?: BackoffPolicy;
  deliveryRetry?: BackoffPolicy;
}

export class Watcher {
  readonly dispatcher: NoticeDispatcher;
  readonly resourceWatchers: readonly ResourceWatcher[];
  readonly #logger: Logger;
  #stopping = false;

  constructor(options: WatcherOptions) {
    this.#logger = options.logger;
    this.dispatcher = new NoticeDispatcher({
      clusterId: options.clusterId,
      sink: options.sink,
      logger: options.logger,
      metrics: options.metrics,
      ...(options.debounceMs === undefined ? {} : { debounceMs: options.debounceMs }),
      ...(options.maxPendingObjects === undefined ? {} : { maxPendingObjects: options.maxPendingObjects }),
      ...(options.maxBatchSize === undefined ? {} : { maxBatchSize: options.maxBatchSize }),
      ...(options.deliveryRetry ? { retry: options.deliveryRetry } : {}),
      onDropsRecovered: () => this.resync(),
    });
    const listener: ResourceWatcherListener = {
      change: (notice) => this.dispatcher.enqueue(notice),
      listed: (digest) => this.dispatcher.enqueueDigest(digest),
    };
    this.resourceWatchers = (options.resources ?? watchedResources).map(
      (resource) =>
        new ResourceWatcher({
          resource,
          api: options.api,
          listener,
          logger: options.logger,
          metrics: options.metrics,
          ...(options.watchTimeoutSeconds === undefined
            ? {}
            : { watchTimeoutSeconds: options.watchTimeoutSeconds }),
          ...(options.resyncIntervalMs === undefined ? {} : { resyncIntervalMs: options.resyncIntervalMs }),
          ...(options.pageSize === undefined ? {} : { pageSize: options.pageSize }),
          ...(options.watchBackoff ? { backoff: options.watchBackoff } : {}),
        }),
    );
  }

  /** Ready once every kind has been listed; not ready while shutting down. */
  get ready(): boolean {
    return !this.#stopping && this.resourceWatchers.every((watcher) => watcher.synced);
  }

  get stopping(): boolean {
    return this.#stopping;
  }

  start(): void {
    for (const watcher of this.resourceWatchers) watcher.start();
  }

  /** Relists every kind and sends fresh digests. */
  resync(): void {
    for (const watcher of this.resourceWatchers) watcher.requestResync();
  }

  /**
   * Stops watching, then flushes pending notices for at most `flushTimeoutMs`. Resolves with the
   * number of objects whose notice could not be sent (the next start's digest covers them).
   */
  async stop(flushTimeoutMs: number): Promise<{ unsent: number }> {
    this.#stopping = true;
    await Promise.all(this.resourceWatchers.map((watcher) => watcher.stop()));
    const unsent = await this.dispatcher.drain(flushTimeoutMs);
    this.dispatcher.close();
    if (unsent > 0) this.#logger.warn('stopped with notices unsent', { unsent });
    return { unsent };
  }
}
