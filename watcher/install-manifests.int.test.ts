/**
 * The watcher's manifests against a real apiserver: strict server-side dry-run of every object,
 * Pod Security admission of its pod, and what its RBAC allows (SubjectAccessReview and a real request
 * with its own token). Runs on a shared cluster with unique names; nothing here needs the CRDs.
 */
import { request } from 'node:https';
import { AuthorizationV1Api, type V1SubjectAccessReview } from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type KubeClients, kubeClientsFor, kubeCluster, uniqueName } from '../infra-tests/helpers/kube.js';
import { createOrThrow, rawCreate } from '../infra-tests/helpers/watcher/raw-kube.js';
import type { KubeClusterEndpoint } from '../infra-tests/peers/types.js';
import { type ManifestObject, renderWatcherManifests } from './install-manifests.js';

let endpoint: KubeClusterEndpoint;
let admin: KubeClients;
let authorization: AuthorizationV1Api;
const created: ManifestObject[] = [];

function render(namespace: string, name: string): ManifestObject[] {
  return renderWatcherManifests({
    clusterId: 'cluster-1',
    image: `123456789012.dkr.ecr.eu-west-1.amazonaws.com/fleet-secrets-watcher@sha256:${'0'.repeat(64)}`,
    ingestFunctionArn: 'arn:aws:lambda:eu-west-1:123456789012:function:fleet-secrets-ingest',
    region: 'eu-west-1',
    roleArn: 'arn:aws:iam::123456789012:role/fleet-secrets-watcher',
    mode: 'pod-identity',
    apiServerCidr: '10.0.0.0/24',
    namespace,
    name,
  });
}

function find(objects: ManifestObject[], kind: string): ManifestObject {
  const object = objects.find((o) => o.kind === kind);
  if (!object) throw new Error(`the manifests have no ${kind}`);
  return object;
}

/** A Pod as the Deployment's ReplicaSet would create it. */
function podOf(objects: ManifestObject[]): ManifestObject {
  const deployment = find(objects, 'Deployment') as ManifestObject & {
    spec: { template: { metadata: { labels: Record<string, string> }; spec: Record<string, unknown> } };
  };
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      name: uniqueName('watcher-pod'),
      namespace: deployment.metadata.namespace!,
      labels: deployment.spec.template.metadata.labels,
    },
    spec: structuredClone(deployment.spec.template.spec),
  };
}

async function createForReal(object: ManifestObject): Promise<void> {
  await createOrThrow(endpoint, object);
  created.push(object);
}

function get(path: string, token: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request(
      new URL(path, endpoint.server),
      { ca: endpoint.caData, headers: { authorization: `Bearer ${token}` } },
      (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode ?? 0));
      },
    );
    req.on('error', reject);
    req.end();
  });
}

beforeAll(() => {
  endpoint = kubeCluster(0);
  admin = kubeClientsFor(endpoint);
  authorization = admin.kc.makeApiClient(AuthorizationV1Api);
});

afterAll(async () => {
  for (const object of created.reverse()) {
    const name = object.metadata.name;
    const ignoreMissing = (error: unknown) => {
      if ((error as { code?: number }).code !== 404) throw error;
    };
    if (object.kind === 'Namespace') await admin.core.deleteNamespace({ name }).catch(ignoreMissing);
    if (object.kind === 'ClusterRole') await admin.rbac.deleteClusterRole({ name }).catch(ignoreMissing);
    if (object.kind === 'ClusterRoleBinding')
      await admin.rbac.deleteClusterRoleBinding({ name }).catch(ignoreMissing);
  }
});

