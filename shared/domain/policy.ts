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
  const reader = checkReaderAccess(store, cluster, namespace);
  return reader.allowed ? checkKeyAccess(store, key) : reader;
}

/** May `namespace` in `cluster` read from `store` at all (whatever the key)? */
export function checkReaderAccess(
  store: SecretStore,
  cluster: { clusterId: string; labels: Record<string, string> },
  namespace: string,
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
  return { allowed: true };
}

/** Do the store's key globs allow `key` (the reader being allowed)? */
export function checkKeyAccess(store: SecretStore, key: string): AccessDecision {
  const storeName = store.metadata.name;
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
  if (!(store.spec.accessPolicy?.keys ?? []).some((p) => matchesKeyGlob(p, key))) {
    return deny(`key "${key}" is not allowed by accessPolicy.keys of store "${storeName}"`);
  }
  return { allowed: true };
}

/**
 * The literal prefixes every allowed key starts with (the text of each key glob before its first
 * wildcard), so a find can list only under them instead of enumerating the whole store. Undefined
 * when a glob starts with a wildcard (any key may be allowed); [] when no key is allowed.
 */
export function allowedKeyPrefixes(store: SecretStore): string[] | undefined {
  const prefixes: string[] = [];
  for (const glob of store.spec.accessPolicy?.keys ?? []) {
    const wildcard = glob.search(/[*?]/);
    const prefix = wildcard < 0 ? glob : glob.slice(0, wildcard);
    if (prefix === '') return undefined;
    prefixes.push(prefix);
  }
  // A prefix that extends another lists nothing the shorter one does not.
  return [...new Set(prefixes)].sort().filter((p, i, all) => !all.slice(0, i).some((q) => p.startsWith(q)));
}

/**
 * The name prefixes a find lists: its own prefix (a path), narrowed to the reader's allowed
 * prefixes, keeping the narrower of each overlapping pair. Undefined = no restriction at all;
 * [] = nothing the reader may see can match, so nothing needs listing.
 */
export function listingPrefixes(
  own: string | undefined,
  allowed: string[] | undefined,
): string[] | undefined {
  if (allowed === undefined) return own ? [own] : undefined;
  if (!own) return allowed;
  if (allowed.some((p) => own.startsWith(p))) return [own];
  return allowed.filter((p) => p.startsWith(own));
}

function deny(reason: string): AccessDecision {
  return { allowed: false, reason };
}
