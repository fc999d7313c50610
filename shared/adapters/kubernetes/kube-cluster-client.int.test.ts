import { Agent } from 'node:https';
import { createServer, type Server, type Socket } from 'node:net';
import {
  CreateSecretCommand,
  DeleteSecretCommand,
  PutSecretValueCommand,
  SecretsManagerClient,
} from '@aws-sdk/client-secrets-manager';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { kubeClientsFor, kubeCluster, uniqueName } from '../../../infra-tests/helpers/kube.js';
import {
  bindInNamespaces,
  createServiceAccountIdentity,
  randomSuffix,
} from '../../../infra-tests/helpers/kube-test-support.js';
import { loadPeers } from '../../../infra-tests/helpers/peers.js';
import type { KubeClusterEndpoint } from '../../../infra-tests/peers/types.js';
import { missingAccess } from '../../control-plane/required-access.js';
import type { ClusterRecord } from '../../domain/records.js';
import { RequestCounter } from '../../lib/request-counter.js';
import { StaticTokenSource, TokenSourceAuthentication } from './auth.js';
import { KubeClusterClientFactory } from './cluster-client-factory.js';
import {
  KubeForbiddenError,
  KubeInvalidError,
  KubeUnauthorizedError,
  KubeUnreachableError,
} from './errors.js';
import { KubeClusterClient } from './kube-cluster-client.js';

const MANAGED = 'fleet-secrets.io/managed-by=fleet-secrets';
const b64 = (s: string) => Buffer.from(s, 'utf8').toString('base64');

function record(
  cluster: KubeClusterEndpoint,
  auth: ClusterRecord['auth'],
  clusterId = cluster.name,
): ClusterRecord {
  const now = new Date().toISOString();
  return {
    clusterId,
    endpoint: cluster.server,
    caData: cluster.caData,
    auth,
    labels: {},
    createdAt: now,
    updatedAt: now,
  };
}