describe('watcher manifests on a real apiserver', () => {
  it('should pass strict server-side dry-run for every object', async () => {
    const namespace = uniqueName('fs-dryrun');
    const objects = render(namespace, uniqueName('watcher'));
    // Namespaced objects are admitted only into an existing namespace: dry-run it, then create it.
    expect((await rawCreate(endpoint, find(objects, 'Namespace'), { dryRun: true })).status).toBe(201);
    await createForReal(find(objects, 'Namespace'));

    const results = [];
    for (const object of objects.filter((o) => o.kind !== 'Namespace')) {
      const response = await rawCreate(endpoint, object, { dryRun: true });
      results.push({
        kind: object.kind,
        status: response.status,
        message: response.body.message,
        warnings: response.warnings,
      });
    }
    expect(results).toEqual(
      [
        'ServiceAccount',
        'ClusterRole',
        'ClusterRoleBinding',
        'Deployment',
        'NetworkPolicy',
        'PodDisruptionBudget',
      ].map((kind) => ({
        kind,
        status: 201,
        message: undefined,
        warnings: [],
      })),
    );
    // The check has teeth: a misspelt field is refused, not dropped.
    const misspelt = structuredClone(find(objects, 'Deployment')) as ManifestObject & {
      spec: Record<string, unknown>;
    };
    misspelt.spec.replica = 1;
    const refused = await rawCreate(endpoint, misspelt, { dryRun: true });
    expect(refused.status).toBe(400);
    expect(refused.body.message).toMatch(/unknown field "spec.replica"/);
    // Dry-run persisted nothing.
    await expect(
      admin.rbac.readClusterRole({ name: find(objects, 'ClusterRole').metadata.name }),
    ).rejects.toMatchObject({
      code: 404,
    });
  });

  it('should have its pod admitted under the restricted Pod Security Standard, which refuses a privileged pod', async () => {
    const namespace = uniqueName('fs-pss');
    const objects = render(namespace, uniqueName('watcher'));
    await createForReal(find(objects, 'Namespace'));

    const pod = podOf(objects);
    const admitted = await rawCreate(endpoint, pod, { dryRun: true });
    expect({ status: admitted.status, message: admitted.body.message }).toEqual({
      status: 201,
      message: undefined,
    });

    // The control: the same pod running as root with privileges is refused in this namespace.
    const unsafe = podOf(objects) as ManifestObject & {
      spec: { securityContext: object; containers: Array<Record<string, unknown>> };
    };
    unsafe.spec.securityContext = {};
    unsafe.spec.containers[0]!.securityContext = { privileged: true };
    const refused = await rawCreate(endpoint, unsafe, { dryRun: true });
    expect(refused.status).toBe(403);
    expect(refused.body.message).toMatch(/violates PodSecurity "restricted/);
  });

  it('should let the watcher get, list and watch the fleet-secrets kinds and deny it everything else (SubjectAccessReview)', async () => {
    const namespace = uniqueName('fs-rbac');
    const name = uniqueName('watcher');
    const objects = render(namespace, name);
    for (const kind of ['Namespace', 'ServiceAccount', 'ClusterRole', 'ClusterRoleBinding']) {
      await createForReal(find(objects, kind));
    }
    const user = `system:serviceaccount:${namespace}:${name}`;
    const review = async (attributes: NonNullable<V1SubjectAccessReview['spec']['resourceAttributes']>) => {
      const result = await authorization.createSubjectAccessReview({
        body: {
          apiVersion: 'authorization.k8s.io/v1',
          kind: 'SubjectAccessReview',
          spec: {
            user,
            groups: ['system:serviceaccounts', `system:serviceaccounts:${namespace}`, 'system:authenticated'],
            resourceAttributes: attributes,
          },
        },
      });
      return result.status?.allowed ?? false;
    };

    const allowed = {
      'watch externalsecrets': await review({
        group: 'fleet-secrets.io',
        resource: 'externalsecrets',
        verb: 'watch',
      }),
      'list clusterexternalsecrets': await review({
        group: 'fleet-secrets.io',
        resource: 'clusterexternalsecrets',
        verb: 'list',
      }),
      'get externalsecrets in a namespace': await review({
        group: 'fleet-secrets.io',
        resource: 'externalsecrets',
        verb: 'get',
        namespace: 'team-a',
      }),
      'get secrets': await review({ group: '', resource: 'secrets', verb: 'get', namespace: 'team-a' }),
      'list secrets cluster-wide': await review({ group: '', resource: 'secrets', verb: 'list' }),
      'watch secrets in its own namespace': await review({
        group: '',
        resource: 'secrets',
        verb: 'watch',
        namespace,
      }),
      'update externalsecrets': await review({
        group: 'fleet-secrets.io',
        resource: 'externalsecrets',
        verb: 'update',
        namespace: 'team-a',
      }),
      'patch externalsecrets/status': await review({
        group: 'fleet-secrets.io',
        resource: 'externalsecrets',
        subresource: 'status',
        verb: 'patch',
        namespace: 'team-a',
      }),
      'list secretstores': await review({
        group: 'fleet-secrets.io',
        resource: 'secretstores',
        verb: 'list',
      }),
      'create events': await review({ group: '', resource: 'events', verb: 'create', namespace }),
    };
    expect(allowed).toEqual({
      'watch externalsecrets': true,
      'list clusterexternalsecrets': true,
      'get externalsecrets in a namespace': true,
      'get secrets': false,
      'list secrets cluster-wide': false,
      'watch secrets in its own namespace': false,
      'update externalsecrets': false,
      'patch externalsecrets/status': false,
      'list secretstores': false,
      'create events': false,
    });
  });

  it("should refuse a Secret read made with the watcher's own ServiceAccount token", async () => {
    const namespace = uniqueName('fs-token');
    const name = uniqueName('watcher');
    const objects = render(namespace, name);
    for (const kind of ['Namespace', 'ServiceAccount', 'ClusterRole', 'ClusterRoleBinding']) {
      await createForReal(find(objects, kind));
    }
    await admin.core.createNamespacedSecret({
      namespace,
      body: { metadata: { name: 'db' }, stringData: { password: 'not-for-the-watcher' } },
    });
    const token = (
      await admin.core.createNamespacedServiceAccountToken({
        name,
        namespace,
        body: { spec: { audiences: [], expirationSeconds: 600 } },
      })
    ).status!.token;

    expect(await get(`/api/v1/namespaces/${namespace}/secrets/db`, token)).toBe(403);
    expect(await get('/api/v1/secrets', token)).toBe(403);
    expect(await get('/apis/rbac.authorization.k8s.io/v1/clusterroles', token)).toBe(403);
    // The same token is accepted for what the watcher does (any answer but 401/403).
    expect([200, 404]).toContain(await get('/apis/fleet-secrets.io/v1/externalsecrets?limit=1', token));
  });
});
