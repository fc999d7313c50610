/**
 * Writes into Secrets fleet-secrets did not create, against a real kube-apiserver and moto:
 * system Secrets (Helm releases, ServiceAccount tokens) are never merged into or adopted, and a
 * store with mergeRequiresOptIn needs the target Secret's own opt-in before Merge writes into it.
 */
import { PatchStrategy, setHeaderOptions, type V1Secret } from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { kubeClientsFor, kubeCluster } from '../../infra-tests/helpers/kube.js';
import { desire, installCrds, ReconcileFixture } from '../../infra-tests/helpers/reconcile-fixture.js';
import { LocalStateStore } from '../adapters/local-state/index.js';
import type { ReconcileScope } from '../domain/records.js';
import type { CreationPolicy, ExternalSecretSpec } from '../domain/schema.js';
import { ALLOW_MERGE_ANNOTATION } from '../domain/write-delegation.js';
import { reconcileCluster } from './reconcile-cluster.js';
import type { ReconcileResult } from './types.js';

const cluster = kubeCluster(0);
const admin = kubeClientsFor(cluster, 'admin');
const fx = new ReconcileFixture({ state: new LocalStateStore() });
const ns = `foreign-${fx.runId}`;
const optInStore = `opt-in-${fx.runId}`;
let clusterId = '';

const b64 = (s: string) => Buffer.from(s).toString('base64');
const readSecret = (name: string) => admin.core.readNamespacedSecret({ namespace: ns, name });
const only = (name: string): ReconcileScope => ({ kind: 'objects', objects: [{ namespace: ns, name }] });
const reportOf = (result: ReconcileResult, name: string) =>
  result.reports.find((r) => r.namespace === ns && r.name === name);

async function foreignSecret(body: V1Secret): Promise<V1Secret> {
  return admin.core.createNamespacedSecret({ namespace: ns, body });
}

async function wantInto(
  name: string,
  target: string,
  creationPolicy: CreationPolicy,
  store = fx.storeName,
  type?: string,
): Promise<void> {
  await fx.putValue(name, `value-of-${name}`);
  const spec: ExternalSecretSpec = {
    secretStoreRef: { name: store, kind: 'SecretStore' },
    target: { name: target, creationPolicy, ...(type ? { template: { type } } : {}) },
    data: [{ secretKey: 'release', remoteRef: { key: fx.key(name) } }],
  };
  await desire(fx.state, { clusterId, cluster, namespace: ns, name, spec });
}

const pass = (name: string) => reconcileCluster(fx.deps(), { clusterId, scope: only(name), reason: 'sweep' });

beforeAll(async () => {
  await installCrds(cluster);
  await admin.core.createNamespace({ body: { metadata: { name: ns } } });
  await fx.putStore([ns]);
  await fx.putStore([ns], { mergeRequiresOptIn: true }, optInStore);
  const record = await fx.registerCluster(cluster, { mode: 'namespaced', namespaces: [ns], bound: [ns] });
  clusterId = record.clusterId;
});

afterAll(async () => {
  await fx.close();
  await admin.core.deleteNamespace({ name: ns }).catch(() => undefined);
});

