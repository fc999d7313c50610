/**
 * List+watch of one resource with resourceVersion bookkeeping. Written here rather than taken from
 * @kubernetes/client-node's ListWatch (makeInformer), which in 1.4.0: stops for good after any error
 * that is not a 410 (the caller must restart it and bring its own backoff); reconnects after a clean
 * close at once, without backoff; sets no timeout on a watch, so a half-open connection hangs until TCP
 * gives up; and caches whole objects. This loop reconnects with backoff from the last resourceVersion,
 * relists on 410 Gone, drops a watch that outlives its server-side timeout, relists periodically, and
 * keeps only uid, resourceVersion, generation and a hash of labels and annotations per object.
 */
import { createHash } from 'node:crypto';
import type { DigestEntry, Notice, NoticeDigest } from '../shared/contracts/notice-batch.js';
import { type BackoffPolicy, backoffDelay } from '../shared/lib/backoff.js';
import { ResourceExpiredError, WatchStalledError } from './errors.js';
import type { MetadataApi, ObjectMetadata, WatchEvent, WatchedResource } from './kube/metadata-api.js';
import type { Logger } from './logger.js';
import type { WatcherMetrics } from './metrics.js';

export type ListReason = 'initial' | 'expired' | 'resync' | 'requested';

export interface ResourceWatcherListener {
  /** An object was created, deleted, or changed its spec (generation), labels or annotations. */
  change(notice: Notice): void;
  /** A full list completed: the digest names every object that existed at its resourceVersion. */
  listed(digest: NoticeDigest, reason: ListReason): void;
}

export interface ResourceWatcherOptions {
  resource: WatchedResource;
  api: MetadataApi;
  listener: ResourceWatcherListener;
  logger: Logger;
  metrics: WatcherMetrics;
  /** Server-side watch timeout; the watch is then re-opened from the last resourceVersion. */
  watchTimeoutSeconds?: number;
  /** How long past its timeout a silent watch is still trusted before it is dropped. */
  stallGraceMs?: number;
  resyncIntervalMs?: number;
  pageSize?: number;
  backoff?: BackoffPolicy;
  random?: () => number;
}

interface Tracked {
  namespace?: string;
  name: string;
  uid: string;
  resourceVersion: string;
  generation: number;
  /** Labels and annotations, hashed: a change there is forwarded, a status-only write is not. */
  metaHash: string;
}

/** Why the current list or watch was interrupted on purpose. */
class Interruption {
  constructor(readonly reason: 'resync' | 'requested' | 'stopped') {}
}

function keyOf(meta: { namespace?: string; name: string }): string {
  return meta.namespace ? `${meta.namespace}/${meta.name}` : meta.name;
}

function hashLabelsAndAnnotations(meta: ObjectMetadata): string {
  if (!meta.labels && !meta.annotations) return '';
  return createHash('sha256')
    .update(JSON.stringify([meta.labels ?? null, meta.annotations ?? null]))
    .digest('base64')
    .slice(0, 16);
}

function track(meta: ObjectMetadata): Tracked {
  return {
    ...(meta.namespace ? { namespace: meta.namespace } : {}),
    name: meta.name,
    uid: meta.uid,
    resourceVersion: meta.resourceVersion,
    generation: meta.generation ?? 0,
    metaHash: hashLabelsAndAnnotations(meta),
  };
}

function meaningfullyChanged(before: Tracked, after: Tracked): boolean {
  return (
    before.uid !== after.uid || before.generation !== after.generation || before.metaHash !== after.metaHash
  );
}

export class ResourceWatcher {
  readonly resource: WatchedResource;
  readonly #api: MetadataApi;
  readonly #listener: ResourceWatcherListener;
  readonly #logger: Logger;
  readonly #metrics: WatcherMetrics;
  readonly #watchTimeoutSeconds: number;
  readonly #stallGraceMs: number;
  readonly #resyncIntervalMs: number;
  readonly #pageSize: number;
  readonly #backoff: BackoffPolicy;
  readonly #random: () => number;

