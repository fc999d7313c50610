import { describe, expect, it } from 'vitest';
import { InProcessInvoker } from '../adapters/in-process/in-process-invoker.js';
import { LocalStateStore } from '../adapters/local-state/local-state-store.js';
import type { SecretChange } from '../domain/events/secrets-manager-events.js';
import type { ClusterRecord, DesiredSnapshot, ReconcileRequest, SyncStatus } from '../domain/records.js';
import { ANY_FIND_KEY } from './index-refs.js';
import { runUnderClusterLease } from './lease-runner.js';
import { fanOutSecretChanges } from './rotation-fanout.js';
import { runSweep } from './sweep.js';

const T0 = new Date('2026-11-20T10:00:00Z');
const clock = (at = T0) => ({ now: () => at });

function cluster(clusterId: string, extra: Partial<ClusterRecord> = {}): ClusterRecord {
  return {
    clusterId,
    endpoint: `https://${clusterId}.example:6443`,
    auth: { type: 'token', secretId: `tokens/${clusterId}` },
    labels: {},
    createdAt: T0.toISOString(),
    updatedAt: T0.toISOString(),
    ...extra,
  };
}

function snapshot(clusterId: string, namespace: string, name: string, keys: string[]): DesiredSnapshot {
  return {
    clusterId,
    namespace,
    name,
    source: { kind: 'ExternalSecret', name, namespace, uid: `${clusterId}-${name}`, generation: 1 },
    spec: {
      secretStoreRef: { name: 'aws' },
      data: keys.map((k) => ({ secretKey: k, remoteRef: { key: k } })),
    },
    refs: keys.map((key) => ({ storeName: 'aws-sm:eu-west-1', key })),
    updatedAt: T0.toISOString(),
  };
}

function recordingInvoker() {
  const invoker = new InProcessInvoker();
  const received: ReconcileRequest[] = [];
  invoker.setTarget('reconcile-cluster', async (p) => {
    received.push(p);
  });
  return { invoker, received };
}

const change = (name: string, versionId?: string): SecretChange => ({
  name,
  region: 'eu-west-1',
  account: '123456789012',
  kind: 'version-changed',
  versionId,
  via: 'test',
});

describe('fanOutSecretChanges', () => {
  it('should start one scoped invocation per cluster that depends on the secret', async () => {
    const state = new LocalStateStore({ clock: clock() });
    await state.putSnapshot(snapshot('c1', 'team-a', 'db', ['prod/db']));
    await state.putSnapshot(snapshot('c1', 'team-b', 'db', ['prod/db', 'prod/api']));
    await state.putSnapshot(snapshot('c2', 'team-a', 'db', ['prod/db']));
    await state.putSnapshot(snapshot('c3', 'team-a', 'api', ['prod/api']));
    const { invoker, received } = recordingInvoker();

    const result = await fanOutSecretChanges({ state, invoker, region: 'eu-west-1' }, [
      change('prod/db', 'v2'),
    ]);
    await invoker.drain();

    expect(result.dependents).toBe(3);
    expect(received.map((r) => r.clusterId).sort()).toEqual(['c1', 'c2']);
    const c1 = received.find((r) => r.clusterId === 'c1')!;
    expect(c1.scope).toEqual({
      kind: 'objects',
      objects: [
        { namespace: 'team-a', name: 'db' },
        { namespace: 'team-b', name: 'db' },
      ],
    });
    expect(c1.reason).toBe('rotation');
    expect(c1.trigger?.versionId).toBe('v2');
  });

  it('should cost two parallel index queries and no invocation for a secret nobody uses', async () => {
    const state = new LocalStateStore({ clock: clock() });
    let queries = 0;
    const counted = {
      claimEvent: (key: string, ttl: number) => state.claimEvent(key, ttl),
      getSnapshot: (ref: Parameters<typeof state.getSnapshot>[0]) => state.getSnapshot(ref),
      findDependents: async (store: string, key: string) => {
        queries++;
        return state.findDependents(store, key);
      },
    };
    const { invoker } = recordingInvoker();
    const result = await fanOutSecretChanges({ state: counted, invoker, region: 'eu-west-1' }, [
      change('unused'),
    ]);
    expect(queries).toBe(2);
    expect(invoker.invocations).toHaveLength(0);
    expect(result.invocations).toEqual([]);
  });

  it('should coalesce the same change seen twice in one batch', async () => {
    const state = new LocalStateStore({ clock: clock() });
    await state.putSnapshot(snapshot('c1', 'ns', 'db', ['prod/db']));
    const { invoker } = recordingInvoker();
    const result = await fanOutSecretChanges({ state, invoker, region: 'eu-west-1' }, [
      change('prod/db', 'v2'),
      { ...change('prod/db', 'v2'), via: 'cloudtrail' },
    ]);
    expect(result.duplicates).toBe(1);
    expect(result.indexQueries).toBe(2);
    expect(invoker.invocations).toHaveLength(1);
  });

  it('should drop the second delivery of a change that another invocation already handled', async () => {
    const state = new LocalStateStore({ clock: clock() });
    await state.putSnapshot(snapshot('c1', 'ns', 'db', ['prod/db']));
    const { invoker } = recordingInvoker();
    await fanOutSecretChanges({ state, invoker, region: 'eu-west-1' }, [change('prod/db', 'v2')]);
    const second = await fanOutSecretChanges({ state, invoker, region: 'eu-west-1' }, [
      { ...change('prod/db', 'v2'), via: 'AWS API Call via CloudTrail:PutSecretValue' },
    ]);
    expect(second.claimedElsewhere).toBe(1);
    expect(second.indexQueries).toBe(2);
    expect(invoker.invocations).toHaveLength(1);
  });
});

