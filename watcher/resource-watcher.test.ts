import { setTimeout as sleep } from 'node:timers/promises';
import { afterEach, describe, expect, it } from 'vitest';
import { FakeMetadataApi } from '../infra-tests/helpers/watcher/fake-metadata-api.js';
import type { Notice, NoticeDigest } from '../shared/contracts/notice-batch.js';
import type { WatchedResource } from './kube/metadata-api.js';
import { silentLogger } from './logger.js';
import { WatcherMetrics } from './metrics.js';
import { type ListReason, ResourceWatcher } from './resource-watcher.js';

const externalSecrets: WatchedResource = {
  kind: 'ExternalSecret',
  group: 'fleet-secrets.io',
  version: 'v1',
  plural: 'externalsecrets',
  namespaced: true,
};
const plural = externalSecrets.plural;

async function until(what: string, condition: () => boolean, timeoutMs = 2_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(2);
  }
}

interface Harness {
  api: FakeMetadataApi;
  watcher: ResourceWatcher;
  metrics: WatcherMetrics;
  changes: Notice[];
  listings: Array<{ digest: NoticeDigest; reason: ListReason }>;
}

const running: ResourceWatcher[] = [];

function harness(
  options: {
    api?: FakeMetadataApi;
    resyncIntervalMs?: number;
    pageSize?: number;
    watchTimeoutSeconds?: number;
  } = {},
): Harness {
  const api = options.api ?? new FakeMetadataApi();
  const metrics = new WatcherMetrics();
  const changes: Notice[] = [];
  const listings: Harness['listings'] = [];
  const watcher = new ResourceWatcher({
    resource: externalSecrets,
    api,
    listener: {
      change: (notice) => changes.push(notice),
      listed: (digest, reason) => listings.push({ digest, reason }),
    },
    logger: silentLogger,
    metrics,
    watchTimeoutSeconds: options.watchTimeoutSeconds ?? 1,
    stallGraceMs: 50,
    resyncIntervalMs: options.resyncIntervalMs ?? 60_000,
    pageSize: options.pageSize ?? 2,
    backoff: { initialMs: 1, maxMs: 4 },
  });
  running.push(watcher);
  return { api, watcher, metrics, changes, listings };
}

afterEach(async () => {
  await Promise.all(running.splice(0).map((watcher) => watcher.stop()));
});

async function started(h: Harness): Promise<void> {
  h.watcher.start();
  await until('the first list and an open watch', () => h.watcher.synced && h.api.openWatches === 1);
}

