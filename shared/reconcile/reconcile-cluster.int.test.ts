/**
 * reconcileCluster against a real kube-apiserver and moto, one behaviour per test. The control
 * plane acts as the shared limited user, bound (by a RoleBinding to the control-plane ClusterRole)
 * in two of the three namespaces its registration lists: the third one is Forbidden to it.
 */
import { randomBytes } from 'node:crypto';
import { CreateSecretCommand, DeleteSecretCommand } from '@aws-sdk/client-secrets-manager';
import { PatchStrategy, setHeaderOptions, type V1Secret } from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { kubeClientsFor, kubeCluster } from '../../infra-tests/helpers/kube.js';
import { desire, installCrds, ReconcileFixture } from '../../infra-tests/helpers/reconcile-fixture.js';
import { LocalStateStore } from '../adapters/local-state/index.js';
import { MANAGED_BY_LABEL, OWNER_LABEL } from '../domain/labels.js';
import type { ReconcileScope } from '../domain/records.js';
import { API_GROUP, API_VERSION, type ExternalSecretSpec } from '../domain/schema.js';
import { reconcileCluster } from './reconcile-cluster.js';
import type { ReconcileResult } from './types.js';

const cluster = kubeCluster(0);
const admin = kubeClientsFor(cluster, 'admin');
const fx = new ReconcileFixture({ state: new LocalStateStore() });
const nsA = `rc-a-${fx.runId}`;
const nsB = `rc-b-${fx.runId}`;
const nsDenied = `rc-denied-${fx.runId}`;
let clusterId = '';

const text = (secret: V1Secret, key: string) =>
  Buffer.from(secret.data?.[key] ?? '', 'base64').toString('utf8');
const readSecret = (namespace: string, name: string) => admin.core.readNamespacedSecret({ namespace, name });
const secretExists = (namespace: string, name: string) =>
  readSecret(namespace, name).then(
    () => true,
    (e: { code?: number }) => (e.code === 404 ? false : Promise.reject(e)),
  );
const readExternalSecret = (namespace: string, name: string) =>
  admin.custom.getNamespacedCustomObject({
    group: API_GROUP,
    version: API_VERSION,
    plural: 'externalsecrets',
    namespace,
    name,
  }) as Promise<{
    metadata: { uid: string };
    status?: Record<string, unknown> & { conditions?: Array<Record<string, string>> };
  }>;

function pass(
  scope: ReconcileScope = { kind: 'all' },
  extra: Partial<Parameters<typeof reconcileCluster>[1]> = {},
) {
  return reconcileCluster(fx.deps(), { clusterId, scope, reason: 'sweep', ...extra });
}
const only = (namespace: string, name: string): ReconcileScope => ({
  kind: 'objects',
  objects: [{ namespace, name }],
});
const reportOf = (result: ReconcileResult, namespace: string, name: string) =>
  result.reports.find((r) => r.namespace === namespace && r.name === name);

function spec(
  overrides: Partial<ExternalSecretSpec> & { target?: ExternalSecretSpec['target'] },
): ExternalSecretSpec {
  return { secretStoreRef: { name: fx.storeName, kind: 'SecretStore' }, ...overrides };
}

async function externalSecret(namespace: string, name: string, s: ExternalSecretSpec) {
  return desire(fx.state, { clusterId, cluster, namespace, name, spec: s });
}

beforeAll(async () => {
  await installCrds(cluster);
  for (const name of [nsA, nsB, nsDenied]) await admin.core.createNamespace({ body: { metadata: { name } } });
  await fx.putStore([nsA, nsB, nsDenied]);
  const record = await fx.registerCluster(cluster, {
    mode: 'namespaced',
    namespaces: [nsA, nsB, nsDenied],
    bound: [nsA, nsB],
  });
  clusterId = record.clusterId;
});

afterAll(async () => {
  await fx.close();
  for (const name of [nsA, nsB, nsDenied]) await admin.core.deleteNamespace({ name }).catch(() => undefined);
});

