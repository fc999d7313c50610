/**
 * The behaviour every StateStore must show, as a vitest suite that each implementation runs against
 * itself: the local store in a unit test, the DynamoDB store against DynamoDB Local. Implementations
 * differ in how they store things, never in what callers observe.
 */
import { createHmac, randomUUID } from 'node:crypto';
import { beforeEach, describe, expect, it } from 'vitest';
import { MAX_REFS_PER_SNAPSHOT } from '../../shared/adapters/state-store-rules.js';
import type {
  ClusterRecord,
  DesiredSnapshot,
  ObjectRef,
  ReconcileScope,
  RemoteKeyRef,
  SyncStatus,
} from '../../shared/domain/records.js';
import { API_GROUP_VERSION, type FleetExternalSecret, type SecretStore } from '../../shared/domain/schema.js';
import type { Clock } from '../../shared/ports/clock.js';
import type { StateStore } from '../../shared/ports/state-store.js';
import {
  ClusterNotFoundError,
  InvalidStateRecordError,
  StatusConflictError,
  TooManyRefsError,
} from '../../shared/ports/state-store-errors.js';

/** A clock the tests move by hand, so lease expiry needs no sleeping. */
export class ManualClock implements Clock {
  #nowMs: number;

  constructor(start: Date = new Date('2030-01-01T00:00:00.000Z')) {
    this.#nowMs = start.getTime();
  }