  #objects = new Map<string, Tracked>();
  #resourceVersion = '';
  #synced = false;
  #stopped = false;
  #loop: Promise<void> | undefined;
  #current: AbortController | undefined;
  #watching = false;
  #due: 'resync' | 'requested' | undefined;
  #resyncTimer: NodeJS.Timeout | undefined;
  #wake: (() => void) | undefined;

  constructor(options: ResourceWatcherOptions) {
    this.resource = options.resource;
    this.#api = options.api;
    this.#listener = options.listener;
    this.#logger = options.logger;
    this.#metrics = options.metrics;
    this.#watchTimeoutSeconds = options.watchTimeoutSeconds ?? 300;
    this.#stallGraceMs = options.stallGraceMs ?? 30_000;
    this.#resyncIntervalMs = options.resyncIntervalMs ?? 600_000;
    this.#pageSize = options.pageSize ?? 500;
    this.#backoff = options.backoff ?? { initialMs: 500, maxMs: 30_000 };
    this.#random = options.random ?? Math.random;
  }

  /** True once the first full list has completed. */
  get synced(): boolean {
    return this.#synced;
  }

  /** The resourceVersion the next watch resumes from. */
  get resourceVersion(): string {
    return this.#resourceVersion;
  }

  start(): void {
    if (this.#loop) return;
    this.#stopped = false;
    this.#loop = this.#run();
  }

  /** Relist soon and send a fresh digest, e.g. after the notice queue had to drop notices. */
  requestResync(): void {
    this.#interrupt('requested');
  }

  async stop(): Promise<void> {
    this.#stopped = true;
    clearTimeout(this.#resyncTimer);
    this.#current?.abort(new Interruption('stopped'));
    this.#wake?.();
    await this.#loop;
    this.#loop = undefined;
  }

  #interrupt(reason: 'resync' | 'requested'): void {
    this.#due = this.#due ?? reason;
    // A list in progress is left to finish: the loop relists right after it.
    if (this.#watching) this.#current?.abort(new Interruption(reason));
  }

  get #kind(): string {
    return this.resource.kind;
  }

  async #run(): Promise<void> {
    let listReason: ListReason | undefined = 'initial';
    let failures = 0;
    while (!this.#stopped) {
      if (this.#due) {
        listReason = listReason ?? this.#due;
        this.#due = undefined;
      }
      const controller = new AbortController();
      this.#current = controller;
      try {
        if (listReason) {
          await this.#list(listReason, controller.signal);
          listReason = undefined;
          failures = 0;
          this.#scheduleResync();
        }
        const openedAt = Date.now();
        await this.#watch(controller);
        this.#metrics.watchRestarts.inc({ kind: this.#kind, reason: 'timeout' });
        // A server that ends every watch at once would otherwise spin this loop.
        if (Date.now() - openedAt < 1_000)
          await this.#sleep(backoffDelay(this.#backoff, ++failures, this.#random));
        else failures = 0;
      } catch (error) {
        if (this.#stopped) break;
        if (error instanceof Interruption) continue;
        if (error instanceof ResourceExpiredError) {
          this.#logger.info('resourceVersion expired, relisting', {
            kind: this.#kind,
            resourceVersion: this.#resourceVersion,
          });
          listReason = 'expired';
          continue;
        }
        failures++;
        const delayMs = backoffDelay(this.#backoff, failures, this.#random);
        const reason = error instanceof WatchStalledError ? 'stalled' : 'error';
        if (!listReason) this.#metrics.watchRestarts.inc({ kind: this.#kind, reason });
        this.#logger.warn(listReason ? 'list failed, retrying' : 'watch failed, reconnecting', {
          kind: this.#kind,
          error,
          attempt: failures,
          retryInMs: delayMs,
          resourceVersion: this.#resourceVersion,
        });
        await this.#sleep(delayMs);
      }
    }
  }

  async #list(reason: ListReason, signal: AbortSignal): Promise<void> {
    const fresh = new Map<string, Tracked>();
    let continueToken: string | undefined;
    let resourceVersion = '';
    do {
      const page = await this.#api.listPage(this.resource, {
        limit: this.#pageSize,
        ...(continueToken ? { continueToken } : {}),
        signal,
      });
      for (const item of page.items) fresh.set(keyOf(item), track(item));
      resourceVersion = page.resourceVersion;
      continueToken = page.continueToken;
    } while (continueToken);

    // The first list only seeds the cache: its digest tells the control plane everything at once,
    // instead of one notice per object on every watcher restart.
    let changed = 0;
    if (reason !== 'initial') {
      for (const [key, next] of fresh) {
        const before = this.#objects.get(key);
        if (!before || meaningfullyChanged(before, next)) {
          this.#emit(next, 'upsert');
          changed++;
        }
      }
      for (const [key, before] of this.#objects) {
        if (!fresh.has(key)) {
          this.#emit(before, 'delete');
          changed++;
        }
      }
    }
    this.#objects = fresh;
    this.#resourceVersion = resourceVersion;
    this.#synced = true;
    this.#metrics.relists.inc({ kind: this.#kind, reason });
    this.#metrics.watchedObjects.set(fresh.size, { kind: this.#kind });
    this.#logger.info('listed', { kind: this.#kind, reason, objects: fresh.size, changed, resourceVersion });
    const objects: DigestEntry[] = [];
    for (const tracked of fresh.values()) {
      objects.push({
        ...(tracked.namespace ? { namespace: tracked.namespace } : {}),
        name: tracked.name,
        uid: tracked.uid,
        resourceVersion: tracked.resourceVersion,
        generation: tracked.generation,
      });
    }
    this.#listener.listed({ kind: this.resource.kind, resourceVersion, objects, complete: true }, reason);
  }

  async #watch(controller: AbortController): Promise<void> {
    const stallMs = this.#watchTimeoutSeconds * 1000 + this.#stallGraceMs;
    const stallTimer = setTimeout(
      () =>
        controller.abort(new WatchStalledError(`watch of ${this.resource.plural} silent past ${stallMs} ms`)),
      stallMs,
    );
    this.#watching = true;
    try {
      await this.#api.watch(
        this.resource,
        {
          resourceVersion: this.#resourceVersion,
          timeoutSeconds: this.#watchTimeoutSeconds,
          signal: controller.signal,
        },
        (event) => this.#apply(event),
      );
    } finally {
      this.#watching = false;
      clearTimeout(stallTimer);
    }
  }

  #apply(event: WatchEvent): void {
    const meta = event.object.metadata;
    this.#metrics.watchEvents.inc({ kind: this.#kind, type: event.type });
    if (meta.resourceVersion) this.#resourceVersion = meta.resourceVersion;
    if (event.type === 'BOOKMARK') return;
    const key = keyOf(meta);
    const next = track(meta);
    if (event.type === 'DELETED') {
      this.#objects.delete(key);
      this.#metrics.watchedObjects.set(this.#objects.size, { kind: this.#kind });
      this.#emit(next, 'delete');
      return;
    }
    const before = this.#objects.get(key);
    this.#objects.set(key, next);
    if (!before || meaningfullyChanged(before, next)) {
      if (!before) this.#metrics.watchedObjects.set(this.#objects.size, { kind: this.#kind });
      this.#emit(next, 'upsert');
    } else {
      this.#metrics.statusOnlySkipped.inc({ kind: this.#kind });
    }
  }

  #emit(tracked: Tracked, event: Notice['event']): void {
    this.#logger.debug('change', {
      kind: this.#kind,
      namespace: tracked.namespace,
      name: tracked.name,
      resourceVersion: tracked.resourceVersion,
      generation: tracked.generation,
      event,
    });
    this.#listener.change({
      kind: this.resource.kind,
      ...(tracked.namespace ? { namespace: tracked.namespace } : {}),
      name: tracked.name,
      uid: tracked.uid,
      resourceVersion: tracked.resourceVersion,
      generation: tracked.generation,
      event,
    });
  }

  #scheduleResync(): void {
    clearTimeout(this.#resyncTimer);
    this.#resyncTimer = setTimeout(() => this.#interrupt('resync'), this.#resyncIntervalMs);
    // The loop's own promises keep the process alive; the timer alone should not.
    this.#resyncTimer.unref();
  }

  #sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(done, ms);
      function done() {
        clearTimeout(timer);
        resolve();
      }
      this.#wake = done;
    });
  }
}
