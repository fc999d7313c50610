import { describe, expect, it } from 'vitest';
import { MANAGED_SELECTOR } from '../../shared/domain/labels.js';
import { StandInClusterFactory } from './stand-in-cluster.js';

const [label, value] = MANAGED_SELECTOR.split('=') as [string, string];

describe('StandInCluster', () => {
  it('should list what was applied by label, with a new resourceVersion per write, and count each request', async () => {
    const factory = new StandInClusterFactory();
    const cluster = factory.cluster('c1');
    const manifest = {
      namespace: 'apps',
      name: 'db',
      type: 'Opaque',
      labels: { [label]: value },
      annotations: {},
      data: { password: 'c2VjcmV0' },
    };
    const first = await cluster.applySecret(manifest);
    const second = await cluster.applySecret(manifest);
    expect(second.uid).toBe(first.uid);
    expect(Number(second.resourceVersion)).toBeGreaterThan(Number(first.resourceVersion));

    const listed = await cluster.listManagedSecrets({ labelSelector: MANAGED_SELECTOR });
    expect(listed.map((s) => `${s.namespace}/${s.name}@${s.resourceVersion}`)).toEqual([
      `apps/db@${second.resourceVersion}`,
    ]);
    expect(await cluster.listManagedSecrets({ labelSelector: MANAGED_SELECTOR, namespace: 'other' })).toEqual(
      [],
    );
    expect(cluster.counter.snapshot().byAction).toEqual({ 'apply secrets': 2, 'list secrets': 2 });
    expect(factory.totals()).toMatchObject({ reads: 2, writes: 2 });
  });

  it('should serve an ExternalSecret the way the API server would for ingest to re-read', async () => {
    const cluster = new StandInClusterFactory().cluster('c1');
    const meta = cluster.putExternalSecret('apps', 'db', {
      secretStoreRef: { name: 'aws' },
      data: [{ secretKey: 'password', remoteRef: { key: 'app/db' } }],
    });
    const object = (await cluster.getCustomObject('ExternalSecret', 'apps', 'db')) as {
      kind: string;
      metadata: { uid: string; generation: number };
    };
    expect(object.kind).toBe('ExternalSecret');
    expect(object.metadata).toMatchObject({ uid: meta.uid, generation: 1 });
    expect(await cluster.getCustomObject('ExternalSecret', 'apps', 'missing')).toBeUndefined();
    expect(await cluster.listNamespaces()).toEqual([{ name: 'apps', labels: {} }]);
  });
});
