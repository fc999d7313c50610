import { matchesKeyGlob, matchesNameGlob } from './glob.js';
import { matchesLabelSelector } from './label-selector.js';
import { reservedPrefixOf } from './reserved-keys.js';
import type { SecretStore } from './schema.js';

export type AccessDecision = { allowed: true } | { allowed: false; reason: string };

/**
 * May `namespace` in `cluster` read `key` from `store`? Deny by default: a store without an
 * accessPolicy, or a policy without clusterSelector, namespaces or keys, allows nobody. This is
 * checked per object at reconcile time, whatever created the object (ExternalSecret,
 * ClusterExternalSecret, FleetExternalSecret), so no fan-out kind widens what a namespace reads.
 */
export function checkAccess(
  store: SecretStore,
  cluster: { clusterId: string; labels: Record<string, string> },
  namespace: string,
  key: string,
): AccessDecision {
  const storeName = store.metadata.name;
  const policy = store.spec.accessPolicy;
  if (!policy) return deny(`store "${storeName}" has no accessPolicy, so it allows nobody`);
  if (!policy.clusterSelector) {
    return deny(`store "${storeName}" has no accessPolicy.clusterSelector, so it allows no cluster`);
  }
  if (!matchesLabelSelector(policy.clusterSelector, cluster.labels)) {
    return deny(
      `cluster "${cluster.clusterId}" does not match accessPolicy.clusterSelector of store "${storeName}"`,
    );
  }
  if (!(policy.namespaces ?? []).some((p) => matchesNameGlob(p, namespace))) {
    return deny(`namespace "${namespace}" is not allowed by accessPolicy.namespaces of store "${storeName}"`);
  }
  if (key === '' || key.split('/').some((seg) => seg === '..' || seg === '.')) {
    // Providers may normalise "a/../b"; a glob must never be escaped by path tricks.
    return deny(`key "${key}" is not a plain path`);
  }
  const reserved = reservedPrefixOf(key);
  if (reserved !== undefined) {
    // Whatever the policy says: these are the control plane's own credentials (see reserved-keys.ts).
    return deny(
      `key "${key}" is under "${reserved}", reserved for the control plane's own secrets; no store may read it`,
    );
  }
  if (!(policy.keys ?? []).some((p) => matchesKeyGlob(p, key))) {
    return deny(`key "${key}" is not allowed by accessPolicy.keys of store "${storeName}"`);
  }
  return { allowed: true };
}

function deny(reason: string): AccessDecision {
  return { allowed: false, reason };
}