describe('KubeClusterClient against a real kube-apiserver', () => {
  const cluster = kubeCluster(0);
  const admin = kubeClientsFor(cluster, 'admin');
  const allowed = uniqueName('kcc-allowed');
  const denied = uniqueName('kcc-denied');
  const cleanups: Array<() => Promise<unknown>> = [];
  let factory: KubeClusterClientFactory;
  let client: KubeClusterClient;

  beforeAll(async () => {
    for (const name of [allowed, denied]) {
      await admin.core.createNamespace({ body: { metadata: { name } } });
      cleanups.push(() => admin.core.deleteNamespace({ name }));
    }
    // The shared limited user, empowered only where this file binds it.
    await bindInNamespaces(cluster.adminKubeconfig, { kind: 'User', name: cluster.limitedUser }, [allowed]);
    factory = new KubeClusterClientFactory({ state: { getCluster: async () => undefined } });
    client = await factory.forRecord(
      record(cluster, { type: 'kubeconfig', path: cluster.limitedKubeconfig }, `kcc-${randomSuffix()}`),
    );
  });

  afterAll(async () => {
    factory.close();
    await Promise.allSettled(cleanups.reverse().map((cleanup) => cleanup()));
  });

  it('should list only managed Secrets, as metadata, in one request', async () => {
    await admin.core.createNamespacedSecret({
      namespace: allowed,
      body: { metadata: { name: 'foreign' }, stringData: { a: 'foreign-value' } },
    });
    for (const name of ['one', 'two']) {
      await client.applySecret(
        {
          namespace: allowed,
          name,
          type: 'Opaque',
          labels: { 'fleet-secrets.io/managed-by': 'fleet-secrets' },
          annotations: { 'fleet-secrets.io/source': `test/${name}` },
          data: { key: b64(`value-of-${name}`) },
        },
        { fieldManager: 'fleet-secrets' },
      );
    }
    const before = client.requests.snapshot();

    const live = await client.listManagedSecrets({ labelSelector: MANAGED, namespace: allowed });

    expect(live.map((s) => s.name).sort()).toEqual(['one', 'two']);
    expect(live[0]).toMatchObject({
      namespace: allowed,
      annotations: { 'fleet-secrets.io/source': expect.any(String) },
    });
    expect(live[0]?.resourceVersion).toMatch(/^\d+$/);
    expect(JSON.stringify(live)).not.toContain(b64('value-of-one'));
    expect(client.requests.snapshot().byAction['list secrets']).toBe(
      (before.byAction['list secrets'] ?? 0) + 1,
    );
  });

  it('should server-side apply under its field manager and keep the keys another manager owns', async () => {
    await admin.core.createNamespacedSecret({
      namespace: allowed,
      body: { metadata: { name: 'shared' }, data: { theirs: b64('their-value') } },
    });

    const applied = await client.applySecret(
      {
        namespace: allowed,
        name: 'shared',
        type: 'Opaque',
        labels: {},
        annotations: {},
        data: { ours: b64('our-value') },
      },
      { fieldManager: 'fleet-secrets-merge-test' },
    );
    const afterApply = await admin.core.readNamespacedSecret({ name: 'shared', namespace: allowed });
    expect(afterApply.metadata?.resourceVersion).toBe(applied.resourceVersion);
    expect(Object.keys(afterApply.data ?? {}).sort()).toEqual(['ours', 'theirs']);
    expect(afterApply.metadata?.managedFields?.map((f) => [f.manager, f.operation])).toContainEqual([
      'fleet-secrets-merge-test',
      'Apply',
    ]);

    // Applying without our key gives it up; server-side apply removes only what we owned.
    await client.applySecret(
      { namespace: allowed, name: 'shared', type: 'Opaque', labels: {}, annotations: {}, data: {} },
      { fieldManager: 'fleet-secrets-merge-test' },
    );
    const afterRelease = await admin.core.readNamespacedSecret({ name: 'shared', namespace: allowed });
    expect(Object.keys(afterRelease.data ?? {})).toEqual(['theirs']);
  });

  it('should find one Secret by name whether or not it is managed, and report a missing one as undefined', async () => {
    await admin.core.createNamespacedSecret({
      namespace: allowed,
      body: { metadata: { name: 'lookup-me', labels: { team: 'a' } }, stringData: { k: 'v1234' } },
    });
    expect(await client.getSecretMeta(allowed, 'lookup-me')).toMatchObject({
      name: 'lookup-me',
      labels: { team: 'a' },
    });
    expect(await client.getSecretMeta(allowed, 'no-such-secret')).toBeUndefined();
  });

  it('should refuse to patch an immutable Secret with KubeInvalidError that quotes no value', async () => {
    const base = {
      namespace: allowed,
      name: 'frozen',
      type: 'Opaque',
      labels: {},
      annotations: {},
      immutable: true,
    };
    await client.applySecret(
      { ...base, data: { k: b64('first-frozen-value') } },
      { fieldManager: 'fleet-secrets' },
    );

    const error = await client
      .applySecret({ ...base, data: { k: b64('second-frozen-value') } }, { fieldManager: 'fleet-secrets' })
      .catch((e: unknown) => e);

    expect(error).toBeInstanceOf(KubeInvalidError);
    const message = (error as Error).message;
    expect(message).toContain(`${allowed}/frozen`);
    for (const v of ['first-frozen-value', 'second-frozen-value']) {
      expect(message).not.toContain(v);
      expect(message).not.toContain(b64(v));
    }
  });

  it.each([
    ['a label value', 'Pa55/w0rd+CANARY=', 'labels'],
    ['a label value with quotes, backslashes and unicode', 'Pa55/w0rd+"CANARY"\\é✓=', 'labels'],
    ['a label key', 'Pa55/w0rd+CANARY=', 'label keys'],
    ['an annotation key', 'Pa55/w0rd+"CANARY"\\=', 'annotation keys'],
  ] as const)(
    'should not repeat %s the API server rejects, in the error or its cause',
    async (_what, value, where) => {
      const labels: Record<string, string> =
        where === 'labels' ? { pw: value } : where === 'label keys' ? { [value]: 'x' } : {};
      const annotations: Record<string, string> = where === 'annotation keys' ? { [value]: 'x' } : {};
      const metadata = { labels, annotations };
      const error = await client
        .applySecret(
          {
            namespace: allowed,
            name: 'rejected',
            type: 'Opaque',
            ...metadata,
            data: { k: b64('data-value') },
          },
          { fieldManager: 'fleet-secrets' },
        )
        .catch((e: unknown) => e);

      expect(error).toBeInstanceOf(KubeInvalidError);
      const e = error as KubeInvalidError;
      // Everything a logger could print of it: Powertools serialises name, message, stack and cause.
      const printed = [e.message, e.stack, JSON.stringify(e), String(e.cause), JSON.stringify(e.cause)].join(
        '\n',
      );
      for (const needle of ['CANARY', b64(value), 'data-value']) expect(printed).not.toContain(needle);
      expect(e.cause).toBeUndefined();
    },
  );

  it('should look a Secret up by type without reading it', async () => {
    await admin.core.createNamespacedSecret({
      namespace: allowed,
      body: { metadata: { name: 'typed' }, type: 'helm.sh/release.v1', stringData: { release: 'r' } },
    });
    const before = client.requests.snapshot().byAction['list secrets'] ?? 0;

    expect(await client.getSecretMeta(allowed, 'typed', { type: 'helm.sh/release.v1' })).toMatchObject({
      name: 'typed',
    });
    expect(await client.getSecretMeta(allowed, 'typed', { type: 'Opaque' })).toBeUndefined();
    expect(
      await client.getSecretMeta(allowed, 'typed', { notTypes: ['helm.sh/release.v1', 'Opaque'] }),
    ).toBeUndefined();
    expect(await client.getSecretMeta(allowed, 'typed', { notTypes: ['Opaque'] })).toMatchObject({
      name: 'typed',
    });
    expect(client.requests.snapshot().byAction['list secrets']).toBe(before + 4);
  });

  it('should delete a Secret and treat one that is already gone as deleted', async () => {
    await client.applySecret(
      {
        namespace: allowed,
        name: 'doomed',
        type: 'Opaque',
        labels: {},
        annotations: {},
        data: { k: b64('x') },
      },
      { fieldManager: 'fleet-secrets' },
    );
    await client.deleteSecret(allowed, 'doomed');
    expect(await client.getSecretMeta(allowed, 'doomed')).toBeUndefined();
    await expect(client.deleteSecret(allowed, 'doomed')).resolves.toBeUndefined();
  });

  it('should record an Event on the involved object', async () => {
    await client.createEvent({
      namespace: allowed,
      involvedObject: {
        apiVersion: 'fleet-secrets.io/v1',
        kind: 'ExternalSecret',
        name: 'db',
        namespace: allowed,
      },
      type: 'Normal',
      reason: 'SecretSynced',
      message: 'Secret db synced',
    });
    const events = await admin.core.listNamespacedEvent({ namespace: allowed });
    expect(events.items.map((e) => [e.involvedObject.name, e.reason, e.source?.component])).toContainEqual([
      'db',
      'SecretSynced',
      'fleet-secrets',
    ]);
  });

  it('should map an RBAC denial to KubeForbiddenError naming the namespace', async () => {
    const error = await client
      .listManagedSecrets({ labelSelector: MANAGED, namespace: denied })
      .catch((e) => e);
    expect(error).toBeInstanceOf(KubeForbiddenError);
    expect((error as Error).message).toContain(denied);
  });

  it('should report a complete RBAC rules review, and answer access reviews as RBAC decides, subresources included', async () => {
    const review = await client.reviewAccessRules(allowed);
    expect(review.incomplete).toBe(false);
    expect(missingAccess(review.rules)).toEqual([]);
    expect(await client.canI(allowed, { apiGroup: '', resource: 'secrets', verb: 'delete' })).toBe(true);
    expect(
      await client.canI(allowed, {
        apiGroup: 'fleet-secrets.io',
        resource: 'externalsecrets/status',
        verb: 'patch',
      }),
    ).toBe(true);
    expect(await client.canI(allowed, { apiGroup: '', resource: 'secrets', verb: 'get' })).toBe(false);
    expect(await client.canI(denied, { apiGroup: '', resource: 'secrets', verb: 'delete' })).toBe(false);
  });

  it('should reuse one TLS connection for consecutive requests', async () => {
    let connections = 0;
    const agent = new Agent({ ca: cluster.caData, keepAlive: true, maxSockets: 4 });
    const create = agent.createConnection.bind(agent);
    agent.createConnection = ((...args: Parameters<typeof create>) => {
      connections++;
      return create(...args);
    }) as typeof agent.createConnection;
    const keepAlive = new KubeClusterClient({
      clusterId: 'keep-alive',
      endpoint: cluster.server,
      agent,
      authentication: new TokenSourceAuthentication({
        source: new StaticTokenSource({ token: cluster.adminToken }),
      }),
    });

    for (let i = 0; i < 5; i++)
      await keepAlive.listManagedSecrets({ labelSelector: MANAGED, namespace: allowed });

    expect(keepAlive.requests.count('list', 'secrets')).toBe(5);
    expect(connections).toBe(1);
    keepAlive.close();
  });
});

