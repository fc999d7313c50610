/**
 * The RBAC a member cluster grants the control plane's identity: exactly what reconcile and ingest
 * use, nothing more. Cluster-wide with a ClusterRoleBinding, or namespace by namespace with
 * RoleBindings to the same ClusterRole (then the registration lists those namespaces and reconcile
 * LISTs per namespace). Secrets get list (metadata-only in practice, but RBAC cannot say so),
 * create/patch (server-side apply) and delete; no get, no watch, no update.
 */
import { API_GROUP } from '../../domain/schema.js';

export const CONTROL_PLANE_CLUSTER_ROLE = 'fleet-secrets-control-plane';

export interface PolicyRule {
  apiGroups: string[];
  resources: string[];
  verbs: string[];
}

export const CONTROL_PLANE_RULES: readonly PolicyRule[] = [
  { apiGroups: [''], resources: ['secrets'], verbs: ['list', 'create', 'patch', 'delete'] },
  {
    apiGroups: [API_GROUP],
    resources: ['externalsecrets', 'clusterexternalsecrets'],
    verbs: ['get', 'list'],
  },
  { apiGroups: [API_GROUP], resources: ['externalsecrets/status'], verbs: ['patch'] },
  { apiGroups: [''], resources: ['events'], verbs: ['create'] },
  // Cluster-scoped: only effective through a ClusterRoleBinding (namespace selectors need it).
  { apiGroups: [''], resources: ['namespaces'], verbs: ['list'] },
];

export interface RbacSubject {
  kind: 'User' | 'Group' | 'ServiceAccount';
  name: string;
  namespace?: string;
}

export function controlPlaneClusterRole(name = CONTROL_PLANE_CLUSTER_ROLE) {
  return {
    apiVersion: 'rbac.authorization.k8s.io/v1',
    kind: 'ClusterRole',
    metadata: { name, labels: { 'app.kubernetes.io/part-of': 'fleet-secrets' } },
    rules: CONTROL_PLANE_RULES.map((rule) => ({ ...rule })),
  };
}

function subjectOf(subject: RbacSubject) {
  return subject.kind === 'ServiceAccount'
    ? { kind: subject.kind, name: subject.name, namespace: subject.namespace }
    : { kind: subject.kind, name: subject.name, apiGroup: 'rbac.authorization.k8s.io' };
}

/** Grants the role in every namespace. */
export function controlPlaneClusterRoleBinding(
  subject: RbacSubject,
  options: { name?: string; roleName?: string } = {},
) {
  const roleName = options.roleName ?? CONTROL_PLANE_CLUSTER_ROLE;
  return {
    apiVersion: 'rbac.authorization.k8s.io/v1',
    kind: 'ClusterRoleBinding',
    metadata: { name: options.name ?? roleName, labels: { 'app.kubernetes.io/part-of': 'fleet-secrets' } },
    roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: roleName },
    subjects: [subjectOf(subject)],
  };
}

/** Grants the role in one namespace only. */
export function controlPlaneRoleBinding(
  namespace: string,
  subject: RbacSubject,
  options: { name?: string; roleName?: string } = {},
) {
  const roleName = options.roleName ?? CONTROL_PLANE_CLUSTER_ROLE;
  return {
    apiVersion: 'rbac.authorization.k8s.io/v1',
    kind: 'RoleBinding',
    metadata: {
      name: options.name ?? roleName,
      namespace,
      labels: { 'app.kubernetes.io/part-of': 'fleet-secrets' },
    },
    roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: roleName },
    subjects: [subjectOf(subject)],
  };
}
