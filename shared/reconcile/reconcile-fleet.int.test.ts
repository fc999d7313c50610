/**
 * reconcileCluster over a fleet: the three shared kube-apiservers with 50 ExternalSecrets each,
 * DynamoDB Local as the state store, moto for values. Request counts come from the wire (the
 * Kubernetes adapter's counting transport, the SDK's counting middleware), never from timing.
 * The control plane's identity is a ServiceAccount of this file bound cluster-wide to the
 * control-plane ClusterRole, its token kept in Secrets Manager.
 */
import { randomBytes } from 'node:crypto';
import { DynamoDBClient, ScanCommand } from '@aws-sdk/client-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  kubeClientsFor,
  kubeClusters,
  type PrivateCluster,
  startPrivateCluster,
} from '../../infra-tests/helpers/kube.js';
import { loadPeers } from '../../infra-tests/helpers/peers.js';
import { desire, installCrds, ReconcileFixture } from '../../infra-tests/helpers/reconcile-fixture.js';
import { dynamoDbLocalCredentials } from '../../infra-tests/peers/dynamodb.js';
import type { KubeClusterEndpoint } from '../../infra-tests/peers/types.js';
import { createStateTable, DynamoDbStateStore, deleteStateTable } from '../adapters/dynamodb/index.js';
import type { ClusterRecord, ObjectRef } from '../domain/records.js';
import { API_GROUP, API_VERSION, type ExternalSecretSpec } from '../domain/schema.js';
import { diffCounts, type RequestCounts } from '../lib/request-counter.js';
import type { ClusterClient, ClusterClientFactory } from '../ports/cluster-client.js';
import { reconcileCluster } from './reconcile-cluster.js';
import type { ReconcileResult } from './types.js';

const OBJECTS_PER_CLUSTER = 50;
const DISTINCT_KEYS = 10;

const { dynamodb } = loadPeers();
const ddb = new DynamoDBClient({
  endpoint: dynamodb.url,
  region: dynamodb.region,
  credentials: dynamoDbLocalCredentials,
});
const tableName = `reconcile-fleet-${randomBytes(4).toString('hex')}`;
const fx = new ReconcileFixture({ state: new DynamoDbStateStore({ client: ddb, tableName }) });
const namespace = `rf-${fx.runId}`;
const canary = `canary-${randomBytes(8).toString('hex')}`;
const clusters = kubeClusters();
const records: ClusterRecord[] = [];

const value = (i: number, generation = 0) => ({
  username: `user-${i}`,
  password: `${canary}-${i}-${generation}`,
});

function specFor(i: number): ExternalSecretSpec {
  const key = fx.key(`shared-${i % DISTINCT_KEYS}`);
  return {
    secretStoreRef: { name: fx.storeName },
    data: [
      { secretKey: 'username', remoteRef: { key, property: 'username' } },
      { secretKey: 'password', remoteRef: { key, property: 'password' } },
    ],
  };
}

/** A ClusterClient that forwards every call to `client` (so a test can replace one method). */
function delegateTo(client: ClusterClient): ClusterClient {
  return {
    clusterId: client.clusterId,
    listManagedSecrets: (o) => client.listManagedSecrets(o),
    getSecretMeta: (ns, n) => client.getSecretMeta(ns, n),
    applySecret: (s, o) => client.applySecret(s, o),
    deleteSecret: (ns, n) => client.deleteSecret(ns, n),
    getCustomObject: (k, ns, n) => client.getCustomObject(k, ns, n),
    listCustomObjects: (k, ns) => client.listCustomObjects(k, ns),
    patchExternalSecretStatus: (ns, n, st) => client.patchExternalSecretStatus(ns, n, st),
    createEvent: (e) => client.createEvent(e),
    listNamespaces: () => client.listNamespaces(),
    reviewAccessRules: (ns) => client.reviewAccessRules(ns),
    canI: (ns, need) => client.canI(ns, need),
    serverVersion: () => client.serverVersion(),
  };
}

interface PassNumbers {
  cluster: string;
  result: ReconcileResult;
  wire: RequestCounts;
}

interface FleetRun {
  passes: PassNumbers[];
  /** Secrets Manager API calls of the whole run, over the wire, by operation. */
  secretsManager: Record<string, number>;
}

