import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadYaml, type V1CustomResourceDefinition } from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type KubeClients, kubeClientsFor, type PrivateCluster, startPrivateCluster, uniqueName } from '../infra-tests/helpers/kube.js';

/**
 * The generated CRDs against a real kube-apiserver (a private one: CRDs are cluster-wide and other
 * files may install their own copy in the shared clusters). The apiserver must accept them as
 * structural, compile every CEL rule, and then enforce the rules on objects.
 */
const group = 'fleet-secrets.io';
const version = 'v1';
let cluster: PrivateCluster;
let kube: KubeClients;
let namespace: string;

/** Through the client's own deserializer: a plain object would lose `enum` and CEL rules on the way out. */
function loadCrd(file: string): V1CustomResourceDefinition {
  return loadYaml<V1CustomResourceDefinition>(readFileSync(join(import.meta.dirname, file), 'utf8'));
}

async function waitEstablished(name: string): Promise<void> {
  for (let i = 0; i < 100; i++) {
    const crd = await kube.apiextensions.readCustomResourceDefinition({ name });
    if (crd.status?.conditions?.some((c) => c.type === 'Established' && c.status === 'True')) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`CRD ${name} never became Established`);
}

function es(name: string, spec: unknown) {
  return { apiVersion: `${group}/${version}`, kind: 'ExternalSecret', metadata: { name }, spec };
}

async function createEs(spec: unknown): Promise<{ ok: true } | { ok: false; status: number; message: string }> {
  try {
    await kube.custom.createNamespacedCustomObject({
      group,
      version,
      namespace,
      plural: 'externalsecrets',
      body: es(uniqueName('es'), spec),
    });
    return { ok: true };
  } catch (e) {
    const err = e as { code?: number; body?: unknown };
    const body = typeof err.body === 'string' ? err.body : JSON.stringify(err.body ?? '');
    return { ok: false, status: err.code ?? 0, message: body };
  }
}

const valid = {
  secretStoreRef: { name: 'aws' },
  refreshInterval: '1h30m',
  data: [{ secretKey: 'password', remoteRef: { key: 'db/creds', property: 'password' } }],
};

beforeAll(async () => {
  cluster = await startPrivateCluster();
  kube = kubeClientsFor(cluster.endpoint);
  for (const file of ['externalsecrets.fleet-secrets.io.yaml', 'clusterexternalsecrets.fleet-secrets.io.yaml']) {
    const body = loadCrd(file);
    await kube.apiextensions.createCustomResourceDefinition({ body });
    await waitEstablished(body.metadata?.name as string);
  }
  namespace = uniqueName('crd-test');
  await kube.core.createNamespace({ body: { metadata: { name: namespace } } });
}, 180_000);

afterAll(async () => {
  await cluster?.dispose();
});

describe('generated CRDs on a real apiserver', () => {
  it('should accept a valid ExternalSecret', async () => {
    expect(await createEs(valid)).toEqual({ ok: true });
  });

  it.each([
    ['no data and no dataFrom', { secretStoreRef: { name: 'aws' } }, 'data or dataFrom required'],
    [
      'deletionPolicy Delete without creationPolicy Owner',
      { ...valid, target: { creationPolicy: 'Orphan', deletionPolicy: 'Delete' } },
      'deletionPolicy Delete needs creationPolicy Owner',
    ],
    [
      'deletionPolicy Merge with creationPolicy None',
      { ...valid, target: { creationPolicy: 'None', deletionPolicy: 'Merge' } },
      'deletionPolicy Merge cannot be used with creationPolicy None',
    ],
    [
      'a ServiceAccount token Secret type',
      { ...valid, target: { template: { type: 'kubernetes.io/service-account-token' } } },
      'ServiceAccount token',
    ],
    [
      'a duplicate secretKey',
      { ...valid, data: [valid.data[0], valid.data[0]] },
      'Duplicate value',
    ],
    ['a refreshInterval that is not a Go duration', { ...valid, refreshInterval: '1 hour' }, 'refreshInterval'],
    [
      'a dataFrom entry with both extract and find',
      { ...valid, dataFrom: [{ extract: { key: 'a' }, find: { path: 'b' } }] },
      'set exactly one of extract or find',
    ],
    [
      'a rewrite with both regexp and transform',
      {
        ...valid,
        dataFrom: [
          { extract: { key: 'a' }, rewrite: [{ regexp: { source: 'a', target: 'b' }, transform: { template: 'x' } }] },
        ],
      },
      'set exactly one of: regexp, transform',
    ],
    ['an unknown creationPolicy', { ...valid, target: { creationPolicy: 'Adopt' } }, 'creationPolicy'],
    ['an invalid secretKey', { ...valid, data: [{ secretKey: 'a/b', remoteRef: { key: 'k' } }] }, 'secretKey'],
  ])('should reject %s', async (_name, spec, message) => {
    const r = await createEs(spec);
    expect(r.ok).toBe(false);
    if (!r.ok) {
      expect(r.status).toBe(422);
      expect(r.message).toContain(message);
    }
  });

  it('should reject a ClusterExternalSecret that selects no namespaces', async () => {
    await expect(
      kube.custom.createClusterCustomObject({
        group,
        version,
        plural: 'clusterexternalsecrets',
        body: {
          apiVersion: `${group}/${version}`,
          kind: 'ClusterExternalSecret',
          metadata: { name: uniqueName('ces') },
          spec: { externalSecretSpec: valid },
        },
      }),
    ).rejects.toMatchObject({ code: 422 });
  });

  it('should accept a ClusterExternalSecret with a namespace selector', async () => {
    await kube.custom.createClusterCustomObject({
      group,
      version,
      plural: 'clusterexternalsecrets',
      body: {
        apiVersion: `${group}/${version}`,
        kind: 'ClusterExternalSecret',
        metadata: { name: uniqueName('ces') },
        spec: { externalSecretSpec: valid, namespaceSelectors: [{ matchLabels: { team: 'a' } }] },
      },
    });
  });
});
