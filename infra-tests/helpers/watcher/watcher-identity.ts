/**
 * The watcher's own identity on a test apiserver: its Namespace, ServiceAccount, ClusterRole and
 * binding exactly as the manifests render them, and a token minted for that ServiceAccount, so
 * tests run the watcher with its production permissions rather than as an administrator.
 */

import { renderWatcherManifests } from '../../../watcher/install-manifests.js';
import type { KubeClusterEndpoint } from '../../peers/types.js';
import type { KubeClients } from '../kube.js';
import { createOrThrow } from './raw-kube.js';

export async function installWatcherIdentity(
  endpoint: KubeClusterEndpoint,
  clients: KubeClients,
  clusterId: string,
): Promise<string> {
  const objects = renderWatcherManifests({
    clusterId,
    image: 'example.invalid/fleet-secrets-watcher:test',
    ingestFunctionArn: 'arn:aws:lambda:eu-west-1:123456789012:function:ingest',
    region: 'eu-west-1',
    roleArn: 'arn:aws:iam::123456789012:role/watcher',
    mode: 'irsa',
  });
  const wanted = new Set(['Namespace', 'ServiceAccount', 'ClusterRole', 'ClusterRoleBinding']);
  for (const object of objects.filter((o) => wanted.has(o.kind))) await createOrThrow(endpoint, object);
  const serviceAccount = objects.find((o) => o.kind === 'ServiceAccount');
  if (!serviceAccount?.metadata.namespace) throw new Error('the manifests have no namespaced ServiceAccount');
  const request = await clients.core.createNamespacedServiceAccountToken({
    name: serviceAccount.metadata.name,
    namespace: serviceAccount.metadata.namespace,
    body: { spec: { audiences: [], expirationSeconds: 3600 } },
  });
  const token = request.status?.token;
  if (!token) throw new Error('TokenRequest returned no token');
  return token;
}