describe('reconcileCluster creating and updating Secrets', () => {
  const password = `pw-${randomBytes(6).toString('hex')}`;

  it('should create the Secret with its data, labels, owner and status', async () => {
    const versionId = await fx.putValue('db', { username: 'app', password });
    const es = await externalSecret(
      nsA,
      'db',
      spec({
        target: { name: 'db-creds' },
        data: [
          { secretKey: 'username', remoteRef: { key: fx.key('db'), property: 'username' } },
          { secretKey: 'password', remoteRef: { key: fx.key('db'), property: 'password' } },
        ],
      }),
    );

    const result = await pass(only(nsA, 'db'));

    expect(reportOf(result, nsA, 'db')).toMatchObject({ outcome: 'synced', reason: 'SecretSynced' });
    const secret = await readSecret(nsA, 'db-creds');
    expect(text(secret, 'username')).toBe('app');
    expect(text(secret, 'password')).toBe(password);
    expect(secret.metadata?.labels?.[MANAGED_BY_LABEL]).toBe('fleet-secrets');
    expect(secret.metadata?.labels?.[OWNER_LABEL]).toMatch(/^[0-9a-f]{40}$/);
    expect(secret.metadata?.ownerReferences).toEqual([
      expect.objectContaining({ kind: 'ExternalSecret', name: 'db', uid: es.source.uid, controller: true }),
    ]);
    expect(secret.metadata?.managedFields?.map((f) => [f.manager, f.operation])).toContainEqual([
      'fleet-secrets',
      'Apply',
    ]);

    const live = await readExternalSecret(nsA, 'db');
    expect(live.status?.conditions).toEqual([
      expect.objectContaining({ type: 'Ready', status: 'True', reason: 'SecretSynced' }),
    ]);
    expect(live.status?.binding).toEqual({ name: 'db-creds' });
    expect(live.status?.refreshTime).toEqual(expect.any(String));
    expect(live.status?.syncedResourceVersion).toBe(es.source.resourceVersion);

    const events = await admin.core.listNamespacedEvent({ namespace: nsA });
    expect(events.items.map((e) => [e.involvedObject.name, e.type, e.reason])).toContainEqual([
      'db',
      'Normal',
      'SecretSynced',
    ]);

    const status = await fx.state.getStatus({ clusterId, namespace: nsA, name: 'db' });
    expect(status).toMatchObject({
      ready: 'True',
      reason: 'SecretSynced',
      targetName: 'db-creds',
      writtenResourceVersion: secret.metadata?.resourceVersion,
      syncedVersions: { [`${fx.storeName}/${fx.key('db')}`]: versionId },
      ownedKeys: ['password', 'username'],
    });
    expect(status?.dataHmac).toMatch(/^[0-9a-f]{64}$/);
  });

  it('should rewrite the Secret when the provider value changes, and tell the rotation latency', async () => {
    const rotated = `${password}-rotated`;
    const versionId = await fx.putValue('db', { username: 'app', password: rotated });

    const result = await pass(only(nsA, 'db'), {
      reason: 'rotation',
      trigger: { secretId: fx.key('db'), versionId, eventTime: new Date(Date.now() - 50).toISOString() },
    });

    expect(reportOf(result, nsA, 'db')).toMatchObject({ outcome: 'synced' });
    expect(text(await readSecret(nsA, 'db-creds'), 'password')).toBe(rotated);
    expect(result.rotationLatencyMs).toBeGreaterThanOrEqual(0);
    expect((await fx.state.getStatus({ clusterId, namespace: nsA, name: 'db' }))?.syncedVersions).toEqual({
      [`${fx.storeName}/${fx.key('db')}`]: versionId,
    });
  });

  it('should write nothing when a requested object is already in sync', async () => {
    const result = await pass(only(nsA, 'db'));

    expect(reportOf(result, nsA, 'db')).toMatchObject({ outcome: 'unchanged' });
    expect(result.apiserver.writes).toBe(0);
    expect(result.apiserver.byAction).toEqual({ 'list secrets': 1 });
    expect(result.statusWrites).toBe(1);
  });

  it('should restore a Secret edited out-of-band, then one deleted out-of-band, and count both', async () => {
    const before = await readSecret(nsA, 'db-creds');
    await admin.core.patchNamespacedSecret(
      {
        namespace: nsA,
        name: 'db-creds',
        body: [{ op: 'replace', path: '/data/password', value: Buffer.from('tampered').toString('base64') }],
      },
      setHeaderOptions('Content-Type', PatchStrategy.JsonPatch),
    );

    const edited = await pass();
    expect(reportOf(edited, nsA, 'db')).toMatchObject({ outcome: 'synced', drift: 'edited' });
    expect(edited.driftRestored).toBeGreaterThanOrEqual(1);
    expect(text(await readSecret(nsA, 'db-creds'), 'password')).toBe(text(before, 'password'));

    await admin.core.deleteNamespacedSecret({ namespace: nsA, name: 'db-creds' });
    const deleted = await pass();
    expect(reportOf(deleted, nsA, 'db')).toMatchObject({ outcome: 'synced', drift: 'deleted' });
    expect(text(await readSecret(nsA, 'db-creds'), 'password')).toBe(text(before, 'password'));
  });

  it('should replace an immutable Secret instead of patching it', async () => {
    await fx.putValue('frozen', 'v1');
    await externalSecret(
      nsA,
      'frozen',
      spec({ target: { immutable: true }, data: [{ secretKey: 'v', remoteRef: { key: fx.key('frozen') } }] }),
    );
    await pass(only(nsA, 'frozen'));
    const first = await readSecret(nsA, 'frozen');
    expect(first.immutable).toBe(true);

    await fx.putValue('frozen', 'v2');
    const result = await pass(only(nsA, 'frozen'));

    expect(reportOf(result, nsA, 'frozen')).toMatchObject({ outcome: 'synced' });
    expect(result.apiserver.byAction).toMatchObject({ 'delete secrets': 1, 'apply secrets': 1 });
    const second = await readSecret(nsA, 'frozen');
    expect(text(second, 'v')).toBe('v2');
    expect(second.immutable).toBe(true);
    expect(second.metadata?.uid).not.toBe(first.metadata?.uid);
  });

  it('should write Secrets of central kinds without an owner, and tell about them in an Event on the Secret', async () => {
    await fx.putValue('fleet', 'from-the-fleet');
    await desire(fx.state, {
      clusterId,
      cluster,
      namespace: nsB,
      name: 'fleet-wide',
      kind: 'FleetExternalSecret',
      spec: spec({ data: [{ secretKey: 'v', remoteRef: { key: fx.key('fleet') } }] }),
    });

    await pass(only(nsB, 'fleet-wide'));

    const secret = await readSecret(nsB, 'fleet-wide');
    expect(text(secret, 'v')).toBe('from-the-fleet');
    expect(secret.metadata?.ownerReferences).toBeUndefined();
    const events = await admin.core.listNamespacedEvent({ namespace: nsB });
    expect(events.items.map((e) => [e.involvedObject.kind, e.involvedObject.name, e.reason])).toContainEqual([
      'Secret',
      'fleet-wide',
      'SecretSynced',
    ]);
  });
});