/** One pass per cluster, all at once (as the fan-out invokes them), with wire-level counts. */
async function passOverFleet(
  scope: (record: ClusterRecord) => Parameters<typeof reconcileCluster>[1]['scope'] = () => ({ kind: 'all' }),
  targets: ClusterRecord[] = records,
  factory: ClusterClientFactory = fx.clusters,
): Promise<FleetRun> {
  const operations = ['BatchGetSecretValue', 'GetSecretValue', 'ListSecrets'];
  const before = operations.map((op) => fx.providerApiCalls(op));
  const passes = await Promise.all(
    targets.map(async (record) => {
      const counter = fx.clusters.requestCounter(record.clusterId);
      const start = counter.snapshot();
      const result = await reconcileCluster(fx.deps({ clusters: factory }), {
        clusterId: record.clusterId,
        scope: scope(record),
        reason: 'sweep',
      });
      return { cluster: record.clusterId, result, wire: diffCounts(start, counter.snapshot()) };
    }),
  );
  const secretsManager = Object.fromEntries(
    operations.map((op, i) => [op, fx.providerApiCalls(op) - (before[i] ?? 0)]).filter(([, n]) => n !== 0),
  );
  return { passes, secretsManager };
}

function summary(label: string, { passes, secretsManager }: FleetRun) {
  const rows = passes.map(({ cluster, result, wire }) => ({
    cluster,
    synced: result.synced,
    unchanged: result.unchanged,
    failed: result.failed,
    providerReads: result.provider.misses,
    providerBatches: result.provider.calls,
    apiserverReads: wire.reads,
    apiserverWrites: wire.writes,
    byAction: JSON.stringify(wire.byAction),
    statusWrites: result.statusWrites,
  }));
  console.log(
    `\n[reconcile-fleet] ${label}: Secrets Manager calls ${JSON.stringify(secretsManager)}\n${JSON.stringify(rows, null, 1)}`,
  );
}

beforeAll(async () => {
  await createStateTable(ddb, tableName);
  await fx.putStore([namespace]);
  await Promise.all(Array.from({ length: DISTINCT_KEYS }, (_, i) => fx.putValue(`shared-${i}`, value(i))));
  for (const cluster of clusters) {
    await installCrds(cluster);
    await kubeClientsFor(cluster, 'admin').core.createNamespace({ body: { metadata: { name: namespace } } });
    const record = await fx.registerCluster(cluster, { mode: 'cluster-wide' });
    records.push(record);
    for (let i = 0; i < OBJECTS_PER_CLUSTER; i++) {
      await desire(fx.state, {
        clusterId: record.clusterId,
        cluster,
        namespace,
        name: `es-${i}`,
        spec: specFor(i),
      });
    }
  }
}, 300_000);

afterAll(async () => {
  await fx.close();
  for (const cluster of clusters) {
    await kubeClientsFor(cluster, 'admin')
      .core.deleteNamespace({ name: namespace })
      .catch(() => undefined);
  }
  await deleteStateTable(ddb, tableName).catch(() => undefined);
  ddb.destroy();
});