describe('KubeClusterClient when the API server cannot be reached', () => {
  let silent: Server;
  let silentPort = 0;
  const sockets: Socket[] = [];

  beforeAll(async () => {
    // Accepts connections and never answers: what a black-holed private endpoint looks like.
    silent = createServer((socket) => sockets.push(socket));
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    silentPort = (silent.address() as { port: number }).port;
  });

  afterAll(async () => {
    for (const s of sockets) s.destroy();
    await new Promise((resolve) => silent.close(resolve));
  });

  function clientFor(endpoint: string, counter = new RequestCounter()) {
    return new KubeClusterClient({
      clusterId: 'gone',
      endpoint,
      agent: new Agent({ keepAlive: true }),
      authentication: new TokenSourceAuthentication({ source: new StaticTokenSource({ token: 'x' }) }),
      requestTimeoutMs: 300,
      counter,
    });
  }

  it('should fail with KubeUnreachableError when nothing listens', async () => {
    // A port that was free a moment ago: connection refused.
    const probe = createServer();
    await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
    const port = (probe.address() as { port: number }).port;
    await new Promise((resolve) => probe.close(resolve));

    const error = await clientFor(`https://127.0.0.1:${port}`)
      .listManagedSecrets({ labelSelector: MANAGED })
      .catch((e) => e);
    expect(error).toBeInstanceOf(KubeUnreachableError);
    expect((error as Error).message).toContain('ECONNREFUSED');
  });

  it('should give up on a server that never answers after the request deadline', async () => {
    const error = await clientFor(`https://127.0.0.1:${silentPort}`)
      .listManagedSecrets({ labelSelector: MANAGED })
      .catch((e) => e);
    expect(error).toBeInstanceOf(KubeUnreachableError);
    expect((error as Error).message).toContain('no answer within 300 ms');
  });
});