describe('reconcileCluster with creationPolicy Merge and None', () => {
  it('should add only our keys to an existing Secret, keep its other keys, and give ours back when the object goes', async () => {
    await admin.core.createNamespacedSecret({
      namespace: nsA,
      body: {
        metadata: { name: 'app-config' },
        type: 'kubernetes.io/tls',
        data: { 'tls.crt': 'Y2VydA==', 'tls.key': 'a2V5' },
      },
    });
    await fx.putValue('merge', 'merged-value');
    await externalSecret(
      nsA,
      'merger',
      spec({
        target: { name: 'app-config', creationPolicy: 'Merge' },
        data: [{ secretKey: 'extra', remoteRef: { key: fx.key('merge') } }],
      }),
    );

    const merged = await pass(only(nsA, 'merger'));

    expect(reportOf(merged, nsA, 'merger')).toMatchObject({ outcome: 'synced' });
    const secret = await readSecret(nsA, 'app-config');
    expect(Object.keys(secret.data ?? {}).sort()).toEqual(['extra', 'tls.crt', 'tls.key']);
    expect(secret.type).toBe('kubernetes.io/tls');
    expect(secret.metadata?.ownerReferences).toBeUndefined();

    await fx.state.deleteSnapshot({ clusterId, namespace: nsA, name: 'merger' });
    const gone = await pass();

    expect(reportOf(gone, nsA, 'merger')).toMatchObject({ outcome: 'deleted', reason: 'SecretDeleted' });
    const after = await readSecret(nsA, 'app-config');
    expect(Object.keys(after.data ?? {}).sort()).toEqual(['tls.crt', 'tls.key']);
    expect(after.metadata?.labels?.[MANAGED_BY_LABEL]).toBeUndefined();
    expect(await fx.state.getStatus({ clusterId, namespace: nsA, name: 'merger' })).toBeUndefined();
  });

  it('should report an error and create nothing when a Merge target does not exist', async () => {
    await fx.putValue('merge-nowhere', 'x');
    await externalSecret(
      nsA,
      'merge-nowhere',
      spec({
        target: { creationPolicy: 'Merge', name: 'not-there' },
        data: [{ secretKey: 'k', remoteRef: { key: fx.key('merge-nowhere') } }],
      }),
    );
    const result = await pass(only(nsA, 'merge-nowhere'));
    expect(reportOf(result, nsA, 'merge-nowhere')).toMatchObject({
      outcome: 'failed',
      reason: 'TargetMissing',
    });
    expect(await secretExists(nsA, 'not-there')).toBe(false);
  });

  it('should report an error for None while there is no Secret, and never write one', async () => {
    await fx.putValue('none', 'x');
    await externalSecret(
      nsA,
      'hands-off',
      spec({
        target: { creationPolicy: 'None', name: 'hands-off' },
        data: [{ secretKey: 'k', remoteRef: { key: fx.key('none') } }],
      }),
    );

    const missing = await pass(only(nsA, 'hands-off'));

    expect(reportOf(missing, nsA, 'hands-off')).toMatchObject({ outcome: 'failed', reason: 'TargetMissing' });
    expect(await secretExists(nsA, 'hands-off')).toBe(false);
    const es = await readExternalSecret(nsA, 'hands-off');
    expect(es.status?.conditions?.[0]).toMatchObject({
      type: 'Ready',
      status: 'False',
      reason: 'SecretSyncedError',
    });
    expect(es.status?.conditions?.[0]?.message).toContain('creationPolicy None');

    await admin.core.createNamespacedSecret({
      namespace: nsA,
      body: { metadata: { name: 'hands-off' }, stringData: { own: 'theirs' } },
    });
    const present = await pass(only(nsA, 'hands-off'));

    expect(reportOf(present, nsA, 'hands-off')).toMatchObject({ outcome: 'unchanged' });
    expect(present.apiserver.byAction['apply secrets']).toBeUndefined();
    const secret = await readSecret(nsA, 'hands-off');
    expect(Object.keys(secret.data ?? {})).toEqual(['own']);
  });
});

