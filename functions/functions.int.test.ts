/**
 * The three event paths end to end, through the handler cores, against real servers: three
 * kube-apiservers, moto (Secrets Manager), DynamoDB Local. Fan-out goes through an in-process
 * invoker that runs the reconcile-cluster handler, as Lambda's async invoke would.
 */
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DescribeSecretCommand } from '@aws-sdk/client-secrets-manager';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { kubeClientsFor, kubeClusters } from '../infra-tests/helpers/kube.js';
import { adminApply } from '../infra-tests/helpers/kube-test-support.js';
import { loadPeers } from '../infra-tests/helpers/peers.js';
import {
  awsTestCredentials,
  installCrds,
  ReconcileFixture,
} from '../infra-tests/helpers/reconcile-fixture.js';
import type { KubeClusterEndpoint } from '../infra-tests/peers/types.js';
import { createStateTable, deleteStateTable } from '../shared/adapters/dynamodb/create-table.js';
import { DynamoDbStateStore } from '../shared/adapters/dynamodb/dynamodb-state-store.js';
import { InProcessInvoker } from '../shared/adapters/in-process/in-process-invoker.js';
import type { ClusterRecord } from '../shared/domain/records.js';
import { API_GROUP, API_VERSION, type ExternalSecretSpec } from '../shared/domain/schema.js';
import { createIngestHandler } from './ingest/handler.js';
import { type ControlPlane, composeControlPlane } from './lib/compose-control-plane.js';
import { createObservability } from './lib/observability.js';
import { createReconcileClusterHandler } from './reconcile-cluster/handler.js';
import { createRotationHandler } from './rotation/handler.js';
import { createSweepHandler } from './sweep/handler.js';

const CANARY_V1 = `canary-v1-${randomUUID()}`;
const CANARY_V2 = `canary-v2-${randomUUID()}`;

const peers = loadPeers();
const clusters = kubeClusters().slice(0, 3);
const dynamo = new DynamoDBClient({
  endpoint: peers.dynamodb.url,
  region: peers.dynamodb.region,
  credentials: awsTestCredentials,
});
const tableName = `functions-${randomUUID().slice(0, 8)}`;
const state = new DynamoDbStateStore({ client: dynamo, tableName });
const fixture = new ReconcileFixture({ state, requestTimeoutMs: 5_000 });
const invoker = new InProcessInvoker();
let plane: ControlPlane;
const records: ClusterRecord[] = [];
const namespace = `app-${fixture.runId}`;
const stdout: string[] = [];
const realWrite = process.stdout.write.bind(process.stdout);
const realErrWrite = process.stderr.write.bind(process.stderr);

const handlers = {
  rotation: createRotationHandler(async () => plane.rotation, createObservability('rotation')),
  sweep: createSweepHandler(async () => plane.sweep, createObservability('sweep')),
  ingest: createIngestHandler(async () => plane.ingest, createObservability('ingest'), {
    kind: 'in-process',
  }),
  reconcile: createReconcileClusterHandler(
    async () => plane.reconcileCluster,
    createObservability('reconcile-cluster'),
  ),
};

function externalSecretSpec(key: string): ExternalSecretSpec {
  return {
    secretStoreRef: { name: fixture.storeName },
    refreshInterval: '1h',
    target: { name: 'app-db', creationPolicy: 'Owner' },
    data: [{ secretKey: 'password', remoteRef: { key } }],
  };
}

async function createExternalSecret(cluster: KubeClusterEndpoint, name: string, spec: ExternalSecretSpec) {
  const { custom } = kubeClientsFor(cluster, 'admin');
  return custom.createNamespacedCustomObject({
    group: API_GROUP,
    version: API_VERSION,
    namespace,
    plural: 'externalsecrets',
    body: {
      apiVersion: `${API_GROUP}/${API_VERSION}`,
      kind: 'ExternalSecret',
      metadata: { name, namespace },
      spec,
    },
  }) as Promise<{ metadata: { uid: string; resourceVersion: string; generation: number } }>;
}

function notice(
  record: ClusterRecord,
  name: string,
  live: { metadata: { uid: string; resourceVersion: string; generation: number } },
  event: 'upsert' | 'delete' = 'upsert',
) {
  return {
    clusterId: record.clusterId,
    notices: [
      {
        kind: 'ExternalSecret' as const,
        namespace,
        name,
        uid: live.metadata.uid,
        resourceVersion: live.metadata.resourceVersion,
        generation: live.metadata.generation,
        event,
      },
    ],
  };
}

async function secretValue(
  cluster: KubeClusterEndpoint,
  name: string,
  key: string,
): Promise<string | undefined> {
  const { core } = kubeClientsFor(cluster, 'admin');
  try {
    const secret = await core.readNamespacedSecret({ name, namespace });
    const b64 = secret.data?.[key];
    return b64 === undefined ? undefined : Buffer.from(b64, 'base64').toString('utf8');
  } catch {
    return undefined;
  }
}

