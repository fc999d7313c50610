/**
 * Sends manifests to a test apiserver exactly as rendered. client-node's typed clients serialize
 * through their models, which silently drop fields they do not know; here a misspelt field reaches
 * the apiserver and fails strict field validation, as it would with `kubectl apply`.
 */
import { request } from 'node:https';
import type { ManifestObject } from '../../../watcher/install-manifests.js';
import type { KubeClusterEndpoint } from '../../peers/types.js';

/** REST collection of each kind the watcher's manifests (and the tests) create. */
const collections: Record<string, { prefix: string; plural: string; namespaced: boolean }> = {
  Namespace: { prefix: '/api/v1', plural: 'namespaces', namespaced: false },
  ServiceAccount: { prefix: '/api/v1', plural: 'serviceaccounts', namespaced: true },
  Pod: { prefix: '/api/v1', plural: 'pods', namespaced: true },
  ClusterRole: { prefix: '/apis/rbac.authorization.k8s.io/v1', plural: 'clusterroles', namespaced: false },
  ClusterRoleBinding: {
    prefix: '/apis/rbac.authorization.k8s.io/v1',
    plural: 'clusterrolebindings',
    namespaced: false,
  },
  Deployment: { prefix: '/apis/apps/v1', plural: 'deployments', namespaced: true },
  NetworkPolicy: { prefix: '/apis/networking.k8s.io/v1', plural: 'networkpolicies', namespaced: true },
  PodDisruptionBudget: { prefix: '/apis/policy/v1', plural: 'poddisruptionbudgets', namespaced: true },
  CustomResourceDefinition: {
    prefix: '/apis/apiextensions.k8s.io/v1',
    plural: 'customresourcedefinitions',
    namespaced: false,
  },
};

export interface RawResponse {
  status: number;
  body: Record<string, unknown> & { message?: string; reason?: string };
  /** Warning headers, e.g. Pod Security warnings. */
  warnings: string[];
}

export interface RawCreateOptions {
  dryRun?: boolean;
  token?: string;
}

/** POSTs one object with fieldValidation=Strict (and dryRun=All when asked); never throws on 4xx. */
export function rawCreate(
  cluster: KubeClusterEndpoint,
  object: ManifestObject,
  options: RawCreateOptions = {},
): Promise<RawResponse> {
  const collection = collections[object.kind];
  if (!collection) throw new Error(`rawCreate does not know the REST path of kind ${object.kind}`);
  const namespace = object.metadata.namespace;
  if (collection.namespaced && !namespace)
    throw new Error(`${object.kind} ${object.metadata.name} needs a namespace`);
  const path = `${collection.prefix}${collection.namespaced ? `/namespaces/${namespace}` : ''}/${collection.plural}`;
  const query = new URLSearchParams({
    fieldValidation: 'Strict',
    ...(options.dryRun ? { dryRun: 'All' } : {}),
  });
  const payload = JSON.stringify(object);
  return new Promise((resolve, reject) => {
    const req = request(
      new URL(`${path}?${query}`, cluster.server),
      {
        method: 'POST',
        ca: cluster.caData,
        headers: {
          authorization: `Bearer ${options.token ?? cluster.adminToken}`,
          'content-type': 'application/json',
          accept: 'application/json',
        },
        timeout: 30_000,
      },
      (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => {
          body += chunk;
        });
        res.on('end', () => {
          const warning = res.headers.warning;
          resolve({
            status: res.statusCode ?? 0,
            body: body ? JSON.parse(body) : {},
            warnings: warning === undefined ? [] : Array.isArray(warning) ? warning : [warning],
          });
        });
      },
    );
    req.on('timeout', () => req.destroy(new Error(`POST ${path} timed out`)));
    req.on('error', reject);
    req.end(payload);
  });
}

/** Creates for real and throws on anything but 201, naming the object and the apiserver's reason. */
export async function createOrThrow(cluster: KubeClusterEndpoint, object: ManifestObject): Promise<void> {
  const response = await rawCreate(cluster, object);
  if (response.status !== 201) {
    throw new Error(
      `creating ${object.kind} ${object.metadata.name} failed (${response.status}): ${response.body.message}`,
    );
  }
}
