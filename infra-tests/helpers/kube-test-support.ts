/**
 * Helpers for the integration tests of this adapter and of reconcile: the control plane's RBAC
 * applied as an admin would, and identities that belong to one test file only (a ServiceAccount
 * with a minted token), so parallel files never see each other's bindings.
 * Test code only: nothing in the product imports it.
 */
import { randomBytes } from 'node:crypto';
import type { CoreV1Api, KubernetesObject, RbacAuthorizationV1Api } from '@kubernetes/client-node';
import { KubeConfig, KubernetesObjectApi } from '@kubernetes/client-node';
import {
  CONTROL_PLANE_CLUSTER_ROLE,
  controlPlaneClusterRole,
  controlPlaneClusterRoleBinding,
  controlPlaneRoleBinding,
  type RbacSubject,
} from '../../shared/adapters/kubernetes/rbac.js';

export function randomSuffix(): string {
  return randomBytes(4).toString('hex');
}

/** Server-side applies manifests as the admin (idempotent, so parallel files may apply the same). */
export async function adminApply(adminKubeconfig: string, objects: object[]): Promise<void> {
  const kc = new KubeConfig();
  kc.loadFromFile(adminKubeconfig);
  const api = KubernetesObjectApi.makeApiClient(kc);
  for (const object of objects) {
    await api.patch(
      object as KubernetesObject,
      undefined,
      undefined,
      'fleet-secrets-tests',
      true,
      'application/apply-patch+yaml',
    );
  }
}

export async function applyControlPlaneClusterRole(adminKubeconfig: string): Promise<void> {
  await adminApply(adminKubeconfig, [controlPlaneClusterRole()]);
}

/** Binds the control-plane ClusterRole to `subject` in each namespace only. */
export async function bindInNamespaces(
  adminKubeconfig: string,
  subject: RbacSubject,
  namespaces: string[],
): Promise<void> {
  await applyControlPlaneClusterRole(adminKubeconfig);
  await adminApply(
    adminKubeconfig,
    namespaces.map((ns) =>
      controlPlaneRoleBinding(ns, subject, {
        name: `${CONTROL_PLANE_CLUSTER_ROLE}-${subject.name}`.slice(0, 253),
      }),
    ),
  );
}

/** Binds the control-plane ClusterRole to `subject` cluster-wide; returns how to remove the binding. */
export async function bindClusterWide(
  adminKubeconfig: string,
  subject: RbacSubject,
  rbac: RbacAuthorizationV1Api,
): Promise<() => Promise<unknown>> {
  await applyControlPlaneClusterRole(adminKubeconfig);
  const name = `${CONTROL_PLANE_CLUSTER_ROLE}-${subject.namespace ?? 'user'}-${subject.name}`.slice(0, 253);
  await adminApply(adminKubeconfig, [controlPlaneClusterRoleBinding(subject, { name })]);
  return () => rbac.deleteClusterRoleBinding({ name });
}

export interface ServiceAccountIdentity {
  subject: RbacSubject;
  token: string;
}

/**
 * A ServiceAccount in `namespace` and a token the API server minted for it (TokenRequest): an
 * identity no other test file shares. Deleting the ServiceAccount invalidates the token.
 */
export async function createServiceAccountIdentity(
  core: CoreV1Api,
  namespace: string,
  name = `control-plane-${randomSuffix()}`,
): Promise<ServiceAccountIdentity> {
  await core.createNamespacedServiceAccount({ namespace, body: { metadata: { name } } });
  const request = await core.createNamespacedServiceAccountToken({
    name,
    namespace,
    body: { spec: { audiences: [], expirationSeconds: 3600 } },
  });
  const token = request.status?.token;
  if (!token) throw new Error(`no token minted for ServiceAccount ${namespace}/${name}`);
  return { subject: { kind: 'ServiceAccount', name, namespace }, token };
}