describe('fanOutSecretChanges with dataFrom.find', () => {
  it('should reach an object whose find query matches the rotated name, and not one whose query cannot', async () => {
    const state = new LocalStateStore({ clock: clock() });
    const finder = (name: string, path: string): DesiredSnapshot => ({
      ...snapshot('c1', 'ns', name, []),
      spec: { secretStoreRef: { name: 'aws' }, dataFrom: [{ find: { path, name: { regexp: '.*' } } }] },
      refs: [{ storeName: 'aws-sm:eu-west-1', key: ANY_FIND_KEY }],
    });
    await state.putSnapshot(finder('payments', 'payments/'));
    await state.putSnapshot(finder('billing', 'billing/'));
    const { invoker, received } = recordingInvoker();
    const result = await fanOutSecretChanges({ state, invoker, region: 'eu-west-1' }, [
      change('payments/db', 'v9'),
    ]);
    await invoker.drain();
    expect(result.dependents).toBe(1);
    expect(received).toHaveLength(1);
    expect(received[0]?.scope).toEqual({ kind: 'objects', objects: [{ namespace: 'ns', name: 'payments' }] });
  });
});

describe('runSweep', () => {
  function status(clusterId: string, name: string, nextRefreshAt: string, version = 1): SyncStatus {
    return {
      clusterId,
      namespace: 'ns',
      name,
      version,
      ready: 'True',
      reason: 'SecretSynced',
      attempts: 0,
      nextRefreshAt,
    };
  }

  it('should hand out exactly the due objects, grouped per cluster', async () => {
    const state = new LocalStateStore({ clock: clock() });
    const later = new Date(T0.getTime() + 3600_000).toISOString();
    await state.putCluster(cluster('c1', { nextDriftCheckAt: later }));
    await state.putCluster(cluster('c2', { nextDriftCheckAt: later }));
    await state.putStatus(status('c1', 'due-1', '2026-11-20T09:59:00Z'));
    await state.putStatus(status('c1', 'not-due', later));
    await state.putStatus(status('c2', 'due-2', '2026-11-20T09:00:00Z'));
    const { invoker, received } = recordingInvoker();

    const result = await runSweep({ state, invoker, clock: clock(), driftCheckIntervalMs: 300_000 });
    await invoker.drain();

    expect(result.dueObjects).toBe(2);
    expect(result.driftChecks).toEqual([]);
    expect(received.map((r) => [r.clusterId, r.scope])).toEqual(
      expect.arrayContaining([
        ['c1', { kind: 'objects', objects: [{ namespace: 'ns', name: 'due-1' }] }],
        ['c2', { kind: 'objects', objects: [{ namespace: 'ns', name: 'due-2' }] }],
      ]),
    );
    expect(received).toHaveLength(2);
  });

  it('should send one whole-cluster drift check instead of scoped work, and move the next check forward', async () => {
    const state = new LocalStateStore({ clock: clock() });
    await state.putCluster(cluster('c1'));
    await state.putStatus(status('c1', 'due-1', '2026-11-20T09:59:00Z'));
    const { invoker, received } = recordingInvoker();

    const result = await runSweep({ state, invoker, clock: clock(), driftCheckIntervalMs: 300_000 });
    await invoker.drain();

    expect(result.driftChecks).toEqual(['c1']);
    expect(received).toEqual([{ clusterId: 'c1', scope: { kind: 'all' }, reason: 'drift-check' }]);
    expect((await state.getCluster('c1'))?.nextDriftCheckAt).toBe('2026-11-20T10:05:00.000Z');
  });
});