describe(`reconcileCluster over ${clusters.length} clusters x ${OBJECTS_PER_CLUSTER} ExternalSecrets`, () => {
  it('should sync every object on a cold pass with one LIST and one read per distinct key per cluster', async () => {
    const run = await passOverFleet();
    summary('cold pass', run);
    const { passes } = run;

    for (const { result, wire } of passes) {
      expect(result.outcome).toBe('completed');
      expect(result.synced).toBe(OBJECTS_PER_CLUSTER);
      expect(result.failed).toBe(0);
      expect(wire.byAction).toEqual({
        'list secrets': 1,
        'apply secrets': OBJECTS_PER_CLUSTER,
        'patch externalsecrets/status': OBJECTS_PER_CLUSTER,
        'create events': OBJECTS_PER_CLUSTER,
      });
      // The engine's own count agrees with what went over the wire.
      expect(result.apiserver).toEqual({ reads: wire.reads, writes: wire.writes, byAction: wire.byAction });
      // 100 value references, planned as one read per object, 10 distinct keys: one fetch each, one batch.
      expect(result.provider.requests).toBe(OBJECTS_PER_CLUSTER);
      expect(result.provider.misses).toBe(DISTINCT_KEYS);
      expect(result.provider.calls).toBe(1);
      expect(result.statusWrites).toBe(OBJECTS_PER_CLUSTER);
    }
    // Secrets Manager over the wire: one BatchGetSecretValue (10 ids) per cluster pass.
    expect(run.secretsManager).toEqual({ BatchGetSecretValue: clusters.length });
  });

  it('should do one LIST, no write and no provider read per cluster on an unchanged pass', async () => {
    const run = await passOverFleet();
    summary('unchanged pass (nothing due)', run);
    const { passes } = run;

    expect(run.secretsManager).toEqual({});
    for (const { result, wire } of passes) {
      expect(result.unchanged).toBe(OBJECTS_PER_CLUSTER);
      expect(wire).toEqual({ total: 1, reads: 1, writes: 0, byAction: { 'list secrets': 1 } });
      expect(result.provider.requests).toBe(0);
      expect(result.statusWrites).toBe(0);
    }
  });

  it('should re-read values but write nothing to the clusters when a refresh finds them unchanged', async () => {
    fx.clock.advance(2 * 60 * 60_000);
    const run = await passOverFleet();
    summary('unchanged pass (refresh due)', run);
    const { passes } = run;

    for (const { result, wire } of passes) {
      expect(result.unchanged).toBe(OBJECTS_PER_CLUSTER);
      expect(wire.byAction).toEqual({ 'list secrets': 1 });
      expect(result.provider.misses).toBe(DISTINCT_KEYS);
      expect(result.provider.calls).toBe(1);
      // Only the state store learns the next refresh time.
      expect(result.statusWrites).toBe(OBJECTS_PER_CLUSTER);
    }
  });

  it('should rewrite only the dependents of a rotated key', async () => {
    await fx.putValue('shared-3', value(3, 1));
    const dependents = await fx.state.findDependents(fx.storeName, fx.key('shared-3'));
    const objectsOf = (record: ClusterRecord) => ({
      kind: 'objects' as const,
      objects: dependents.filter((d: ObjectRef) => d.clusterId === record.clusterId),
    });

    const run = await passOverFleet(objectsOf);
    summary('rotation of one key', run);
    const { passes } = run;

    const perCluster = OBJECTS_PER_CLUSTER / DISTINCT_KEYS;
    expect(dependents).toHaveLength(perCluster * records.length);
    for (const { result, wire } of passes) {
      expect(result.synced).toBe(perCluster);
      expect(result.provider.misses).toBe(1);
      expect(wire.byAction).toEqual({
        'list secrets': 1,
        'apply secrets': perCluster,
        'patch externalsecrets/status': perCluster,
        'create events': perCluster,
      });
    }
    const secret = await kubeClientsFor(
      clusters[0] as KubeClusterEndpoint,
      'admin',
    ).core.readNamespacedSecret({
      namespace,
      name: 'es-3',
    });
    expect(Buffer.from(secret.data?.password ?? '', 'base64').toString()).toBe(value(3, 1).password);
  });

  it('should never put a secret value in status, events, DynamoDB items or logs', async () => {
    const leaks: string[] = [];
    const needles = [canary, Buffer.from(`${canary}-`).toString('base64').slice(0, 16)];
    const check = (where: string, text: string) => {
      for (const needle of needles) if (text.includes(needle)) leaks.push(where);
    };

    const items = await ddb.send(new ScanCommand({ TableName: tableName }));
    check('DynamoDB items', JSON.stringify(items.Items));
    for (const record of records)
      check(`statuses ${record.clusterId}`, JSON.stringify(await fx.state.listStatuses(record.clusterId)));
    for (const cluster of clusters) {
      const admin = kubeClientsFor(cluster, 'admin');
      const es = await admin.custom.listNamespacedCustomObject({
        group: API_GROUP,
        version: API_VERSION,
        plural: 'externalsecrets',
        namespace,
      });
      check(
        `ExternalSecret status in ${cluster.name}`,
        JSON.stringify(es.items.map((i: { status?: unknown }) => i.status)),
      );
      const events = await admin.core.listNamespacedEvent({ namespace });
      check(`events in ${cluster.name}`, JSON.stringify(events.items));
      expect(events.items.length).toBeGreaterThan(0);
    }
    check('logs', JSON.stringify(fx.logs));
    expect(fx.logs.length).toBeGreaterThan(0);

    expect(leaks).toEqual([]);
  });
});

