import { setTimeout as sleep } from 'node:timers/promises';
import { ApiException, type V1CustomResourceDefinition } from '@kubernetes/client-node';
import { afterAll, describe, expect, it } from 'vitest';
import { kubeClientsFor, kubeCluster, startPrivateCluster, uniqueName } from '../helpers/kube.js';

/** The HTTP status an API call ended with: 2xx when it succeeded. */
async function statusOf(call: Promise<unknown>): Promise<number> {
  try {
    await call;
    return 200;
  } catch (error) {
    if (error instanceof ApiException) return error.code;
    throw error;
  }
}

/** Polls until `check` returns a value; fails naming `what` after the deadline. */
async function eventually<T>(
  what: string,
  check: () => Promise<T | undefined>,
  timeoutMs = 30_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const value = await check();
    if (value !== undefined) return value;
    await sleep(100);
  }
  throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
}

describe('kube-apiserver (real clusters on one etcd)', () => {
  const cleanups: Array<() => Promise<unknown>> = [];
  afterAll(async () => {
    await Promise.allSettled(cleanups.reverse().map((cleanup) => cleanup()));
  });

  async function createNamespace(clusterIndex: number, prefix: string): Promise<string> {
    const name = uniqueName(prefix);
    const { core } = kubeClientsFor(kubeCluster(clusterIndex));
    await core.createNamespace({ body: { metadata: { name } } });
    cleanups.push(() => core.deleteNamespace({ name }));
    return name;
  }

  it('should serve a CRD once it is Established and stream an update of its object to a watcher', async () => {
    const { apiextensions, custom, watch } = kubeClientsFor(kubeCluster(0));
    const group = `${uniqueName('smoke')}.fleet-secrets.test`;
    const plural = 'widgets';
    const crd: V1CustomResourceDefinition = {
      metadata: { name: `${plural}.${group}` },
      spec: {
        group,
        scope: 'Namespaced',
        names: { plural, singular: 'widget', kind: 'Widget', listKind: 'WidgetList' },
        versions: [
          {
            name: 'v1',
            served: true,
            storage: true,
            schema: {
              openAPIV3Schema: {
                type: 'object',
                properties: { spec: { type: 'object', properties: { size: { type: 'integer' } } } },
              },
            },
          },
        ],
      },
    };
    await apiextensions.createCustomResourceDefinition({ body: crd });
    cleanups.push(() => apiextensions.deleteCustomResourceDefinition({ name: `${plural}.${group}` }));
    await eventually('the CRD to be Established', async () => {
      const current = await apiextensions.readCustomResourceDefinition({ name: `${plural}.${group}` });
      const established = current.status?.conditions?.find((c) => c.type === 'Established');
      return established?.status === 'True' ? true : undefined;
    });

    const namespace = await createNamespace(0, 'smoke-crd');
    const ref = { group, version: 'v1', namespace, plural };
    const created = await custom.createNamespacedCustomObject({
      ...ref,
      body: { apiVersion: `${group}/v1`, kind: 'Widget', metadata: { name: 'w1' }, spec: { size: 1 } },
    });

    const events: Array<{ phase: string; size: unknown }> = [];
    const watching = await watch.watch(
      `/apis/${group}/v1/namespaces/${namespace}/${plural}`,
      { resourceVersion: created.metadata.resourceVersion },
      (phase, object) => events.push({ phase, size: object?.spec?.size }),
      () => {},
    );
    try {
      await custom.replaceNamespacedCustomObject({
        ...ref,
        name: 'w1',
        body: { ...created, spec: { size: 2 } },
      });
      const update = await eventually('the MODIFIED event', async () =>
        events.find((event) => event.phase === 'MODIFIED'),
      );
      expect(update).toEqual({ phase: 'MODIFIED', size: 2 });
    } finally {
      watching.abort();
    }
  });

  it('should deny the limited identity a Secret write without a RoleBinding and allow it where one grants it', async () => {
    const cluster = kubeCluster(0);
    const admin = kubeClientsFor(cluster, 'admin');
    const limited = kubeClientsFor(cluster, 'limited');
    const unbound = await createNamespace(0, 'smoke-rbac-none');
    const bound = await createNamespace(0, 'smoke-rbac-bound');
    await admin.rbac.createNamespacedRole({
      namespace: bound,
      body: {
        metadata: { name: 'secret-writer' },
        rules: [{ apiGroups: [''], resources: ['secrets'], verbs: ['create', 'get'] }],
      },
    });
    await admin.rbac.createNamespacedRoleBinding({
      namespace: bound,
      body: {
        metadata: { name: 'secret-writer' },
        roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: 'secret-writer' },
        subjects: [{ apiGroup: 'rbac.authorization.k8s.io', kind: 'User', name: cluster.limitedUser }],
      },
    });
    const secret = (name: string) => ({ metadata: { name }, stringData: { key: 'not-a-real-secret' } });

    expect(
      await statusOf(limited.core.createNamespacedSecret({ namespace: unbound, body: secret('s1') })),
    ).toBe(403);
    // The authorizer reads RoleBindings from a cache that catches up within moments.
    const allowed = await eventually('the RoleBinding to take effect', async () => {
      const status = await statusOf(
        limited.core.createNamespacedSecret({ namespace: bound, body: secret('s1') }),
      );
      return status === 403 ? undefined : status;
    });
    expect(allowed).toBe(200);
    expect(await statusOf(admin.core.readNamespacedSecret({ namespace: unbound, name: 's1' }))).toBe(404);
    const written = await admin.core.readNamespacedSecret({ namespace: bound, name: 's1' });
    expect(written.metadata?.name).toBe('s1');
  });

  it('should keep two clusters apart so that an object created in one is absent from the other', async () => {
    const one = kubeClientsFor(kubeCluster(0));
    const two = kubeClientsFor(kubeCluster(1));
    const namespace = await createNamespace(0, 'smoke-apart');
    await one.core.createNamespacedConfigMap({
      namespace,
      body: { metadata: { name: 'only-in-cluster-1' }, data: { where: 'cluster-1' } },
    });

    expect(await statusOf(two.core.readNamespace({ name: namespace }))).toBe(404);
    // The same name is free in the other cluster, and creating it there leaves cluster-1's alone.
    await two.core.createNamespace({ body: { metadata: { name: namespace } } });
    cleanups.push(() => two.core.deleteNamespace({ name: namespace }));
    const inTwo = await two.core.listNamespacedConfigMap({ namespace });
    expect(inTwo.items.map((item) => item.metadata?.name)).not.toContain('only-in-cluster-1');
    const inOne = await one.core.readNamespacedConfigMap({ namespace, name: 'only-in-cluster-1' });
    expect(inOne.data).toEqual({ where: 'cluster-1' });
  });
});

describe('a private cluster (an extra apiserver on the shared etcd)', () => {
  it('should keep its port, certificate, tokens and objects across a restart', async () => {
    const cluster = await startPrivateCluster();
    try {
      const { core } = kubeClientsFor(cluster.endpoint);
      const namespace = uniqueName('smoke-restart');
      await core.createNamespace({ body: { metadata: { name: namespace } } });

      await cluster.stop();
      expect(cluster.running).toBe(false);
      await expect(core.readNamespace({ name: namespace })).rejects.toThrow(/ECONNREFUSED/);
      await cluster.start();

      // Same kubeconfig, same client: the port, serving certificate and token did not change.
      const again = await core.readNamespace({ name: namespace });
      expect(again.metadata?.name).toBe(namespace);
    } finally {
      await cluster.dispose();
    }
  });
});