describe('reconcileCluster when objects or their keys go away', () => {
  it('should delete an Owner Secret with its object and keep an Orphan one', async () => {
    await fx.putValue('lifecycle', 'v');
    for (const [name, creationPolicy] of [
      ['owned', 'Owner'],
      ['orphaned', 'Orphan'],
    ] as const) {
      await externalSecret(
        nsB,
        name,
        spec({
          target: { creationPolicy },
          data: [{ secretKey: 'v', remoteRef: { key: fx.key('lifecycle') } }],
        }),
      );
      await pass(only(nsB, name));
      expect(await secretExists(nsB, name)).toBe(true);
      await fx.state.deleteSnapshot({ clusterId, namespace: nsB, name });
    }

    const result = await pass();

    expect(reportOf(result, nsB, 'owned')).toMatchObject({ outcome: 'deleted' });
    expect(reportOf(result, nsB, 'orphaned')).toMatchObject({ outcome: 'unchanged' });
    expect(await secretExists(nsB, 'owned')).toBe(false);
    expect(await secretExists(nsB, 'orphaned')).toBe(true);
  });

  it('should keep the Secret and fail the object when a key is gone under deletionPolicy Retain', async () => {
    await fx.putValue('retained', 'keep-me');
    await externalSecret(
      nsB,
      'retained',
      spec({ data: [{ secretKey: 'v', remoteRef: { key: fx.key('retained') } }] }),
    );
    await pass(only(nsB, 'retained'));
    await fx.deleteValue('retained');

    const result = await pass(only(nsB, 'retained'));

    expect(reportOf(result, nsB, 'retained')).toMatchObject({ outcome: 'failed', reason: 'ProviderError' });
    expect(reportOf(result, nsB, 'retained')?.message).toContain('NotFound');
    expect(text(await readSecret(nsB, 'retained'), 'v')).toBe('keep-me');
  });

  it('should delete the Secret when every key is gone under deletionPolicy Delete', async () => {
    await fx.putValue('deleted', 'bye');
    await externalSecret(
      nsB,
      'deleted',
      spec({
        target: { deletionPolicy: 'Delete' },
        data: [{ secretKey: 'v', remoteRef: { key: fx.key('deleted') } }],
      }),
    );
    await pass(only(nsB, 'deleted'));
    await fx.deleteValue('deleted');

    const result = await pass(only(nsB, 'deleted'));

    expect(reportOf(result, nsB, 'deleted')).toMatchObject({ outcome: 'deleted', reason: 'SecretDeleted' });
    expect(await secretExists(nsB, 'deleted')).toBe(false);
  });

  it('should drop only the gone keys under deletionPolicy Merge', async () => {
    await fx.putValue('half-1', 'one');
    await fx.putValue('half-2', 'two');
    await externalSecret(
      nsB,
      'halves',
      spec({
        target: { deletionPolicy: 'Merge' },
        data: [
          { secretKey: 'one', remoteRef: { key: fx.key('half-1') } },
          { secretKey: 'two', remoteRef: { key: fx.key('half-2') } },
        ],
      }),
    );
    await pass(only(nsB, 'halves'));
    await fx.deleteValue('half-2');

    const result = await pass(only(nsB, 'halves'));

    expect(reportOf(result, nsB, 'halves')).toMatchObject({ outcome: 'synced' });
    expect(Object.keys((await readSecret(nsB, 'halves')).data ?? {})).toEqual(['one']);
  });

  it('should never delete anything because a provider read failed', async () => {
    const storeName = `flaky-${fx.runId}`;
    await fx.putStore([nsB], {}, storeName);
    await fx.putValue('flaky', 'still-here');
    await externalSecret(nsB, 'flaky', {
      secretStoreRef: { name: storeName },
      target: { deletionPolicy: 'Delete' },
      data: [{ secretKey: 'v', remoteRef: { key: fx.key('flaky') } }],
    });
    await pass(only(nsB, 'flaky'));
    // The store now points at a Vault nobody answers on: every read fails, none says NotFound.
    await fx.putStore(
      [nsB],
      {
        provider: {
          vault: { server: 'http://127.0.0.1:9', path: 'secret', auth: { tokenSecretRef: { key: 'dummy' } } },
        },
      },
      storeName,
    );

    const result = await pass(only(nsB, 'flaky'));

    expect(reportOf(result, nsB, 'flaky')).toMatchObject({ outcome: 'failed', reason: 'ProviderError' });
    expect(text(await readSecret(nsB, 'flaky'), 'v')).toBe('still-here');
    expect(result.apiserver.byAction['delete secrets']).toBeUndefined();
    const status = await fx.state.getStatus({ clusterId, namespace: nsB, name: 'flaky' });
    expect(status?.writtenResourceVersion).toEqual(expect.any(String));
  });
});

