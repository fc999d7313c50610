/**
 * The in-process ingest of the tests: records every delivered batch and can be told to fail or to
 * hold deliveries, to play a control plane that is down or slow.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import type { Notice, NoticeBatch, NoticeDigest } from '../../../shared/contracts/notice-batch.js';
import { NoticeDeliveryError } from '../../../watcher/errors.js';
import type { NoticeSink } from '../../../watcher/notice-sink.js';

export class RecordingNoticeSink implements NoticeSink {
  /** Batches accepted, in delivery order. */
  readonly batches: NoticeBatch[] = [];
  /** Every call to send, accepted or failed. */
  sendCalls = 0;
  #failuresLeft = 0;
  #failing = false;
  #held: Promise<void> | undefined;

  async send(batch: NoticeBatch): Promise<void> {
    this.sendCalls++;
    // Deep copy: what was sent must not change when the watcher reuses objects afterwards.
    const copy = structuredClone(batch);
    if (this.#held) await this.#held;
    if (this.#failing || this.#failuresLeft > 0) {
      if (this.#failuresLeft > 0) this.#failuresLeft--;
      throw new NoticeDeliveryError('ingest unavailable (test)');
    }
    this.batches.push(copy);
  }

  /** The next `count` sends fail. */
  failNext(count = 1): void {
    this.#failuresLeft += count;
  }

  /** Every send fails until the returned function is called. */
  failUntilHealed(): () => void {
    this.#failing = true;
    return () => {
      this.#failing = false;
    };
  }

  /** Sends wait until the returned function is called. */
  hold(): () => void {
    let release!: () => void;
    this.#held = new Promise<void>((resolve) => {
      release = resolve;
    });
    return () => {
      this.#held = undefined;
      release();
    };
  }

  get notices(): Notice[] {
    return this.batches.flatMap((batch) => batch.notices);
  }

  get digests(): NoticeDigest[] {
    return this.batches.flatMap((batch) => (batch.digest ? [batch.digest] : []));
  }

  noticesOf(match: { kind?: Notice['kind']; namespace?: string; name?: string }): Notice[] {
    return this.notices.filter(
      (notice) =>
        (match.kind === undefined || notice.kind === match.kind) &&
        (match.namespace === undefined || notice.namespace === match.namespace) &&
        (match.name === undefined || notice.name === match.name),
    );
  }

  /** Polls until `condition` holds; the error says what was awaited and what was received. */
  async waitFor(what: string, condition: () => boolean, timeoutMs = 20_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!condition()) {
      if (Date.now() > deadline) {
        throw new Error(
          `timed out after ${timeoutMs} ms waiting for ${what}; received ${this.batches.length} batches, ` +
            `${this.notices.length} notices, ${this.digests.length} digests`,
        );
      }
      await sleep(20);
    }
  }
}