describe('reconcileCluster when one cluster of the fleet stops mid-run', () => {
  let privateCluster: PrivateCluster;
  let privateRecord: ClusterRecord;
  const PRIVATE_OBJECTS = 20;

  beforeAll(async () => {
    privateCluster = await startPrivateCluster();
    const endpoint = privateCluster.endpoint;
    await installCrds(endpoint);
    await kubeClientsFor(endpoint, 'admin').core.createNamespace({ body: { metadata: { name: namespace } } });
    privateRecord = await fx.registerCluster(endpoint, { mode: 'cluster-wide' });
    for (let i = 0; i < PRIVATE_OBJECTS; i++) {
      await desire(fx.state, {
        clusterId: privateRecord.clusterId,
        cluster: endpoint,
        namespace,
        name: `es-${i}`,
        spec: specFor(i),
      });
    }
    const { passes } = await passOverFleet(undefined, [privateRecord]);
    expect(passes[0]?.result.synced).toBe(PRIVATE_OBJECTS);
  }, 300_000);

  afterAll(async () => {
    await privateCluster?.dispose();
  });

  it('should let the other clusters finish, fail the stopped one fast, and leave its Secrets as they were', async () => {
    for (let k = 0; k < DISTINCT_KEYS; k++) await fx.putValue(`shared-${k}`, value(k, 2));
    // The private apiserver goes away right after this pass's LIST: every write after it finds no server.
    const stoppingFactory: ClusterClientFactory = {
      forCluster: (clusterId) => fx.clusters.forCluster(clusterId),
      forRecord: async (record) => {
        const client = await fx.clusters.forRecord(record);
        if (record.clusterId !== privateRecord.clusterId) return client;
        return {
          ...delegateTo(client),
          listManagedSecrets: async (opts) => {
            const live = await client.listManagedSecrets(opts);
            await privateCluster.stop();
            return live;
          },
        };
      },
    };
    const fleet = [...records.slice(0, 2), privateRecord];

    const run = await passOverFleet(
      () => ({
        kind: 'objects',
        objects: Array.from({ length: PRIVATE_OBJECTS }, (_, i) => ({ namespace, name: `es-${i}` })),
      }),
      fleet,
      stoppingFactory,
    );
    summary('one cluster stopped mid-run', run);
    const { passes } = run;

    const [first, second, stopped] = passes as [PassNumbers, PassNumbers, PassNumbers];
    for (const healthy of [first, second]) {
      expect(healthy.result.outcome).toBe('completed');
      expect(healthy.result.synced).toBe(PRIVATE_OBJECTS);
    }
    expect(stopped.result.outcome).toBe('cluster-unreachable');
    expect(stopped.result.failed).toBe(PRIVATE_OBJECTS);
    expect(stopped.result.reports.every((r) => r.reason === 'ClusterUnreachable')).toBe(true);
    // Fail fast: once the server was gone, objects not yet started sent nothing.
    expect(stopped.wire.byAction['apply secrets'] ?? 0).toBeLessThan(PRIVATE_OBJECTS);
    expect(stopped.wire.byAction['patch externalsecrets/status']).toBeUndefined();
    const statuses = await fx.state.listStatuses(privateRecord.clusterId);
    expect(statuses.map((s) => s.reason)).toEqual(Array(PRIVATE_OBJECTS).fill('ClusterUnreachable'));
    expect((await fx.state.getCluster(privateRecord.clusterId))?.health?.state).toBe('Unreachable');

    // A second pass while it is still down: one failed LIST, and the statuses already say it all.
    const { passes: again } = await passOverFleet(undefined, [privateRecord]);
    expect(again[0]?.result.outcome).toBe('cluster-unreachable');
    expect(again[0]?.wire).toMatchObject({ reads: 1, writes: 0 });
    expect(again[0]?.result.statusWrites).toBe(0);

    await privateCluster.start();
    const secrets = await kubeClientsFor(privateCluster.endpoint, 'admin').core.listNamespacedSecret({
      namespace,
    });
    const passwords = secrets.items
      .filter((s) => s.metadata?.name?.startsWith('es-'))
      .map((s) => Buffer.from(s.data?.password ?? '', 'base64').toString());
    expect(passwords).toHaveLength(PRIVATE_OBJECTS);
    expect(passwords.every((p) => !p.endsWith('-2'))).toBe(true);
  });
});