describe('reconcileCluster isolation', () => {
  it('should fail only the object whose namespace RBAC forbids, and sync the others', async () => {
    await fx.putValue('iso', 'fine');
    await externalSecret(
      nsDenied,
      'walled',
      spec({ data: [{ secretKey: 'v', remoteRef: { key: fx.key('iso') } }] }),
    );
    await externalSecret(
      nsB,
      'open',
      spec({ data: [{ secretKey: 'v', remoteRef: { key: fx.key('iso') } }] }),
    );

    const result = await pass({
      kind: 'objects',
      objects: [
        { namespace: nsDenied, name: 'walled' },
        { namespace: nsB, name: 'open' },
      ],
    });

    expect(reportOf(result, nsDenied, 'walled')).toMatchObject({ outcome: 'failed', reason: 'Forbidden' });
    expect(reportOf(result, nsDenied, 'walled')?.message).toContain(nsDenied);
    expect(reportOf(result, nsB, 'open')).toMatchObject({ outcome: 'synced' });
    expect(text(await readSecret(nsB, 'open'), 'v')).toBe('fine');
    expect(result.outcome).toBe('completed');
    const status = await fx.state.getStatus({ clusterId, namespace: nsDenied, name: 'walled' });
    expect(status).toMatchObject({ ready: 'False', reason: 'Forbidden' });
  });

  it('should fail an object in a namespace the registration does not list, without touching it', async () => {
    const elsewhere = `rc-elsewhere-${fx.runId}`;
    await admin.core.createNamespace({ body: { metadata: { name: elsewhere } } });
    try {
      await fx.putValue('elsewhere', 'x');
      await externalSecret(
        elsewhere,
        'stray',
        spec({ data: [{ secretKey: 'v', remoteRef: { key: fx.key('elsewhere') } }] }),
      );

      const result = await pass(only(elsewhere, 'stray'));

      expect(reportOf(result, elsewhere, 'stray')).toMatchObject({
        outcome: 'failed',
        reason: 'NamespaceNotRegistered',
      });
      expect(result.apiserver.writes).toBe(0);
    } finally {
      await admin.core.deleteNamespace({ name: elsewhere }).catch(() => undefined);
    }
  });

  it('should fail only the object whose template runs out of its budget, and sync the others', async () => {
    await fx.putValue('budget', 'fine');
    await externalSecret(
      nsA,
      'runaway',
      spec({
        data: [{ secretKey: 'v', remoteRef: { key: fx.key('budget') } }],
        // Without a budget this exhausts the heap: an uncatchable crash of the whole pass.
        target: { template: { data: { v: '{{ range 100000000000 }}{{ .v }}{{ end }}' } } },
      }),
    );
    await externalSecret(
      nsA,
      'modest',
      spec({ data: [{ secretKey: 'v', remoteRef: { key: fx.key('budget') } }] }),
    );

    const result = await pass({
      kind: 'objects',
      objects: [
        { namespace: nsA, name: 'runaway' },
        { namespace: nsA, name: 'modest' },
      ],
    });

    const failed = reportOf(result, nsA, 'runaway');
    expect(failed).toMatchObject({ outcome: 'failed', reason: 'RenderError' });
    expect(failed?.message).toBe(
      'spec.target.template.data.v: template stopped: 1:10: template exceeded its range size budget (100000)',
    );
    expect(reportOf(result, nsA, 'modest')).toMatchObject({ outcome: 'synced' });
    expect(text(await readSecret(nsA, 'modest'), 'v')).toBe('fine');
    expect(await secretExists(nsA, 'runaway')).toBe(false);
    expect(result.outcome).toBe('completed');
  });

  it('should never name keys outside the store policy that a find lists, only count them', async () => {
    // `*` stays inside one segment: the nested key is listed under the allowed prefix yet not allowed.
    await fx.putValue('found-db', 'db-value');
    await fx.putValue('team-b/stripe-live-key', 'not-for-a');
    const outsideName = `team-b-${fx.runId}/stripe-live-key`;
    await fx.sm.send(new CreateSecretCommand({ Name: outsideName, SecretString: 'never-listed' }));
    try {
      await externalSecret(
        nsA,
        'finder',
        spec({
          dataFrom: [
            {
              find: { name: { regexp: '(str[i]pe|found-db)' } },
              rewrite: [{ regexp: { source: '.*/', target: '' } }],
            },
          ],
        }),
      );
      const listingsBefore = fx.providerApiCalls('ListSecrets');

      const result = await pass(only(nsA, 'finder'));

      const report = reportOf(result, nsA, 'finder');
      expect(report).toMatchObject({ outcome: 'synced' });
      expect(report?.message).toContain("1 key outside the store's policy was skipped");
      const secret = await readSecret(nsA, 'finder');
      expect(Object.keys(secret.data ?? {})).toEqual(['found-db']);
      // One listing, under the policy's prefix only: the account's other names are never fetched.
      expect(fx.providerApiCalls('ListSecrets') - listingsBefore).toBe(1);
      const status = await fx.state.getStatus({ clusterId, namespace: nsA, name: 'finder' });
      const events = await admin.core.listNamespacedEvent({ namespace: nsA });
      const es = await readExternalSecret(nsA, 'finder');
      const surfaces = JSON.stringify([result, status, events.items, es.status, fx.logs]);
      expect(surfaces).not.toContain('stripe');
      expect(surfaces).not.toContain('team-b');
    } finally {
      await fx.deleteValue('team-b/stripe-live-key');
      await fx.sm.send(new DeleteSecretCommand({ SecretId: outsideName, ForceDeleteWithoutRecovery: true }));
    }
  });

  it('should refuse a key the store policy does not allow, naming it, without reading it', async () => {
    const outside = `outside-${fx.runId}/secret`;
    await externalSecret(nsB, 'greedy', spec({ data: [{ secretKey: 'v', remoteRef: { key: outside } }] }));

    const result = await pass(only(nsB, 'greedy'));

    const report = reportOf(result, nsB, 'greedy');
    expect(report).toMatchObject({ outcome: 'failed', reason: 'AccessDenied' });
    expect(report?.message).toContain(outside);
    expect(report?.message).toContain(fx.storeName);
    expect(result.provider.requests).toBe(0);
  });

  it('should refuse a store credential to an ExternalSecret whose store allows every key, by name, by ARN and by find', async () => {
    const credentialName = `fleet-secrets-internal/store-credentials/${fx.runId}/vault-token`;
    const created = await fx.sm.send(
      new CreateSecretCommand({ Name: credentialName, SecretString: 'control-plane-vault-token' }),
    );
    const everything = `everything-${fx.runId}`;
    await fx.putStore(
      [nsB],
      {
        accessPolicy: {
          clusterSelector: { matchLabels: { run: fx.runId } },
          namespaces: ['*'],
          keys: ['**'],
        },
      },
      everything,
    );
    try {
      const byName = spec({
        secretStoreRef: { name: everything, kind: 'SecretStore' },
        data: [{ secretKey: 'token', remoteRef: { key: credentialName } }],
      });
      const byArn = spec({
        secretStoreRef: { name: everything, kind: 'SecretStore' },
        data: [{ secretKey: 'token', remoteRef: { key: created.ARN ?? '' } }],
      });
      const byFind = spec({
        secretStoreRef: { name: everything, kind: 'SecretStore' },
        dataFrom: [{ find: { name: { regexp: `^fleet-secrets-internal/store-credentials/${fx.runId}/` } } }],
      });
      await externalSecret(nsB, 'steal-by-name', byName);
      await externalSecret(nsB, 'steal-by-arn', byArn);
      await externalSecret(nsB, 'steal-by-find', byFind);

      const result = await pass({
        kind: 'objects',
        objects: [
          { namespace: nsB, name: 'steal-by-name' },
          { namespace: nsB, name: 'steal-by-arn' },
          { namespace: nsB, name: 'steal-by-find' },
        ],
      });

      for (const name of ['steal-by-name', 'steal-by-arn']) {
        const report = reportOf(result, nsB, name);
        expect(report).toMatchObject({ outcome: 'failed', reason: 'AccessDenied' });
        expect(report?.message).toContain('reserved for the control plane');
        expect(report?.message).not.toContain('control-plane-vault-token');
        expect(await secretExists(nsB, name)).toBe(false);
      }
      expect(result.provider.requests).toBe(0);
      // A find may list the credential's name, but never yields it as a key to read: it is left
      // out of the result instead of failing the object.
      expect(reportOf(result, nsB, 'steal-by-find')?.reason).not.toBe('AccessDenied');
      const found = await readSecret(nsB, 'steal-by-find').catch(() => undefined);
      expect(Object.values(found?.data ?? {}).map((v) => Buffer.from(v, 'base64').toString())).not.toContain(
        'control-plane-vault-token',
      );
    } finally {
      await fx.sm.send(
        new DeleteSecretCommand({ SecretId: credentialName, ForceDeleteWithoutRecovery: true }),
      );
    }
  });
});