describe('system Secret types', () => {
  it('should never merge into a Helm release Secret, and say which Secret and type', async () => {
    const helm = await foreignSecret({
      metadata: { name: 'sh.helm.release.v1.app.v1', labels: { owner: 'helm' } },
      type: 'helm.sh/release.v1',
      data: { release: b64('the-helm-release') },
    });
    await wantInto('into-helm', 'sh.helm.release.v1.app.v1', 'Merge');

    const result = await pass('into-helm');

    expect(reportOf(result, 'into-helm')).toMatchObject({
      outcome: 'failed',
      reason: 'SystemSecretType',
      message: `Secret ${ns}/sh.helm.release.v1.app.v1 is of type helm.sh/release.v1, which fleet-secrets never merges into or adopts`,
    });
    const after = await readSecret('sh.helm.release.v1.app.v1');
    expect(after.data).toEqual({ release: b64('the-helm-release') });
    expect(after.metadata?.resourceVersion).toBe(helm.metadata?.resourceVersion);
    expect(result.apiserver.byAction['apply secrets']).toBeUndefined();
    expect((await fx.state.getStatus({ clusterId, namespace: ns, name: 'into-helm' }))?.reason).toBe(
      'SystemSecretType',
    );
  });

  it.each([
    // The template renders the system type too: only a look before the write can stop it.
    ['Owner', 'helm.sh/release.v1', {}, 'helm.sh/release.v1'],
    // The default type (Opaque): the API server refuses the type change; the error says why.
    ['Owner', 'bootstrap.kubernetes.io/token', {}, undefined],
    [
      'Orphan',
      'kubernetes.io/service-account-token',
      { 'kubernetes.io/service-account.name': 'default' },
      undefined,
    ],
  ] as const)(
    'should never let %s adopt an existing %s Secret',
    async (policy, type, annotations, rendered) => {
      const name = `adopt-${policy.toLowerCase()}-${type.split('/')[0]?.replace(/\./g, '-')}`;
      const existing = await foreignSecret({
        metadata: { name, annotations },
        type,
        data: { release: b64('not-yours') },
      });
      await wantInto(name, name, policy, fx.storeName, rendered);

      const result = await pass(name);

      expect(reportOf(result, name)).toMatchObject({
        outcome: 'failed',
        reason: 'SystemSecretType',
        message: expect.stringContaining(`Secret ${ns}/${name} is of type ${type}`),
      });
      const after = await readSecret(name);
      expect(after.metadata?.resourceVersion).toBe(existing.metadata?.resourceVersion);
      expect(Buffer.from(after.data?.release ?? '', 'base64').toString()).toBe('not-yours');
    },
  );

  it('should still merge into an ordinary Secret of another type, without any opt-in (ESO behaviour)', async () => {
    await foreignSecret({
      metadata: { name: 'plain-config' },
      type: 'Opaque',
      data: { keep: b64('kept') },
    });
    await wantInto('into-plain', 'plain-config', 'Merge');

    const result = await pass('into-plain');

    expect(reportOf(result, 'into-plain')).toMatchObject({ outcome: 'synced' });
    expect(Object.keys((await readSecret('plain-config')).data ?? {}).sort()).toEqual(['keep', 'release']);
  });
});

describe('a store with mergeRequiresOptIn', () => {
  it('should not merge into a Secret without the opt-in annotation, then merge once it opts in', async () => {
    await foreignSecret({ metadata: { name: 'shared-config' }, data: { keep: b64('kept') } });
    await wantInto('opt-in', 'shared-config', 'Merge', optInStore);

    const refused = await pass('opt-in');

    expect(reportOf(refused, 'opt-in')).toMatchObject({
      outcome: 'failed',
      reason: 'MergeNotAllowed',
      message: `Secret ${ns}/shared-config does not carry the annotation ${ALLOW_MERGE_ANNOTATION}: "true", which store "${optInStore}" requires before creationPolicy Merge writes into it`,
    });
    expect(Object.keys((await readSecret('shared-config')).data ?? {})).toEqual(['keep']);

    await admin.core.patchNamespacedSecret(
      {
        namespace: ns,
        name: 'shared-config',
        body: { metadata: { annotations: { [ALLOW_MERGE_ANNOTATION]: 'true' } } },
      },
      setHeaderOptions('Content-Type', PatchStrategy.MergePatch),
    );
    const merged = await pass('opt-in');

    expect(reportOf(merged, 'opt-in')).toMatchObject({ outcome: 'synced' });
    expect(Object.keys((await readSecret('shared-config')).data ?? {}).sort()).toEqual(['keep', 'release']);
  });
});