describe('ResourceWatcher', () => {
  it('should report existing objects in one digest on start instead of one notice each', async () => {
    const api = new FakeMetadataApi();
    api.create(plural, 'a', 'team-1');
    api.create(plural, 'b', 'team-1');
    api.create(plural, 'c', 'team-2');
    const h = harness({ api, pageSize: 2 });
    await started(h);

    expect(h.changes).toEqual([]);
    expect(h.listings).toHaveLength(1);
    expect(h.listings[0]?.reason).toBe('initial');
    expect(h.listings[0]?.digest).toMatchObject({
      kind: 'ExternalSecret',
      complete: true,
      resourceVersion: '103',
    });
    expect(h.listings[0]?.digest.objects.map((o) => `${o.namespace}/${o.name}`)).toEqual([
      'team-1/a',
      'team-1/b',
      'team-2/c',
    ]);
    // Three objects in pages of two.
    expect(api.listCalls).toBe(2);
    expect(api.watchStarts).toEqual(['103']);
  });

  it('should forward creates, spec updates and deletes with uid, generation and resourceVersion', async () => {
    const h = harness();
    await started(h);
    const created = h.api.create(plural, 'db', 'team-1');
    const updated = h.api.update(plural, 'db', 'team-1', 'spec');
    h.api.delete(plural, 'db', 'team-1');
    await until('three changes', () => h.changes.length === 3);

    expect(h.changes).toEqual([
      {
        kind: 'ExternalSecret',
        namespace: 'team-1',
        name: 'db',
        uid: created.uid,
        resourceVersion: created.resourceVersion,
        generation: 1,
        event: 'upsert',
      },
      expect.objectContaining({ event: 'upsert', generation: 2, resourceVersion: updated.resourceVersion }),
      expect.objectContaining({ event: 'delete', name: 'db', uid: created.uid }),
    ]);
  });

  it('should not forward status-only writes, but should forward label changes', async () => {
    const h = harness();
    await started(h);
    h.api.create(plural, 'db', 'team-1');
    h.api.update(plural, 'db', 'team-1', 'status');
    h.api.update(plural, 'db', 'team-1', 'status');
    h.api.update(plural, 'db', 'team-1', { labels: { tier: 'gold' } });
    await until('the label change', () => h.changes.length === 2);

    expect(h.changes.map((c) => c.event)).toEqual(['upsert', 'upsert']);
    expect(h.metrics.statusOnlySkipped.value({ kind: 'ExternalSecret' })).toBe(2);
    // The resourceVersion still advances, so a reconnect does not replay the status writes.
    expect(h.watcher.resourceVersion).toBe(String(h.api.revision));
  });

  it('should resume from the last resourceVersion after a dropped connection without losing or repeating changes', async () => {
    const h = harness();
    await started(h);
    h.api.create(plural, 'before', 'team-1');
    await until('the first change', () => h.changes.length === 1);
    const resumeFrom = h.watcher.resourceVersion;

    h.api.failNext('watch');
    h.api.failNext('watch');
    h.api.cutWatches();
    // Changes made while the watcher is disconnected.
    h.api.create(plural, 'during-1', 'team-1');
    h.api.create(plural, 'during-2', 'team-1');
    await until('the watch to reopen', () => h.api.openWatches === 1);
    h.api.create(plural, 'after', 'team-1');
    await until('four changes', () => h.changes.length === 4);

    expect(h.changes.map((c) => c.name)).toEqual(['before', 'during-1', 'during-2', 'after']);
    expect(h.api.watchStarts.slice(1)).toEqual([resumeFrom, resumeFrom, resumeFrom]);
    expect(h.metrics.relists.value({ kind: 'ExternalSecret', reason: 'initial' })).toBe(1);
    expect(h.metrics.watchRestarts.value({ kind: 'ExternalSecret', reason: 'error' })).toBe(3);
  });

  it('should relist on 410 Gone and forward exactly what changed while the history was lost', async () => {
    const api = new FakeMetadataApi();
    api.create(plural, 'kept', 'team-1');
    api.create(plural, 'changed', 'team-1');
    api.create(plural, 'removed', 'team-1');
    const h = harness({ api });
    await started(h);

    api.failNext('watch');
    api.cutWatches();
    api.update(plural, 'changed', 'team-1', 'spec');
    api.update(plural, 'kept', 'team-1', 'status');
    api.delete(plural, 'removed', 'team-1');
    api.create(plural, 'new', 'team-2');
    api.compact();
    await until('the relist', () => h.listings.length === 2);

    expect(h.listings[1]?.reason).toBe('expired');
    expect(h.changes.map((c) => `${c.event} ${c.name}`).sort()).toEqual([
      'delete removed',
      'upsert changed',
      'upsert new',
    ]);
    expect(h.listings[1]?.digest.objects.map((o) => o.name).sort()).toEqual(['changed', 'kept', 'new']);
    expect(h.metrics.relists.value({ kind: 'ExternalSecret', reason: 'expired' })).toBe(1);
    await until('a watch from the new list', () => h.api.openWatches === 1);
    expect(api.watchStarts.at(-1)).toBe(String(api.revision));
  });

  it('should restart a paged list from the beginning when its continue token expires', async () => {
    const api = new FakeMetadataApi();
    for (const name of ['a', 'b', 'c', 'd', 'e']) api.create(plural, name, 'team-1');
    const h = harness({ api, pageSize: 2 });
    let expired = false;
    const listPage = api.listPage.bind(api);
    api.listPage = async (resource, options) => {
      if (options.continueToken && !expired) {
        expired = true;
        api.expireContinueTokens();
      }
      return listPage(resource, options);
    };
    await started(h);

    expect(h.listings).toHaveLength(1);
    expect(h.listings[0]?.digest.objects).toHaveLength(5);
    // 2 calls until the token expired, then 3 for the whole list again.
    expect(api.listCalls).toBe(5);
  });

  it('should reopen a watch the server ended cleanly, from where it left off', async () => {
    const h = harness({ watchTimeoutSeconds: 30 });
    await started(h);
    h.api.create(plural, 'x', 'team-1');
    await until('the change', () => h.changes.length === 1);
    await sleep(1_050);
    h.api.endWatches();
    await until('the reopened watch', () => h.api.watchStarts.length === 2 && h.api.openWatches === 1);

    expect(h.api.watchStarts[1]).toBe(h.watcher.resourceVersion);
    expect(h.metrics.watchRestarts.value({ kind: 'ExternalSecret', reason: 'timeout' })).toBe(1);
    expect(h.changes).toHaveLength(1);
  });

  it('should drop a watch that stays silent past its timeout and reconnect', async () => {
    const h = harness();
    h.api.silent = true;
    h.watcher.start();
    await until('the first list', () => h.watcher.synced);
    // watchTimeoutSeconds 1 + stallGraceMs 50.
    await until('a stalled watch to be dropped', () => h.api.watchStarts.length >= 2, 3_000);

    expect(
      h.metrics.watchRestarts.value({ kind: 'ExternalSecret', reason: 'stalled' }),
    ).toBeGreaterThanOrEqual(1);
  });

  it('should relist periodically and send a fresh digest even when nothing changed', async () => {
    const api = new FakeMetadataApi();
    api.create(plural, 'a', 'team-1');
    const h = harness({ api, resyncIntervalMs: 30 });
    await started(h);
    await until('two resyncs', () => h.listings.filter((l) => l.reason === 'resync').length >= 2);

    expect(h.changes).toEqual([]);
    expect(h.listings.at(-1)?.digest.objects.map((o) => o.name)).toEqual(['a']);
  });

  it('should heal a change the watch never delivered at the next resync', async () => {
    const api = new FakeMetadataApi();
    const h = harness({ api, resyncIntervalMs: 200 });
    await started(h);
    // The object appears without a watch event, as if the event had been lost.
    api.silent = true;
    api.create(plural, 'missed', 'team-1');
    api.silent = false;
    await until('the resync', () => h.listings.some((l) => l.reason === 'resync'), 3_000);

    expect(h.changes.map((c) => `${c.event} ${c.name}`)).toEqual(['upsert missed']);
  });

  it('should keep retrying a failing list with backoff and become synced once it succeeds', async () => {
    const h = harness();
    h.api.failNext('list');
    h.api.failNext('list');
    h.api.failNext('list');
    await started(h);

    expect(h.api.listCalls).toBe(4);
    expect(h.listings).toHaveLength(1);
  });

  it('should relist when asked to, e.g. after the notice queue dropped notices', async () => {
    const h = harness();
    await started(h);
    h.watcher.requestResync();
    await until('the requested relist', () => h.listings.length === 2);

    expect(h.listings[1]?.reason).toBe('requested');
  });

  it('should stop without leaving a watch open', async () => {
    const h = harness();
    await started(h);
    await h.watcher.stop();

    expect(h.api.openWatches).toBe(0);
  });
});
