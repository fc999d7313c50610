import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { RecordingNoticeSink } from '../infra-tests/helpers/watcher/recording-notice-sink.js';
import type { Notice, NoticeBatch, NoticeDigest } from '../shared/contracts/notice-batch.js';
import { NoticePayloadTooLargeError } from './errors.js';
import { silentLogger } from './logger.js';
import { WatcherMetrics } from './metrics.js';
import { NoticeDispatcher, type NoticeDispatcherOptions } from './notice-dispatcher.js';

function notice(name: string, generation = 1, overrides: Partial<Notice> = {}): Notice {
  return {
    kind: 'ExternalSecret',
    namespace: 'team-1',
    name,
    uid: `uid-${name}`,
    resourceVersion: String(1000 + generation),
    generation,
    event: 'upsert',
    ...overrides,
  };
}

function digest(names: string[], kind: NoticeDigest['kind'] = 'ExternalSecret'): NoticeDigest {
  return {
    kind,
    resourceVersion: '77',
    objects: names.map((name) => ({
      namespace: 'team-1',
      name,
      uid: `uid-${name}`,
      resourceVersion: '5',
      generation: 1,
    })),
    complete: true,
  };
}

let dispatchers: NoticeDispatcher[] = [];

function setup(options: Partial<NoticeDispatcherOptions> = {}) {
  const sink = new RecordingNoticeSink();
  const metrics = new WatcherMetrics();
  const dispatcher = new NoticeDispatcher({
    clusterId: 'prod-eu-1',
    sink,
    logger: silentLogger,
    metrics,
    debounceMs: 1_000,
    retry: { initialMs: 200, maxMs: 1_600 },
    random: () => 1,
    ...options,
  });
  dispatchers.push(dispatcher);
  return { sink, metrics, dispatcher };
}

beforeEach(() => {
  vi.useFakeTimers();
});

afterEach(() => {
  for (const dispatcher of dispatchers) dispatcher.close();
  dispatchers = [];
  vi.useRealTimers();
});