describe('KubeClusterClientFactory with a token kept in Secrets Manager', () => {
  const cluster = kubeCluster(0);
  const admin = kubeClientsFor(cluster, 'admin');
  const namespace = uniqueName('kcc-token');
  const secretId = `fleet-secrets/test/cluster-token-${randomSuffix()}`;
  let sm: SecretsManagerClient;

  beforeAll(async () => {
    const { moto } = loadPeers();
    sm = new SecretsManagerClient({
      endpoint: moto.url,
      region: moto.region,
      credentials: { accessKeyId: 'testing', secretAccessKey: 'testing' },
    });
    await admin.core.createNamespace({ body: { metadata: { name: namespace } } });
  });

  afterAll(async () => {
    await sm
      .send(new DeleteSecretCommand({ SecretId: secretId, ForceDeleteWithoutRecovery: true }))
      .catch(() => {});
    sm.destroy();
    await admin.core.deleteNamespace({ name: namespace }).catch(() => {});
  });

  it('should pick up a rotated ServiceAccount token from Secrets Manager after a 401', async () => {
    const identity = await createServiceAccountIdentity(admin.core, namespace);
    await bindInNamespaces(cluster.adminKubeconfig, identity.subject, [namespace]);
    await sm.send(
      new CreateSecretCommand({ Name: secretId, SecretString: JSON.stringify({ token: 'revoked' }) }),
    );
    const factory = new KubeClusterClientFactory({
      state: { getCluster: async () => undefined },
      secretsManager: sm,
    });
    const client = await factory.forRecord(
      record(cluster, { type: 'token', secretId }, `kcc-token-${randomSuffix()}`),
    );

    // A stale token: 401, a re-read of the secret (still stale), one retry, then a typed error.
    await expect(client.listManagedSecrets({ labelSelector: MANAGED, namespace })).rejects.toBeInstanceOf(
      KubeUnauthorizedError,
    );
    expect(client.requests.count('list', 'secrets')).toBe(2);

    // Rotation puts the new token in the secret; the cached stale one earns a 401 and is replaced.
    await sm.send(new PutSecretValueCommand({ SecretId: secretId, SecretString: identity.token }));
    await expect(client.listManagedSecrets({ labelSelector: MANAGED, namespace })).resolves.toEqual([]);
    expect(client.requests.count('list', 'secrets')).toBe(4);
    await expect(client.listManagedSecrets({ labelSelector: MANAGED, namespace })).resolves.toEqual([]);
    expect(client.requests.count('list', 'secrets')).toBe(5);
    factory.close();
  });
});
