/**
 * What a registration may say about how the control plane authenticates to a cluster. Each auth
 * type has exactly its fields; anything else is refused with the field's path, because a
 * registration decides where the control plane sends a credential.
 */
import type { ClusterAuth } from './records.js';

export type ClusterAuthType = ClusterAuth['type'];
export const CLUSTER_AUTH_TYPES: readonly ClusterAuthType[] = ['eks', 'token', 'kubeconfig'];

export interface AuthIssue {
  field: string;
  message: string;
}

export type AuthValidation = { ok: true; value: ClusterAuth } | { ok: false; issue: AuthIssue };

const EKS_CLUSTER_NAME = /^[A-Za-z0-9][A-Za-z0-9_-]{0,99}$/;
const REGION = /^[a-z]{2}(-[a-z]+)+-\d$/;
const ROLE_ARN = /^arn:aws[a-z-]*:iam::\d{12}:role\/[\w+=,.@/-]{1,512}$/;
const SECRET_ID = /^[\w/+=.@:-]{1,2048}$/;
const SECRET_ARN = /^arn:aws[a-z-]*:secretsmanager:[a-z0-9-]+:\d{12}:secret:(.+)$/;

const FIELDS: Record<ClusterAuthType, { required: string[]; optional: string[] }> = {
  eks: { required: ['clusterName', 'region'], optional: ['roleArn'] },
  token: { required: ['secretId'], optional: [] },
  kubeconfig: { required: ['path'], optional: ['context'] },
};

const PATTERNS: Record<string, [RegExp, string]> = {
  clusterName: [EKS_CLUSTER_NAME, 'an EKS cluster name (letters, digits, _ and -; at most 100)'],
  region: [REGION, 'an AWS region name'],
  roleArn: [ROLE_ARN, 'an IAM role ARN'],
  secretId: [SECRET_ID, 'a Secrets Manager secret name or ARN'],
};

function fail(field: string, message: string): AuthValidation {
  return { ok: false, issue: { field, message } };
}

/** Checks `auth` against the allowed types (`allowed`: what this deployment serves). */
export function validateClusterAuth(
  auth: unknown,
  allowed: readonly ClusterAuthType[] = CLUSTER_AUTH_TYPES,
): AuthValidation {
  if (typeof auth !== 'object' || auth === null || Array.isArray(auth)) {
    return fail('auth', 'required: an object with a type');
  }
  const record = auth as Record<string, unknown>;
  const type = record.type;
  if (typeof type !== 'string' || !allowed.includes(type as ClusterAuthType)) {
    return fail('auth.type', `must be one of ${allowed.join(', ')}`);
  }
  const { required, optional } = FIELDS[type as ClusterAuthType];
  for (const field of Object.keys(record)) {
    if (field !== 'type' && !required.includes(field) && !optional.includes(field)) {
      return fail(`auth.${field}`, `is not a field of auth type ${type}`);
    }
  }
  for (const field of [...required, ...optional]) {
    const value = record[field];
    if (value === undefined && optional.includes(field)) continue;
    if (typeof value !== 'string' || value.length === 0) return fail(`auth.${field}`, 'required: a string');
    const rule = PATTERNS[field];
    if (rule && !rule[0].test(value)) return fail(`auth.${field}`, `must be ${rule[1]}`);
  }
  return { ok: true, value: record as unknown as ClusterAuth };
}

/**
 * Whether a token secret lies under the cluster's own credential path, `<prefix><clusterId>/`:
 * a registration can then only point the control plane at a token kept for that cluster, never
 * at another cluster's token or at some other secret of the control plane.
 */
export function isUnderClusterCredentialPath(secretId: string, prefix: string, clusterId: string): boolean {
  const name = SECRET_ARN.exec(secretId)?.[1] ?? secretId;
  const path = `${prefix}${clusterId}/`;
  if (!name.startsWith(path) || name.length === path.length) return false;
  return name
    .slice(path.length)
    .split('/')
    .every((segment) => segment !== '' && segment !== '.' && segment !== '..');
}
