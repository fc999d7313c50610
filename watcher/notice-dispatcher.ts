/**
 * Between the watch loops and the ingest function: coalesces, batches, retries and bounds.
 *
 * - Debounce: the first pending change opens a window of `debounceMs`; when it closes, everything
 *   pending goes out in one invocation, so a burst of edits to one object becomes one notice, and an
 *   object edited without pause still gets a notice every window.
 * - Bounded: one slot per object (the latest notice wins) and at most `maxPendingObjects` slots; past
 *   that, new notices are dropped and counted, and once delivery works again the watch loops are asked
 *   for a resync whose digest heals what was dropped.
 * - Retry: a failed batch goes back into the queue (unless a newer notice for the same object arrived
 *   meanwhile) and the next attempt waits an exponential, jittered backoff.
 */

import type { Notice, NoticeBatch, NoticeDigest, WatchedKind } from '../shared/contracts/notice-batch.js';
import { type BackoffPolicy, backoffDelay } from '../shared/lib/backoff.js';
import { NoticePayloadTooLargeError } from './errors.js';
import type { Logger } from './logger.js';
import type { WatcherMetrics } from './metrics.js';
import type { NoticeSink } from './notice-sink.js';

export interface NoticeDispatcherOptions {
  clusterId: string;
  sink: NoticeSink;
  logger: Logger;
  metrics: WatcherMetrics;
  debounceMs?: number;
  maxPendingObjects?: number;
  maxBatchSize?: number;
  retry?: BackoffPolicy;
  /** Called when a delivery succeeds after notices had been dropped for lack of room. */
  onDropsRecovered?: () => void;
  random?: () => number;
}

interface Pending {
  notice: Notice;
  /** When this object's slot was first filled; the window closes `debounceMs` after the oldest. */
  since: number;
}

interface PendingDigest {
  digest: NoticeDigest;
  since: number;
}

interface TakenBatch {
  batch: NoticeBatch;
  entries: Array<[string, Pending]>;
  digest?: PendingDigest;
}

function objectKey(notice: Notice): string {
  return `${notice.kind}/${notice.namespace ?? ''}/${notice.name}`;
}

export class NoticeDispatcher {
  readonly #clusterId: string;
  readonly #sink: NoticeSink;
  readonly #logger: Logger;
  readonly #metrics: WatcherMetrics;
  readonly #debounceMs: number;
  readonly #maxPendingObjects: number;
  readonly #maxBatchSize: number;
  readonly #retry: BackoffPolicy;
  readonly #onDropsRecovered: (() => void) | undefined;
  readonly #random: () => number;

  #pending = new Map<string, Pending>();
  readonly #digests = new Map<WatchedKind, PendingDigest>();
  #inFlight: Promise<void> | undefined;
  #inFlightCount = 0;
  #timer: NodeJS.Timeout | undefined;
  #retryAt = 0;
  #failures = 0;
  #dropping = false;
  #draining = false;

  constructor(options: NoticeDispatcherOptions) {
    this.#clusterId = options.clusterId;
    this.#sink = options.sink;
    this.#logger = options.logger;
    this.#metrics = options.metrics;
    this.#debounceMs = options.debounceMs ?? 1_000;
    this.#maxPendingObjects = options.maxPendingObjects ?? 10_000;
    this.#maxBatchSize = options.maxBatchSize ?? 500;
    this.#retry = options.retry ?? { initialMs: 250, maxMs: 30_000 };
    this.#onDropsRecovered = options.onDropsRecovered;
    this.#random = options.random ?? Math.random;
  }

  /** Objects with a notice waiting, including those of a batch being sent. */
  get pendingCount(): number {
    return this.#pending.size + this.#inFlightCount;
  }