  now(): Date {
    return new Date(this.#nowMs);
  }

  advance(ms: number): void {
    this.#nowMs += ms;
  }
}

export interface StateStoreContractHarness {
  /** A new, empty store per test, reading time from `clock`. */
  create(clock: ManualClock): Promise<StateStore>;
  /**
   * Everything the implementation persisted for every store created so far (raw items, files), as
   * text: the last test searches it for the canary secret values.
   */
  dumpEverythingWritten(): Promise<string>;
}

/**
 * Secret values the simulated reconcile "read from a provider". They reach the store only the way
 * production code handles values (as a keyed HMAC), so none may ever appear in what was written.
 */
const CANARY_VALUES = [
  `canary-db-password-${randomUUID()}`,
  `canary-api-token-${randomUUID()}`,
  `-----BEGIN PRIVATE KEY----- canary-${randomUUID()}`,
];
const CANARY_FORMS = CANARY_VALUES.flatMap((v) => [
  v,
  Buffer.from(v, 'utf8').toString('base64'),
  Buffer.from(v, 'utf8').toString('base64url'),
  JSON.stringify(v).slice(1, -1),
]);
const HMAC_KEY = `contract-hmac-key-${randomUUID()}`;
/** What the stores do see: the keyed HMAC of the rendered data. Its presence proves the dump is real. */
const CANARY_DATA_HMAC = createHmac('sha256', HMAC_KEY).update(CANARY_VALUES.join('\u0000')).digest('hex');

const unique = (prefix: string): string => `${prefix}-${randomUUID().slice(0, 8)}`;
const ISO = (ms: number): string => new Date(ms).toISOString();

function clusterRecord(clusterId: string, labels: Record<string, string> = {}): ClusterRecord {
  return {
    clusterId,
    endpoint: `https://${clusterId}.example.internal:6443`,
    caData: '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n',
    auth: { type: 'eks', clusterName: clusterId, region: 'eu-west-1' },
    labels,
    createdAt: '2030-01-01T00:00:00.000Z',
    updatedAt: '2030-01-01T00:00:00.000Z',
  };
}

function secretStore(name: string): SecretStore {
  return {
    apiVersion: API_GROUP_VERSION,
    kind: 'SecretStore',
    metadata: { name },
    spec: {
      provider: { awsSecretsManager: { region: 'eu-west-1', role: 'arn:aws:iam::123456789012:role/reader' } },
      accessPolicy: { namespaces: ['payments'], keys: ['prod/'] },
    },
  };
}

function fleetExternalSecret(namespace: string, name: string, generation = 1): FleetExternalSecret {
  return {
    apiVersion: API_GROUP_VERSION,
    kind: 'FleetExternalSecret',
    metadata: { namespace, name, generation },
    spec: {
      clusterSelector: { matchLabels: { env: 'prod' } },
      namespaces: [namespace],
      externalSecretSpec: {
        secretStoreRef: { name: 'aws-main' },
        data: [{ secretKey: 'password', remoteRef: { key: 'prod/db', property: 'password' } }],
      },
    },
  };
}

function snapshotOf(
  ref: ObjectRef,
  opts: { generation?: number; resourceVersion?: string; uid?: string; refs?: RemoteKeyRef[] } = {},
): DesiredSnapshot {
  const refs = opts.refs ?? [{ storeName: 'aws-main', key: 'prod/db' }];
  return {
    ...ref,
    source: {
      kind: 'ExternalSecret',
      name: ref.name,
      namespace: ref.namespace,
      uid: opts.uid,
      generation: opts.generation ?? 1,
      resourceVersion: opts.resourceVersion,
    },
    spec: {
      secretStoreRef: { name: refs[0]?.storeName ?? 'aws-main' },
      refreshInterval: '1h',
      target: { name: ref.name, template: { data: { dsn: 'postgres://app:{{ .password }}@db/app' } } },
      data: refs.map((r, i) => ({ secretKey: `k${i}`, remoteRef: { key: r.key } })),
    },
    refs,
    updatedAt: '2030-01-01T00:00:00.000Z',
  };
}

/** The status a reconcile pass would record after syncing the canary values to `ref`. */
function syncedStatus(ref: ObjectRef, version: number, extra: Partial<SyncStatus> = {}): SyncStatus {
  return {
    clusterId: ref.clusterId,
    namespace: ref.namespace,
    name: ref.name,
    version,
    observedGeneration: 1,
    ready: 'True',
    reason: 'SecretSynced',
    message: `synced ${CANARY_VALUES.length} keys`,
    conditions: [{ type: 'Ready', status: 'True', reason: 'SecretSynced', lastTransitionTime: ISO(0) }],
    targetName: ref.name,
    dataHmac: CANARY_DATA_HMAC,
    writtenResourceVersion: '4242',
    syncedVersions: { 'aws-main/prod/db': 'a1b2c3d4-version' },
    ownedKeys: ['password', 'token', 'tls.key'],
    lastSyncAt: ISO(0),
    attempts: 0,
    ...extra,
  };
}

const objects = (...names: string[]): ReconcileScope => ({
  kind: 'objects',
  objects: names.map((n) => ({ namespace: 'apps', name: n })),
});

/** Runs the StateStore contract against one implementation. */
export function describeStateStoreContract(implementation: string, harness: StateStoreContractHarness): void {
  describe(`StateStore contract: ${implementation}`, () => {
    let store: StateStore;
    let clock: ManualClock;

    beforeEach(async () => {
      clock = new ManualClock();
      store = await harness.create(clock);
    });

    describe('clusters', () => {
      it('should return a registered cluster exactly as it was put, and undefined for an unknown one', async () => {
        const c = clusterRecord(unique('c'), { env: 'prod', 'topology.kubernetes.io/region': 'eu-west-1' });
        await store.putCluster(c);
        expect(await store.getCluster(c.clusterId)).toEqual(c);
        expect(await store.getCluster(unique('missing'))).toBeUndefined();
      });

      it('should list every cluster with its labels, so callers can select clusters by label', async () => {
        const ids = Array.from({ length: 12 }, (_, i) => `c-${String(i).padStart(2, '0')}`);
        for (const [i, id] of ids.entries()) {
          await store.putCluster(clusterRecord(id, { env: i % 3 === 0 ? 'prod' : 'dev', idx: String(i) }));
        }
        const listed = await store.listClusters();
        expect(listed.map((c) => c.clusterId)).toEqual(ids);
        // Label selection happens in code: at 1,000 clusters the whole list is two 1 MB pages.
        expect(listed.filter((c) => c.labels.env === 'prod').map((c) => c.clusterId)).toEqual([
          'c-00',
          'c-03',
          'c-06',
          'c-09',
        ]);
      });

      it('should replace a cluster on put and forget it on delete', async () => {
        const c = clusterRecord(unique('c'), { env: 'dev' });
        await store.putCluster(c);
        await store.putCluster({ ...c, labels: { env: 'prod' }, updatedAt: '2030-01-02T00:00:00.000Z' });
        expect((await store.getCluster(c.clusterId))?.labels).toEqual({ env: 'prod' });
        await store.deleteCluster(c.clusterId);
        expect(await store.getCluster(c.clusterId)).toBeUndefined();
        expect(await store.listClusters()).toEqual([]);
        await expect(store.deleteCluster(c.clusterId)).resolves.toBeUndefined();
      });

      it('should patch health without reverting labels another writer changed meanwhile', async () => {
        const c = clusterRecord(unique('c'), { env: 'dev' });
        await store.putCluster(c);
        // The CLI relabels while a reconcile pass (which read the old record) reports health.
        await store.putCluster({ ...c, labels: { env: 'prod' } });
        await store.patchClusterState(c.clusterId, {
          health: { state: 'Healthy', checkedAt: '2030-01-01T00:05:00.000Z' },
          nextDriftCheckAt: '2030-01-01T01:00:00.000Z',
        });
        const after = await store.getCluster(c.clusterId);
        expect(after?.labels).toEqual({ env: 'prod' });
        expect(after?.health).toEqual({ state: 'Healthy', checkedAt: '2030-01-01T00:05:00.000Z' });
        expect(after?.nextDriftCheckAt).toBe('2030-01-01T01:00:00.000Z');
        await store.patchClusterState(c.clusterId, { nextDriftCheckAt: undefined });
        expect((await store.getCluster(c.clusterId))?.nextDriftCheckAt).toBeUndefined();
      });

      it('should refuse to patch an unregistered cluster with ClusterNotFoundError', async () => {
        const id = unique('ghost');
        await expect(
          store.patchClusterState(id, { health: { state: 'Unknown', checkedAt: ISO(0) } }),
        ).rejects.toThrow(ClusterNotFoundError);
        await expect(store.patchClusterState(id, {})).rejects.toThrow(ClusterNotFoundError);
        expect(await store.getCluster(id)).toBeUndefined();
      });

      it("should remove a deleted cluster's snapshots, reverse-index entries, statuses and lease", async () => {
        const gone = clusterRecord(unique('gone'));
        const kept = clusterRecord(unique('kept'));
        await store.putCluster(gone);
        await store.putCluster(kept);
        const key = { storeName: 'aws-main', key: unique('shared') };
        for (const c of [gone, kept]) {
          const ref = { clusterId: c.clusterId, namespace: 'apps', name: 'db' };
          await store.putSnapshot(snapshotOf(ref, { refs: [key] }));
          await store.putStatus(syncedStatus(ref, 1, { nextRefreshAt: ISO(1000) }));
        }
        await store.deleteSnapshot({ clusterId: gone.clusterId, namespace: 'apps', name: 'tombstoned' });
        await store.acquireLease(gone.clusterId, 'worker-1', 60_000, { kind: 'all' });

        await store.deleteCluster(gone.clusterId);

        expect(await store.listSnapshots(gone.clusterId)).toEqual([]);
        expect(await store.listStatuses(gone.clusterId)).toEqual([]);
        expect(await store.findDependents(key.storeName, key.key)).toEqual([
          { clusterId: kept.clusterId, namespace: 'apps', name: 'db' },
        ]);
        expect(await store.listDue(new Date(2000))).toEqual([
          { clusterId: kept.clusterId, namespace: 'apps', name: 'db' },
        ]);
        const lease = await store.acquireLease(gone.clusterId, 'worker-2', 60_000, { kind: 'all' });
        expect(lease.acquired).toBe(true);
        expect(await store.listSnapshots(kept.clusterId)).toHaveLength(1);
      });
    });

    describe('stores and FleetExternalSecrets', () => {
      it('should put, get, list and delete central stores', async () => {
        await store.putStore(secretStore('vault-b'));
        await store.putStore(secretStore('aws-a'));
        expect(await store.getStore('aws-a')).toEqual(secretStore('aws-a'));
        expect(await store.getStore('nope')).toBeUndefined();
        expect((await store.listStores()).map((s) => s.metadata.name)).toEqual(['aws-a', 'vault-b']);
        await store.deleteStore('aws-a');
        expect((await store.listStores()).map((s) => s.metadata.name)).toEqual(['vault-b']);
      });

      it('should key FleetExternalSecrets by namespace and name', async () => {
        await store.putFleetExternalSecret(fleetExternalSecret('payments', 'db'));
        await store.putFleetExternalSecret(fleetExternalSecret('search', 'db', 3));
        expect(await store.getFleetExternalSecret('search', 'db')).toEqual(
          fleetExternalSecret('search', 'db', 3),
        );
        expect(await store.getFleetExternalSecret('other', 'db')).toBeUndefined();
        expect(
          (await store.listFleetExternalSecrets()).map((f) => `${f.metadata.namespace}/${f.metadata.name}`),
        ).toEqual(['payments/db', 'search/db']);
        await store.deleteFleetExternalSecret('payments', 'db');
        expect(await store.getFleetExternalSecret('payments', 'db')).toBeUndefined();
        expect(await store.listFleetExternalSecrets()).toHaveLength(1);
      });

      it('should reject a store without a name, naming the field', async () => {
        const bad = { ...secretStore('x'), metadata: { name: '' } };
        await expect(store.putStore(bad)).rejects.toThrow(/store\.metadata\.name/);
        await expect(store.putStore(bad)).rejects.toThrow(InvalidStateRecordError);
      });
    });

    describe('desired snapshots and the reverse index', () => {
      it("should store snapshots per cluster and list only that cluster's", async () => {
        const a = unique('a');
        const b = unique('b');
        const refs = [
          { clusterId: a, namespace: 'apps', name: 'db' },
          { clusterId: a, namespace: 'apps', name: 'api' },
          { clusterId: a, namespace: 'web', name: 'db' },
          { clusterId: b, namespace: 'apps', name: 'db' },
        ];
        for (const r of refs) expect(await store.putSnapshot(snapshotOf(r))).toBe('written');
        expect(await store.getSnapshot(refs[0]!)).toEqual(snapshotOf(refs[0]!));
        expect(await store.getSnapshot({ clusterId: a, namespace: 'apps', name: 'nope' })).toBeUndefined();
        const listed = await store.listSnapshots(a);
        expect(listed.map((s) => `${s.namespace}/${s.name}`)).toEqual(['apps/api', 'apps/db', 'web/db']);
        expect(await store.listSnapshots(b)).toHaveLength(1);
      });

      it('should ignore a snapshot with an older generation and accept a newer one', async () => {
        const ref = { clusterId: unique('c'), namespace: 'apps', name: 'db' };
        expect(await store.putSnapshot(snapshotOf(ref, { generation: 5 }))).toBe('written');
        expect(
          await store.putSnapshot(snapshotOf(ref, { generation: 4, refs: [{ storeName: 's', key: 'old' }] })),
        ).toBe('stale');
        expect((await store.getSnapshot(ref))?.source.generation).toBe(5);
        expect(await store.findDependents('s', 'old')).toEqual([]);
        expect(await store.putSnapshot(snapshotOf(ref, { generation: 6 }))).toBe('written');
        expect((await store.getSnapshot(ref))?.source.generation).toBe(6);
      });

      it('should order by resourceVersion when both have one, even against a higher generation', async () => {
        const ref = { clusterId: unique('c'), namespace: 'apps', name: 'db' };
        // Re-created object: generation restarted at 1 with a higher resourceVersion.
        await store.putSnapshot(snapshotOf(ref, { generation: 1, resourceVersion: '2000', uid: 'new' }));
        const late = snapshotOf(ref, { generation: 7, resourceVersion: '1500', uid: 'old' });
        expect(await store.putSnapshot(late)).toBe('stale');
        expect((await store.getSnapshot(ref))?.source.uid).toBe('new');
        expect(
          await store.putSnapshot(snapshotOf(ref, { generation: 1, resourceVersion: '2001', uid: 'new' })),
        ).toBe('written');
      });

      it('should accept a rewrite of the same resourceVersion, so a retried write stays idempotent', async () => {
        const ref = { clusterId: unique('c'), namespace: 'apps', name: 'db' };
        const s = snapshotOf(ref, { generation: 2, resourceVersion: '77' });
        expect(await store.putSnapshot(s)).toBe('written');
        expect(await store.putSnapshot(s)).toBe('written');
        expect(await store.getSnapshot(ref)).toEqual(s);
      });

      it('should let a new incarnation (different uid) replace the stored one when there is no resourceVersion', async () => {
        const ref = { clusterId: unique('c'), namespace: 'apps', name: 'db' };
        await store.putSnapshot(snapshotOf(ref, { generation: 9, uid: 'first' }));
        expect(await store.putSnapshot(snapshotOf(ref, { generation: 1, uid: 'second' }))).toBe('written');
        expect(await store.putSnapshot(snapshotOf(ref, { generation: 0, uid: 'second' }))).toBe('stale');
        expect((await store.getSnapshot(ref))?.source).toMatchObject({ uid: 'second', generation: 1 });
      });

      it('should move reverse-index entries with the snapshot: old refs removed, new refs added', async () => {
        const ref = { clusterId: unique('c'), namespace: 'apps', name: 'db' };
        const [k1, k2, k3] = ['one', 'two', 'three'].map((k) => ({
          storeName: 'aws-main',
          key: unique(k),
        })) as [RemoteKeyRef, RemoteKeyRef, RemoteKeyRef];
        await store.putSnapshot(snapshotOf(ref, { generation: 1, refs: [k1, k2] }));
        expect(await store.findDependents(k1.storeName, k1.key)).toEqual([ref]);
        expect(await store.findDependents(k2.storeName, k2.key)).toEqual([ref]);

        await store.putSnapshot(snapshotOf(ref, { generation: 2, refs: [k2, k3] }));
        expect(await store.findDependents(k1.storeName, k1.key)).toEqual([]);
        expect(await store.findDependents(k2.storeName, k2.key)).toEqual([ref]);
        expect(await store.findDependents(k3.storeName, k3.key)).toEqual([ref]);

        await store.deleteSnapshot(ref);
        for (const k of [k1, k2, k3]) expect(await store.findDependents(k.storeName, k.key)).toEqual([]);
        expect(await store.getSnapshot(ref)).toBeUndefined();
        expect(await store.listSnapshots(ref.clusterId)).toEqual([]);
      });

      it('should list the dependents of one key across clusters and namespaces, and nothing for another store', async () => {
        const key = { storeName: 'aws-main', key: `prod/${unique('db')}#with/odd%chars` };
        const dependents = [
          { clusterId: unique('c1'), namespace: 'apps', name: 'db' },
          { clusterId: unique('c2'), namespace: 'apps', name: 'db' },
          { clusterId: unique('c2'), namespace: 'billing', name: 'db-ro' },
        ];
        for (const d of dependents) await store.putSnapshot(snapshotOf(d, { refs: [key] }));
        await store.putSnapshot(
          snapshotOf(
            { clusterId: unique('c3'), namespace: 'x', name: 'y' },
            { refs: [{ storeName: 'vault', key: key.key }] },
          ),
        );
        const found = await store.findDependents(key.storeName, key.key);
        expect(found).toHaveLength(3);
        expect(found).toEqual(expect.arrayContaining(dependents));
        expect(await store.findDependents('aws-main', 'prod/unused')).toEqual([]);
      });

      it('should keep a deleted object dead: a delayed write of its last or an older resourceVersion is stale', async () => {
        const ref = { clusterId: unique('c'), namespace: 'apps', name: 'db' };
        const key = { storeName: 'aws-main', key: unique('k') };
        await store.putSnapshot(snapshotOf(ref, { generation: 3, resourceVersion: '300', refs: [key] }));
        await store.deleteSnapshot(ref);
        expect(
          await store.putSnapshot(snapshotOf(ref, { generation: 3, resourceVersion: '300', refs: [key] })),
        ).toBe('stale');
        expect(
          await store.putSnapshot(snapshotOf(ref, { generation: 2, resourceVersion: '250', refs: [key] })),
        ).toBe('stale');
        expect(await store.getSnapshot(ref)).toBeUndefined();
        expect(await store.findDependents(key.storeName, key.key)).toEqual([]);
        // Re-created later: a newer resourceVersion brings it back.
        expect(
          await store.putSnapshot(snapshotOf(ref, { generation: 1, resourceVersion: '400', refs: [key] })),
        ).toBe('written');
        expect(await store.findDependents(key.storeName, key.key)).toEqual([ref]);
        await expect(store.deleteSnapshot({ ...ref, name: 'never-existed' })).resolves.toBeUndefined();
      });

      it('should bring back a FleetExternalSecret expansion (no resourceVersion) after its deletion', async () => {
        const ref = { clusterId: unique('c'), namespace: 'apps', name: 'fleet-db' };
        const s: DesiredSnapshot = {
          ...snapshotOf(ref, { generation: 3 }),
          source: { kind: 'FleetExternalSecret', name: 'fleet-db', namespace: 'apps', generation: 3 },
        };
        await store.putSnapshot(s);
        await store.deleteSnapshot(ref); // the cluster stopped matching the selector...
        expect(await store.putSnapshot(s)).toBe('written'); // ...and matches again
        expect(await store.getSnapshot(ref)).toEqual(s);
      });

      it('should store each distinct ref once', async () => {
        const ref = { clusterId: unique('c'), namespace: 'apps', name: 'db' };
        const key = { storeName: 'aws-main', key: unique('k') };
        await store.putSnapshot(snapshotOf(ref, { refs: [key, key, { ...key }] }));
        expect((await store.getSnapshot(ref))?.refs).toEqual([key]);
        expect(await store.findDependents(key.storeName, key.key)).toEqual([ref]);
      });

      it('should replace a large ref list with an entirely different one and index exactly the new list', async () => {
        const ref = { clusterId: unique('c'), namespace: 'apps', name: 'many' };
        const first = Array.from({ length: 80 }, (_, i) => ({ storeName: 'aws-main', key: `first/${i}` }));
        const second = Array.from({ length: 80 }, (_, i) => ({ storeName: 'aws-main', key: `second/${i}` }));
        await store.putSnapshot(snapshotOf(ref, { generation: 1, refs: first }));
        expect(await store.putSnapshot(snapshotOf(ref, { generation: 2, refs: second }))).toBe('written');
        for (const k of [first[0]!, first[79]!])
          expect(await store.findDependents(k.storeName, k.key)).toEqual([]);
        for (const k of [second[0]!, second[79]!])
          expect(await store.findDependents(k.storeName, k.key)).toEqual([ref]);
        expect((await store.getSnapshot(ref))?.refs).toHaveLength(80);
        await store.deleteSnapshot(ref);
        expect(await store.findDependents('aws-main', 'second/40')).toEqual([]);
      });

      it('should reject more distinct refs than one atomic write can index, naming the object', async () => {
        const ref = { clusterId: unique('c'), namespace: 'apps', name: 'huge' };
        const refs = Array.from({ length: MAX_REFS_PER_SNAPSHOT + 1 }, (_, i) => ({
          storeName: 's',
          key: `k/${i}`,
        }));
        const attempt = store.putSnapshot(snapshotOf(ref, { refs }));
        await expect(attempt).rejects.toThrow(TooManyRefsError);
        await expect(store.putSnapshot(snapshotOf(ref, { refs }))).rejects.toThrow(
          `${ref.clusterId}/apps/huge`,
        );
        expect(await store.getSnapshot(ref)).toBeUndefined();
      });

      it('should keep the reverse index consistent with the winner when writers race', async () => {
        const ref = { clusterId: unique('c'), namespace: 'apps', name: 'db' };
        const keyOf = (g: number) => ({ storeName: 'aws-main', key: `race/${g}` });
        await store.putSnapshot(snapshotOf(ref, { generation: 0, refs: [keyOf(0)] }));
        const generations = [1, 2, 3, 4, 5];
        const results = await Promise.all(
          generations.map((g) =>
            store.putSnapshot(snapshotOf(ref, { generation: g, refs: [keyOf(g), keyOf(100)] })),
          ),
        );
        expect(results[results.length - 1]).toBe('written');
        expect((await store.getSnapshot(ref))?.source.generation).toBe(5);
        for (const g of [0, 1, 2, 3, 4])
          expect(await store.findDependents('aws-main', `race/${g}`)).toEqual([]);
        expect(await store.findDependents('aws-main', 'race/5')).toEqual([ref]);
        expect(await store.findDependents('aws-main', 'race/100')).toEqual([ref]);
      });

      it('should reject a malformed snapshot with an error naming the field', async () => {
        const ref = { clusterId: unique('c'), namespace: 'apps', name: 'db' };
        const noGen = snapshotOf(ref);
        noGen.source.generation = -1;
        await expect(store.putSnapshot(noGen)).rejects.toThrow(/snapshot\.source\.generation/);
        const badRef = snapshotOf(ref, { refs: [{ storeName: 'aws-main', key: '' }] });
        await expect(store.putSnapshot(badRef)).rejects.toThrow(/snapshot\.refs\[0\]\.key/);
        await expect(store.putSnapshot(snapshotOf({ ...ref, namespace: 'a/b' }))).rejects.toThrow(
          InvalidStateRecordError,
        );
      });
    });

    describe('sync status', () => {
      it('should create version 1, read it back, and list statuses per cluster', async () => {
        const a = unique('a');
        const s1 = syncedStatus({ clusterId: a, namespace: 'apps', name: 'db' }, 1);
        const s2 = syncedStatus({ clusterId: a, namespace: 'apps', name: 'api' }, 1, {
          ready: 'False',
          reason: 'Err',
        });
        const other = syncedStatus({ clusterId: unique('b'), namespace: 'apps', name: 'db' }, 1);
        for (const s of [s1, s2, other]) await store.putStatus(s);
        expect(await store.getStatus(s1)).toEqual(s1);
        expect(await store.getStatus({ ...s1, name: 'nope' })).toBeUndefined();
        expect((await store.listStatuses(a)).map((s) => s.name)).toEqual(['api', 'db']);
      });

      it('should refuse version 1 when a status exists, and a version that skips one', async () => {
        const ref = { clusterId: unique('c'), namespace: 'apps', name: 'db' };
        await store.putStatus(syncedStatus(ref, 1));
        await expect(store.putStatus(syncedStatus(ref, 1))).rejects.toThrow(StatusConflictError);
        await expect(store.putStatus(syncedStatus(ref, 3))).rejects.toThrow(StatusConflictError);
        await expect(store.putStatus(syncedStatus({ ...ref, name: 'new' }, 2))).rejects.toThrow(
          StatusConflictError,
        );
        await store.putStatus(syncedStatus(ref, 2, { attempts: 1 }));
        expect(await store.getStatus(ref)).toMatchObject({ version: 2, attempts: 1 });
      });

      it('should make the loser of two writers of one status retry, losing neither update', async () => {
        const ref = { clusterId: unique('c'), namespace: 'apps', name: 'db' };
        await store.putStatus(syncedStatus(ref, 1, { ownedKeys: [] }));
        const readByA = (await store.getStatus(ref))!;
        const readByB = (await store.getStatus(ref))!;

        await store.putStatus({ ...readByA, version: readByA.version + 1, ownedKeys: ['from-a'] });
        const lost = store.putStatus({ ...readByB, version: readByB.version + 1, ownedKeys: ['from-b'] });
        await expect(lost).rejects.toThrow(StatusConflictError);
        await expect(lost).rejects.toMatchObject({ ref, expectedVersion: 1 });

        const reread = (await store.getStatus(ref))!;
        await store.putStatus({
          ...reread,
          version: reread.version + 1,
          ownedKeys: [...(reread.ownedKeys ?? []), 'from-b'],
        });
        expect(await store.getStatus(ref)).toMatchObject({ version: 3, ownedKeys: ['from-a', 'from-b'] });
      });

      it('should lose no update when many writers increment one status concurrently', async () => {
        const ref = { clusterId: unique('c'), namespace: 'apps', name: 'db' };
        await store.putStatus(syncedStatus(ref, 1, { attempts: 0 }));
        const increment = async (): Promise<void> => {
          for (;;) {
            const current = (await store.getStatus(ref))!;
            try {
              await store.putStatus({
                ...current,
                version: current.version + 1,
                attempts: current.attempts + 1,
              });
              return;
            } catch (err) {
              if (!(err instanceof StatusConflictError)) throw err;
            }
          }
        };
        const writers = 6;
        await Promise.all(Array.from({ length: writers }, increment));
        expect(await store.getStatus(ref)).toMatchObject({ version: writers + 1, attempts: writers });
      });

      it('should accept version 1 again after the status was deleted', async () => {
        const ref = { clusterId: unique('c'), namespace: 'apps', name: 'db' };
        await store.putStatus(syncedStatus(ref, 1));
        await store.putStatus(syncedStatus(ref, 2));
        await store.deleteStatus(ref);
        expect(await store.getStatus(ref)).toBeUndefined();
        await store.putStatus(syncedStatus(ref, 1, { reason: 'Recreated' }));
        expect(await store.getStatus(ref)).toMatchObject({ version: 1, reason: 'Recreated' });
      });

      it('should reject a malformed status with an error naming the field', async () => {
        const ref = { clusterId: unique('c'), namespace: 'apps', name: 'db' };
        await expect(store.putStatus(syncedStatus(ref, 0))).rejects.toThrow(/status\.version/);
        await expect(store.putStatus(syncedStatus(ref, 1, { attempts: -1 }))).rejects.toThrow(
          /status\.attempts/,
        );
        await expect(store.putStatus(syncedStatus(ref, 1, { nextRefreshAt: 'soon' }))).rejects.toThrow(
          /status\.nextRefreshAt/,
        );
        expect(await store.getStatus(ref)).toBeUndefined();
      });
    });

    describe('objects due for refresh', () => {
      const T = Date.parse('2030-01-01T12:00:00.000Z');

      it('should list the objects due before T across all clusters, oldest first', async () => {
        const clusters = [unique('a'), unique('b'), unique('c'), unique('d')];
        const expected: Array<{ ref: ObjectRef; at: number }> = [];
        let i = 0;
        for (const clusterId of clusters) {
          for (let n = 0; n < 10; n++, i++) {
            const ref = { clusterId, namespace: `ns-${n % 3}`, name: `obj-${n}` };
            // Spread due times around T; every 5th object has no due time at all.
            const at = T + ((i * 7919) % 40) * 60_000 - 20 * 60_000;
            const due = i % 5 === 4 ? undefined : ISO(at);
            await store.putStatus(syncedStatus(ref, 1, { nextRefreshAt: due }));
            if (due !== undefined && at < T) expected.push({ ref, at });
          }
        }
        const want = expected
          .sort(
            (x, y) =>
              x.at - y.at ||
              (`${x.ref.clusterId}\u0000${x.ref.namespace}\u0000${x.ref.name}` <
              `${y.ref.clusterId}\u0000${y.ref.namespace}\u0000${y.ref.name}`
                ? -1
                : 1),
          )
          .map((e) => e.ref);
        expect(want.length).toBeGreaterThan(10);
        expect(await store.listDue(new Date(T))).toEqual(want);
        expect(await store.listDue(new Date(T), 5)).toEqual(want.slice(0, 5));
        expect(await store.listDue(new Date(T - 3600_000))).toEqual([]);
      });

      it('should drop an object from the due list once its due time moves past T, is cleared, or its status is deleted', async () => {
        const c = unique('c');
        const [a, b, d] = ['a', 'b', 'd'].map((name) => ({ clusterId: c, namespace: 'apps', name })) as [
          ObjectRef,
          ObjectRef,
          ObjectRef,
        ];
        for (const r of [a, b, d])
          await store.putStatus(syncedStatus(r, 1, { nextRefreshAt: ISO(T - 1000) }));
        expect(await store.listDue(new Date(T))).toHaveLength(3);
        await store.putStatus(syncedStatus(a, 2, { nextRefreshAt: ISO(T + 3600_000) }));
        await store.putStatus(syncedStatus(b, 2, { nextRefreshAt: undefined }));
        await store.deleteStatus(d);
        expect(await store.listDue(new Date(T))).toEqual([]);
        expect(await store.listDue(new Date(T + 7200_000))).toEqual([a]);
      });

      it('should reject a limit below 1', async () => {
        await expect(store.listDue(new Date(T), 0)).rejects.toThrow(/limit/);
      });
    });

    describe('event claims', () => {
      it('should claim an event once, refuse a duplicate within the TTL, and allow it again after', async () => {
        const key = unique('secret@v2');
        expect(await store.claimEvent(key, 60_000)).toBe(true);
        expect(await store.claimEvent(key, 60_000)).toBe(false);
        expect(await store.claimEvent(unique('other@v2'), 60_000)).toBe(true);
        clock.advance(60_001);
        expect(await store.claimEvent(key, 60_000)).toBe(true);
      });

      it('should give exactly one of several concurrent claimers the event', async () => {
        const key = unique('race');
        const results = await Promise.all(Array.from({ length: 6 }, () => store.claimEvent(key, 60_000)));
        expect(results.filter(Boolean)).toHaveLength(1);
      });
    });

    describe('per-cluster leases', () => {
      const TTL = 30_000;

      it('should grant a free lease and refuse a second holder while it is held', async () => {
        const c = unique('c');
        const first = await store.acquireLease(c, 'worker-1', TTL, { kind: 'all' });
        expect(first).toEqual({
          acquired: true,
          lease: { clusterId: c, holder: 'worker-1', expiresAt: ISO(clock.now().getTime() + TTL) },
        });
        const second = await store.acquireLease(c, 'worker-2', TTL, objects('db'));
        expect(second).toEqual({
          acquired: false,
          heldBy: 'worker-1',
          expiresAt: ISO(clock.now().getTime() + TTL),
        });
        // Another cluster's lease is independent.
        expect((await store.acquireLease(unique('other'), 'worker-2', TTL, { kind: 'all' })).acquired).toBe(
          true,
        );
      });

      it('should fold requests made while held into one follow-up that release returns and clears', async () => {
        const c = unique('c');
        await store.acquireLease(c, 'worker-1', TTL, objects('first'));
        await store.acquireLease(c, 'worker-2', TTL, objects('db', 'api'));
        await store.acquireLease(c, 'worker-3', TTL, objects('api', 'cache'));
        await store.acquireLease(c, 'worker-4', TTL, objects());
        expect(await store.releaseLease(c, 'worker-1')).toEqual(objects('api', 'cache', 'db'));
        // Released and cleared: the next holder starts with no follow-up.
        expect((await store.acquireLease(c, 'worker-5', TTL, objects('x'))).acquired).toBe(true);
        expect(await store.releaseLease(c, 'worker-5')).toBeUndefined();
      });

      it("should fold an 'all' request so the follow-up covers the whole cluster", async () => {
        const c = unique('c');
        await store.acquireLease(c, 'worker-1', TTL, objects('first'));
        await store.acquireLease(c, 'worker-2', TTL, objects('db'));
        await store.acquireLease(c, 'worker-3', TTL, { kind: 'all' });
        await store.acquireLease(c, 'worker-4', TTL, objects('api'));
        expect(await store.releaseLease(c, 'worker-1')).toEqual({ kind: 'all' });
      });

      it('should let another holder take an expired lease, keeping only the follow-ups its pass does not cover', async () => {
        const c = unique('c');
        await store.acquireLease(c, 'crashed', TTL, { kind: 'all' });
        await store.acquireLease(c, 'worker-2', TTL, objects('db', 'api'));
        clock.advance(TTL - 1);
        expect((await store.acquireLease(c, 'worker-3', TTL, objects('x'))).acquired).toBe(false);
        clock.advance(1);
        const taken = await store.acquireLease(c, 'worker-3', TTL, objects('db'));
        expect(taken.acquired).toBe(true);
        expect(await store.releaseLease(c, 'crashed')).toBeUndefined();
        expect(await store.releaseLease(c, 'worker-3')).toEqual(objects('api', 'x'));

        await store.acquireLease(c, 'crashed-again', TTL, objects('a'));
        await store.acquireLease(c, 'worker-5', TTL, objects('b'));
        clock.advance(TTL);
        expect((await store.acquireLease(c, 'worker-6', TTL, { kind: 'all' })).acquired).toBe(true);
        expect(await store.releaseLease(c, 'worker-6')).toBeUndefined();
      });

      it('should extend a lease when its holder renews it, and refuse renewal by anyone else', async () => {
        const c = unique('c');
        await store.acquireLease(c, 'worker-1', TTL, { kind: 'all' });
        clock.advance(TTL - 1000);
        expect(await store.renewLease(c, 'worker-1', TTL)).toBe(true);
        expect(await store.renewLease(c, 'worker-2', TTL)).toBe(false);
        clock.advance(TTL - 1000); // past the first expiry, within the renewed one
        const other = await store.acquireLease(c, 'worker-2', TTL, { kind: 'all' });
        expect(other).toMatchObject({ acquired: false, heldBy: 'worker-1' });
        expect(await store.renewLease(unique('free'), 'worker-1', TTL)).toBe(false);
      });

      it('should let the holder re-acquire its own lease, extending it', async () => {
        const c = unique('c');
        await store.acquireLease(c, 'worker-1', TTL, { kind: 'all' });
        clock.advance(TTL / 2);
        const again = await store.acquireLease(c, 'worker-1', TTL, { kind: 'all' });
        expect(again).toEqual({
          acquired: true,
          lease: { clusterId: c, holder: 'worker-1', expiresAt: ISO(clock.now().getTime() + TTL) },
        });
      });

      it('should not release a lease held by someone else', async () => {
        const c = unique('c');
        await store.acquireLease(c, 'worker-1', TTL, { kind: 'all' });
        await store.acquireLease(c, 'worker-2', TTL, objects('db'));
        expect(await store.releaseLease(c, 'worker-2')).toBeUndefined();
        expect((await store.acquireLease(c, 'worker-3', TTL, { kind: 'all' })).acquired).toBe(false);
        expect(await store.releaseLease(c, 'worker-1')).toEqual({ kind: 'all' });
        expect(await store.releaseLease(unique('free'), 'worker-1')).toBeUndefined();
      });

      it('should grant exactly one of many concurrent acquires and fold all the others', async () => {
        const c = unique('c');
        const results = await Promise.all(
          Array.from({ length: 6 }, (_, i) => store.acquireLease(c, `worker-${i}`, TTL, objects(`obj-${i}`))),
        );
        const winners = results.flatMap((r, i) => (r.acquired ? [i] : []));
        expect(winners).toHaveLength(1);
        const winner = winners[0]!;
        for (const r of results) if (!r.acquired) expect(r.heldBy).toBe(`worker-${winner}`);
        const others = [0, 1, 2, 3, 4, 5].filter((i) => i !== winner).map((i) => `obj-${i}`);
        expect(await store.releaseLease(c, `worker-${winner}`)).toEqual(objects(...others));
      });

      it('should reject a lease request with a bad ttl or scope, naming the field', async () => {
        const c = unique('c');
        await expect(store.acquireLease(c, 'w', 0, { kind: 'all' })).rejects.toThrow(/lease\.ttlMs/);
        await expect(store.acquireLease(c, '', TTL, { kind: 'all' })).rejects.toThrow(/lease\.holder/);
        await expect(
          store.acquireLease(c, 'w', TTL, { kind: 'objects', objects: [{ namespace: 'a/b', name: 'x' }] }),
        ).rejects.toThrow(/scope\.objects\[0\]\.namespace/);
      });
    });

    describe('secret values', () => {
      it('should never have written a canary secret value into any item the suite stored', async () => {
        const dump = await harness.dumpEverythingWritten();
        // The dump must really hold what the suite wrote, or finding nothing would prove nothing.
        expect(dump).toContain(CANARY_DATA_HMAC);
        expect(dump).toContain('SecretSynced');
        for (const form of CANARY_FORMS) expect(dump).not.toContain(form);
      });
    });
  });
}