describe('runUnderClusterLease', () => {
  const noRequeue = async () => {
    throw new Error('nothing should be re-queued');
  };

  it('should hand the follow-up beyond maxPasses to a new invocation and run no more itself', async () => {
    const state = new LocalStateStore({ clock: clock() });
    const requeued: ReconcileRequest[] = [];
    let passes = 0;
    const outcome = await runUnderClusterLease(
      {
        state,
        holder: 'inv-1',
        leaseTtlMs: 30_000,
        maxPasses: 1,
        requeue: async (r) => {
          requeued.push(r);
        },
      },
      { clusterId: 'c1', scope: { kind: 'all' }, reason: 'sweep' },
      async () => {
        passes++;
        // A request arriving mid-pass is folded into this holder's follow-up.
        await state.acquireLease('c1', 'inv-2', 30_000, {
          kind: 'objects',
          objects: [{ namespace: 'a', name: 'x' }],
        });
        return passes;
      },
    );
    expect(passes).toBe(1);
    expect(requeued).toEqual([
      {
        clusterId: 'c1',
        scope: { kind: 'objects', objects: [{ namespace: 'a', name: 'x' }] },
        reason: 'follow-up',
      },
    ]);
    expect(outcome).toMatchObject({ ran: true, leftOver: requeued[0] });
  });

  it('should fold a request that arrives during a pass into one follow-up pass run by the holder', async () => {
    const state = new LocalStateStore({ clock: clock() });
    const passes: ReconcileRequest[] = [];
    let second: Awaited<ReturnType<typeof runUnderClusterLease>> | undefined;
    const first = await runUnderClusterLease(
      { state, holder: 'inv-1', leaseTtlMs: 30_000, requeue: noRequeue },
      {
        clusterId: 'c1',
        scope: { kind: 'objects', objects: [{ namespace: 'a', name: 'x' }] },
        reason: 'ingest',
      },
      async (req) => {
        passes.push(req);
        if (passes.length === 1) {
          second = await runUnderClusterLease(
            { state, holder: 'inv-2', leaseTtlMs: 30_000, requeue: noRequeue },
            {
              clusterId: 'c1',
              scope: { kind: 'objects', objects: [{ namespace: 'b', name: 'y' }] },
              reason: 'rotation',
            },
            async () => {
              throw new Error('must not run while inv-1 holds the lease');
            },
          );
        }
        return passes.length;
      },
    );
    expect(second).toEqual({ ran: false, foldedInto: 'inv-1' });
    expect(first.ran).toBe(true);
    expect(passes).toHaveLength(2);
    expect(passes[1]?.reason).toBe('follow-up');
    expect(passes[1]?.scope).toEqual({ kind: 'objects', objects: [{ namespace: 'b', name: 'y' }] });
    // The lease is free again afterwards.
    const again = await state.acquireLease('c1', 'inv-3', 30_000, { kind: 'all' });
    expect(again.acquired).toBe(true);
  });

  it('should release the lease when a pass throws', async () => {
    const state = new LocalStateStore({ clock: clock() });
    await expect(
      runUnderClusterLease(
        { state, holder: 'inv-1', leaseTtlMs: 30_000, requeue: noRequeue },
        { clusterId: 'c1', scope: { kind: 'all' }, reason: 'sweep' },
        async () => {
          throw new Error('boom');
        },
      ),
    ).rejects.toThrow('boom');
    expect((await state.acquireLease('c1', 'inv-2', 30_000, { kind: 'all' })).acquired).toBe(true);
  });
});