function labelUpdatedEvent(arn: string, name: string, versionId: string) {
  const template = JSON.parse(
    readFileSync(
      new URL('../infra-tests/fixtures/events/secret-label-updated.json', import.meta.url),
      'utf8',
    ),
  );
  return {
    ...template,
    id: randomUUID(),
    region: peers.moto.region,
    time: new Date().toISOString(),
    resources: [arn],
    detail: { ...template.detail, name, labelUpdated: 'AWSCURRENT', versionId },
  };
}

beforeAll(async () => {
  // Capture everything the handlers log, to prove no value reaches a log line.
  process.stdout.write = ((chunk: string | Uint8Array, ...rest: unknown[]) => {
    stdout.push(typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8'));
    return (realWrite as (c: unknown, ...r: unknown[]) => boolean)(chunk, ...rest);
  }) as typeof process.stdout.write;
  // Powertools writes warnings and errors to stderr.
  process.stderr.write = ((chunk: string | Uint8Array, ...rest: unknown[]) => {
    stdout.push(typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8'));
    return (realErrWrite as (c: unknown, ...r: unknown[]) => boolean)(chunk, ...rest);
  }) as typeof process.stderr.write;
  await createStateTable(dynamo, tableName);
  plane = composeControlPlane({
    state,
    providers: fixture.providers,
    clusters: fixture.clusters,
    invoker,
    clock: fixture.clock,
    hmacKey: async () => fixture.hmacKey,
    region: peers.moto.region,
  });
  invoker.setTarget('reconcile-cluster', (payload) =>
    handlers.reconcile(payload, { awsRequestId: randomUUID() }),
  );
  await fixture.putStore([namespace]);
  for (const cluster of clusters) {
    await installCrds(cluster);
    await adminApply(cluster.adminKubeconfig, [
      { apiVersion: 'v1', kind: 'Namespace', metadata: { name: namespace } },
    ]);
    records.push(await fixture.registerCluster(cluster, { mode: 'cluster-wide' }));
  }
}, 180_000);

afterAll(async () => {
  process.stdout.write = realWrite;
  process.stderr.write = realErrWrite;
  await fixture.close();
  await deleteStateTable(dynamo, tableName).catch(() => undefined);
  dynamo.destroy();
});

describe('the manifest-change and rotation paths across three real clusters', () => {
  it('should sync a new ExternalSecret in every cluster after ingest, then push a rotation to all three', async () => {
    await fixture.putValue('db', CANARY_V1);
    const key = fixture.key('db');
    for (const [i, cluster] of clusters.entries()) {
      const live = await createExternalSecret(cluster, 'db', externalSecretSpec(key));
      const result = await handlers.ingest(notice(records[i]!, 'db', live));
      expect(result).toMatchObject({ stored: 1 });
    }
    await invoker.drain();
    for (const cluster of clusters) expect(await secretValue(cluster, 'app-db', 'password')).toBe(CANARY_V1);

    const versionId = await fixture.putValue('db', CANARY_V2);
    const described = await fixture.sm.send(new DescribeSecretCommand({ SecretId: key }));
    const before = invoker.invocations.length;
    const started = performance.now();
    const fanout = await handlers.rotation(labelUpdatedEvent(described.ARN!, key, versionId));
    await invoker.drain();
    const latencyMs = performance.now() - started;

    expect(fanout).toMatchObject({ dependents: 3, indexQueries: 2 });
    expect(invoker.invocations.length - before).toBe(3);
    expect(invoker.failures).toEqual([]);
    for (const cluster of clusters) expect(await secretValue(cluster, 'app-db', 'password')).toBe(CANARY_V2);
    for (const record of records) {
      const status = await state.getStatus({ clusterId: record.clusterId, namespace, name: 'db' });
      expect(status?.ready).toBe('True');
      expect(Object.values(status?.syncedVersions ?? {})).toContain(versionId);
    }
    // Reported, never asserted: times vary on a shared machine.
    realWrite(`[functions.int] rotation event -> 3 clusters written: ${latencyMs.toFixed(0)} ms\n`);
  });

  it('should drop the CloudTrail copy of a change the native event already delivered', async () => {
    const key = fixture.key('db');
    const versionId = await fixture.putValue('db', `${CANARY_V2}-again`);
    const described = await fixture.sm.send(new DescribeSecretCommand({ SecretId: key }));
    await handlers.rotation(labelUpdatedEvent(described.ARN!, key, versionId));
    await invoker.drain();
    const before = invoker.invocations.length;
    const cloudTrail = JSON.parse(
      readFileSync(
        new URL('../infra-tests/fixtures/events/cloudtrail-put-secret-value.json', import.meta.url),
        'utf8',
      ),
    );
    cloudTrail.region = peers.moto.region;
    cloudTrail.detail.requestParameters = { secretId: key, clientRequestToken: versionId };
    cloudTrail.detail.responseElements = { arn: described.ARN };
    const result = await handlers.rotation(cloudTrail);
    expect(result).toMatchObject({ claimedElsewhere: 1 });
    expect(invoker.invocations.length).toBe(before);
  });

  it('should do no cluster work for an event about a secret nobody uses', async () => {
    const before = invoker.invocations.length;
    const result = await handlers.rotation(
      labelUpdatedEvent(
        `arn:aws:secretsmanager:${peers.moto.region}:123456789012:secret:unused-${fixture.runId}-AbCdEf`,
        `unused-${fixture.runId}`,
        randomUUID(),
      ),
    );
    expect(result).toMatchObject({ dependents: 0, indexQueries: 2, invocations: [] });
    expect(invoker.invocations.length).toBe(before);
  });

  it('should follow an update and a deletion of the ExternalSecret through ingest', async () => {
    await fixture.putValue('api', 'api-token-value');
    const cluster = clusters[0]!;
    const record = records[0]!;
    const { custom } = kubeClientsFor(cluster, 'admin');
    const spec = { ...externalSecretSpec(fixture.key('api')), target: { name: 'app-api' } };
    const created = await createExternalSecret(cluster, 'api', spec);
    await handlers.ingest(notice(record, 'api', created));
    await invoker.drain();
    expect(await secretValue(cluster, 'app-api', 'password')).toBe('api-token-value');

    const updated = (await custom.patchNamespacedCustomObject({
      group: API_GROUP,
      version: API_VERSION,
      namespace,
      plural: 'externalsecrets',
      name: 'api',
      body: [{ op: 'replace', path: '/spec/data/0/secretKey', value: 'token' }],
    })) as { metadata: { uid: string; resourceVersion: string; generation: number } };
    await handlers.ingest(notice(record, 'api', updated));
    await invoker.drain();
    expect(await secretValue(cluster, 'app-api', 'token')).toBe('api-token-value');

    await custom.deleteNamespacedCustomObject({
      group: API_GROUP,
      version: API_VERSION,
      namespace,
      plural: 'externalsecrets',
      name: 'api',
    });
    const result = await handlers.ingest(notice(record, 'api', updated, 'delete'));
    expect(result).toMatchObject({ deleted: 1 });
    expect(await state.getSnapshot({ clusterId: record.clusterId, namespace, name: 'api' })).toBeUndefined();
  });

  it('should let the sweep hand out exactly the objects that are due', async () => {
    for (const record of records)
      await state.patchClusterState(record.clusterId, {
        nextDriftCheckAt: new Date(Date.now() + 3 * 3_600_000).toISOString(),
      });
    const sweepClock = { now: () => new Date(Date.now() + 2 * 3_600_000) };
    const before = invoker.invocations.length;
    const result = await createSweepHandler(
      async () => ({ ...plane.sweep, clock: sweepClock }),
      createObservability('sweep'),
    )({});
    await invoker.drain();
    const ours = new Set(records.map((r) => r.clusterId));
    const mine = result.scoped.filter((s) => ours.has(s.clusterId));
    // Each cluster's "db" ExternalSecret (refreshInterval 1h) is due two hours later; nothing else of ours is.
    expect(mine.map((s) => s.clusterId).sort()).toEqual([...ours].sort());
    for (const s of mine) expect(s.objects).toBe(1);
    const sent = invoker.invocations
      .slice(before)
      .map((i) => i.payload as { clusterId: string; scope: unknown });
    for (const id of ours) {
      expect(sent.find((p) => p.clusterId === id)?.scope).toEqual({
        kind: 'objects',
        objects: [{ namespace, name: 'db' }],
      });
    }
  });

  it('should let only one of two concurrent reconcile-cluster invocations work a cluster, losing neither request', async () => {
    const record = records[1]!;
    const request = { clusterId: record.clusterId, scope: { kind: 'all' as const }, reason: 'api' as const };
    const [a, b] = await Promise.all([
      handlers.reconcile(request, { awsRequestId: 'concurrent-a' }),
      handlers.reconcile(request, { awsRequestId: 'concurrent-b' }),
    ]);
    const results = [a, b] as Array<{ folded: boolean; passes?: unknown[] }>;
    const folded = results.filter((r) => r.folded);
    const ran = results.filter((r) => !r.folded);
    expect(ran).toHaveLength(1);
    expect(folded).toHaveLength(1);
    // The folded request became the runner's follow-up pass.
    expect(ran[0]?.passes).toHaveLength(2);
  });

  it('should never let a secret value reach DynamoDB or a log line', async () => {
    const { ScanCommand } = await import('@aws-sdk/client-dynamodb');
    const items = await dynamo.send(new ScanCommand({ TableName: tableName }));
    const dump = JSON.stringify(items.Items);
    expect(dump.length).toBeGreaterThan(100);
    const logs = stdout.join('');
    expect(logs).toContain('fan-out done');
    for (const canary of [
      CANARY_V1,
      CANARY_V2,
      Buffer.from(CANARY_V1).toString('base64'),
      Buffer.from(CANARY_V2).toString('base64'),
    ]) {
      expect(dump).not.toContain(canary);
      expect(logs).not.toContain(canary);
    }
  });
});