  enqueue(notice: Notice): void {
    const key = objectKey(notice);
    const existing = this.#pending.get(key);
    if (existing) {
      existing.notice = notice;
      this.#metrics.noticesCoalesced.inc({ kind: notice.kind });
    } else if (this.pendingCount >= this.#maxPendingObjects) {
      this.#metrics.noticesDropped.inc({ kind: notice.kind });
      if (!this.#dropping) {
        this.#logger.warn('notice queue full, dropping notices until delivery recovers', {
          maxPendingObjects: this.#maxPendingObjects,
        });
      }
      this.#dropping = true;
      return;
    } else {
      this.#pending.set(key, { notice, since: Date.now() });
    }
    this.#metrics.pendingNotices.set(this.pendingCount);
    this.#schedule();
  }

  /** A newer digest of the same kind replaces one still waiting. */
  enqueueDigest(digest: NoticeDigest): void {
    const since = this.#digests.get(digest.kind)?.since ?? Date.now();
    this.#digests.set(digest.kind, { digest, since });
    this.#schedule();
  }

  /**
   * Sends everything pending now, ignoring the debounce window, until the queue is empty or
   * `timeoutMs` has passed (SIGTERM). Resolves with the number of objects whose notice was not sent.
   */
  async drain(timeoutMs: number): Promise<number> {
    this.#draining = true;
    clearTimeout(this.#timer);
    this.#timer = undefined;
    const deadline = Date.now() + timeoutMs;
    const untilDeadline = <T>(promise: Promise<T>) =>
      Promise.race([
        promise,
        new Promise<void>((resolve) => setTimeout(resolve, deadline - Date.now()).unref()),
      ]);
    while (true) {
      if (this.#inFlight) await untilDeadline(this.#inFlight);
      if (this.#inFlight || Date.now() >= deadline) break;
      if (this.#pending.size === 0 && this.#digests.size === 0) break;
      const wait = Math.min(this.#retryAt, deadline) - Date.now();
      if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait).unref());
      if (Date.now() >= deadline) break;
      this.#flush();
    }
    return this.pendingCount;
  }

  /** Cancels the pending flush timer (tests and shutdown after drain). */
  close(): void {
    this.#draining = true;
    clearTimeout(this.#timer);
    this.#timer = undefined;
  }

  #oldestSince(): number | undefined {
    let oldest: number | undefined;
    for (const pending of this.#pending.values()) {
      oldest = pending.since;
      break; // Insertion order: the first slot is the oldest.
    }
    for (const { since } of this.#digests.values())
      oldest = oldest === undefined ? since : Math.min(oldest, since);
    return oldest;
  }

  #schedule(): void {
    if (this.#draining || this.#inFlight || this.#timer) return;
    const oldest = this.#oldestSince();
    if (oldest === undefined) return;
    const dueAt = Math.max(oldest + this.#debounceMs, this.#retryAt);
    this.#timer = setTimeout(
      () => {
        this.#timer = undefined;
        this.#flush();
      },
      Math.max(0, dueAt - Date.now()),
    );
  }

  #take(): TakenBatch | undefined {
    const entries: Array<[string, Pending]> = [];
    for (const entry of this.#pending) {
      if (entries.length >= this.#maxBatchSize) break;
      entries.push(entry);
    }
    for (const [key] of entries) this.#pending.delete(key);
    let digest: PendingDigest | undefined;
    for (const [kind, pending] of this.#digests) {
      digest = pending;
      this.#digests.delete(kind);
      break;
    }
    if (entries.length === 0 && !digest) return undefined;
    const batch: NoticeBatch = {
      clusterId: this.#clusterId,
      notices: entries.map(([, pending]) => pending.notice),
      ...(digest ? { digest: digest.digest } : {}),
    };
    return { batch, entries, ...(digest ? { digest } : {}) };
  }

  #flush(): void {
    const taken = this.#take();
    if (!taken) return;
    this.#inFlightCount = taken.entries.length;
    this.#inFlight = this.#deliver(taken).finally(() => {
      this.#inFlight = undefined;
      this.#inFlightCount = 0;
      this.#metrics.pendingNotices.set(this.pendingCount);
      this.#schedule();
    });
  }

  async #deliver(taken: TakenBatch): Promise<void> {
    const { batch } = taken;
    try {
      await this.#sink.send(batch);
    } catch (error) {
      this.#metrics.invocations.inc({ outcome: 'failure' });
      if (error instanceof NoticePayloadTooLargeError) {
        // Retrying the same bytes cannot succeed; the next resync sends a fresh digest.
        this.#logger.error('notice batch dropped: too large for the ingest function', {
          error,
          notices: batch.notices.length,
          digestKind: batch.digest?.kind,
          digestObjects: batch.digest?.objects.length,
        });
        return;
      }
      this.#failures++;
      const retryInMs = backoffDelay(this.#retry, this.#failures, this.#random);
      this.#retryAt = Date.now() + retryInMs;
      this.#requeue(taken);
      this.#logger.warn('notice delivery failed, will retry', {
        error,
        attempt: this.#failures,
        retryInMs,
        notices: batch.notices.length,
        digestKind: batch.digest?.kind,
      });
      return;
    }
    this.#metrics.invocations.inc({ outcome: 'success' });
    this.#logger.debug('notices delivered', {
      notices: batch.notices.length,
      ...(batch.digest ? { digestKind: batch.digest.kind, digestObjects: batch.digest.objects.length } : {}),
    });
    for (const notice of batch.notices) this.#metrics.noticesSent.inc({ kind: notice.kind });
    if (batch.digest) this.#metrics.digestsSent.inc({ kind: batch.digest.kind });
    if (this.#failures > 0)
      this.#logger.info('notice delivery recovered', { failedAttempts: this.#failures });
    this.#failures = 0;
    this.#retryAt = 0;
    if (this.#dropping) {
      this.#dropping = false;
      this.#onDropsRecovered?.();
    }
  }

  /** Puts a failed batch back in front, except objects that got a newer notice meanwhile. */
  #requeue(taken: TakenBatch): void {
    const merged = new Map<string, Pending>();
    for (const [key, pending] of taken.entries) if (!this.#pending.has(key)) merged.set(key, pending);
    for (const [key, pending] of this.#pending) merged.set(key, pending);
    this.#pending = merged;
    if (taken.digest && !this.#digests.has(taken.digest.digest.kind)) {
      this.#digests.set(taken.digest.digest.kind, taken.digest);
    }
  }
}