describe('NoticeDispatcher', () => {
  it('should turn many edits of one object within a second into one notice carrying the latest state', async () => {
    const { sink, dispatcher, metrics } = setup();
    for (let generation = 1; generation <= 50; generation++) {
      dispatcher.enqueue(notice('db', generation));
      await vi.advanceTimersByTimeAsync(10);
    }
    await vi.advanceTimersByTimeAsync(1_000);

    expect(sink.sendCalls).toBe(1);
    expect(sink.batches[0]).toEqual({ clusterId: 'prod-eu-1', notices: [notice('db', 50)] });
    expect(metrics.noticesCoalesced.value({ kind: 'ExternalSecret' })).toBe(49);
  });

  it('should wait for the debounce window before sending', async () => {
    const { sink, dispatcher } = setup();
    dispatcher.enqueue(notice('db'));
    await vi.advanceTimersByTimeAsync(999);
    expect(sink.sendCalls).toBe(0);
    await vi.advanceTimersByTimeAsync(1);
    expect(sink.sendCalls).toBe(1);
  });

  it('should still send an object that is edited without pause once per window', async () => {
    const { sink, dispatcher } = setup();
    for (let generation = 1; generation <= 300; generation++) {
      dispatcher.enqueue(notice('hot', generation));
      await vi.advanceTimersByTimeAsync(10);
    }
    await vi.advanceTimersByTimeAsync(1_000);

    // 3 s of edits: one notice per 1 s window, plus the tail.
    expect(sink.sendCalls).toBeGreaterThanOrEqual(3);
    expect(sink.sendCalls).toBeLessThanOrEqual(4);
    expect(sink.notices.at(-1)?.generation).toBe(300);
  });

  it('should put the changes of many objects into one invocation, split at the batch size', async () => {
    const { sink, dispatcher, metrics } = setup({ maxBatchSize: 40 });
    const start = Date.now();
    for (let i = 0; i < 100; i++) dispatcher.enqueue(notice(`es-${i}`));
    await vi.advanceTimersByTimeAsync(999);
    expect(sink.sendCalls).toBe(0);
    // The first batch closes the window; the rest are overdue and follow at once.
    await vi.advanceTimersByTimeAsync(1);
    await vi.runAllTimersAsync();
    expect(Date.now() - start).toBeLessThan(1_010);

    expect(sink.batches.map((batch) => batch.notices.length)).toEqual([40, 40, 20]);
    expect(new Set(sink.notices.map((n) => n.name)).size).toBe(100);
    expect(metrics.noticesSent.value({ kind: 'ExternalSecret' })).toBe(100);
    expect(metrics.invocations.value({ outcome: 'success' })).toBe(3);
  });

  it('should retry a failed batch with growing backoff until the ingest accepts it', async () => {
    const { sink, dispatcher, metrics } = setup();
    sink.failNext(3);
    dispatcher.enqueue(notice('db'));
    await vi.advanceTimersByTimeAsync(1_000);
    expect(sink.sendCalls).toBe(1);
    // Backoff with random() = 1: 200, 400, 800 ms.
    await vi.advanceTimersByTimeAsync(199);
    expect(sink.sendCalls).toBe(1);
    await vi.advanceTimersByTimeAsync(1);
    expect(sink.sendCalls).toBe(2);
    await vi.advanceTimersByTimeAsync(400);
    expect(sink.sendCalls).toBe(3);
    await vi.advanceTimersByTimeAsync(800);

    expect(sink.sendCalls).toBe(4);
    expect(sink.notices).toEqual([notice('db')]);
    expect(metrics.invocations.value({ outcome: 'failure' })).toBe(3);
    expect(dispatcher.pendingCount).toBe(0);
  });

  it('should send the newer notice, not the failed one, when an object changed during a failed attempt', async () => {
    const { sink, dispatcher } = setup();
    const release = sink.hold();
    sink.failNext(1);
    dispatcher.enqueue(notice('db', 1));
    dispatcher.enqueue(notice('other', 1));
    await vi.advanceTimersByTimeAsync(1_000);
    dispatcher.enqueue(notice('db', 2));
    release();
    await vi.advanceTimersByTimeAsync(2_000);

    expect(sink.notices.map((n) => `${n.name}@${n.generation}`).sort()).toEqual(['db@2', 'other@1']);
  });

  it('should hold at most maxPendingObjects while the ingest is down, then ask for a resync once it recovers', async () => {
    const onDropsRecovered = vi.fn();
    const { sink, dispatcher, metrics } = setup({ maxPendingObjects: 10, onDropsRecovered });
    const heal = sink.failUntilHealed();
    for (let i = 0; i < 25; i++) dispatcher.enqueue(notice(`es-${i}`));
    // Updates to objects already queued still fit: they replace their slot.
    for (let i = 0; i < 10; i++) dispatcher.enqueue(notice(`es-${i}`, 2));
    await vi.advanceTimersByTimeAsync(10_000);

    expect(dispatcher.pendingCount).toBe(10);
    expect(metrics.noticesDropped.value({ kind: 'ExternalSecret' })).toBe(15);
    expect(onDropsRecovered).not.toHaveBeenCalled();

    heal();
    await vi.advanceTimersByTimeAsync(2_000);
    expect(sink.notices.map((n) => `${n.name}@${n.generation}`)).toEqual(
      Array.from({ length: 10 }, (_, i) => `es-${i}@2`),
    );
    expect(onDropsRecovered).toHaveBeenCalledTimes(1);
  });

  it('should send a digest, a newer digest of the same kind replacing one still waiting', async () => {
    const { sink, dispatcher, metrics } = setup();
    dispatcher.enqueueDigest(digest(['a']));
    dispatcher.enqueueDigest(digest(['a', 'b']));
    dispatcher.enqueueDigest(digest([], 'ClusterExternalSecret'));
    await vi.runAllTimersAsync();

    expect(sink.digests).toEqual([digest(['a', 'b']), digest([], 'ClusterExternalSecret')]);
    expect(sink.batches.every((batch: NoticeBatch) => batch.notices.length === 0)).toBe(true);
    expect(metrics.digestsSent.value({ kind: 'ExternalSecret' })).toBe(1);
  });

  it('should flush everything at shutdown without waiting for the window', async () => {
    const { sink, dispatcher } = setup({ maxBatchSize: 3 });
    for (let i = 0; i < 7; i++) dispatcher.enqueue(notice(`es-${i}`));
    dispatcher.enqueueDigest(digest(['es-0']));
    const unsent = await dispatcher.drain(5_000);

    expect(unsent).toBe(0);
    expect(sink.notices).toHaveLength(7);
    expect(sink.digests).toHaveLength(1);
  });

  it('should give up flushing at the shutdown deadline and report what was left unsent', async () => {
    const { sink, dispatcher } = setup();
    sink.failUntilHealed();
    for (let i = 0; i < 4; i++) dispatcher.enqueue(notice(`es-${i}`));
    const draining = dispatcher.drain(3_000);
    await vi.advanceTimersByTimeAsync(3_000);

    expect(await draining).toBe(4);
    // Retried with backoff inside the deadline: 200 + 400 + 800 + 1600 ms fit up to 4 attempts.
    expect(sink.sendCalls).toBeGreaterThanOrEqual(3);
    expect(sink.sendCalls).toBeLessThanOrEqual(5);
  });

  it('should drop a batch the ingest can never accept and go on with the rest', async () => {
    const { sink, dispatcher, metrics } = setup();
    const send = sink.send.bind(sink);
    let first = true;
    sink.send = async (batch) => {
      if (first) {
        first = false;
        throw new NoticePayloadTooLargeError('too large');
      }
      return send(batch);
    };
    dispatcher.enqueue(notice('a'));
    await vi.advanceTimersByTimeAsync(1_000);
    dispatcher.enqueue(notice('b'));
    await vi.advanceTimersByTimeAsync(1_000);

    expect(sink.notices.map((n) => n.name)).toEqual(['b']);
    expect(metrics.invocations.value({ outcome: 'failure' })).toBe(1);
    expect(dispatcher.pendingCount).toBe(0);
  });
});
