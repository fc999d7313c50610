/**
 * Where the control plane keeps its own secrets (store credentials, cluster credentials, watcher
 * keys) and why no store may hand them out. A store's accessPolicy is written by people, and ESO
 * imports arrive with `keys: ["**"]`; if the control plane's secrets sat under a store prefix, one
 * ExternalSecret could copy a cluster token (cluster-wide Secret write) into a tenant namespace.
 * So they live under their own prefix, which the provider's reader role may not read (IAM), the
 * stack refuses to overlap with store prefixes (synth), and every key check refuses (here).
 */

/** Secrets Manager name prefix of every secret the control plane reads for itself. */
export const CONTROL_PLANE_INTERNAL_PREFIX = 'fleet-secrets-internal/';

/** Vault tokens and AppRole secret ids that store records name by key. */
export const STORE_CREDENTIALS_PREFIX = `${CONTROL_PLANE_INTERNAL_PREFIX}store-credentials/`;

/** Tokens and keys of member clusters: `<prefix><clusterId>/...`. */
export const CLUSTER_CREDENTIALS_PREFIX = `${CONTROL_PLANE_INTERNAL_PREFIX}clusters/`;

/**
 * Earlier releases kept credentials here, inside the default store prefix `fleet-secrets/`. They
 * stay reserved so a deployment that has not moved them yet is not exposed by the move.
 */
const LEGACY_RESERVED_PREFIXES = ['fleet-secrets/store-credentials/', 'fleet-secrets/clusters/'];

export const RESERVED_KEY_PREFIXES: readonly string[] = [
  CONTROL_PLANE_INTERNAL_PREFIX,
  ...LEGACY_RESERVED_PREFIXES,
];

/** `arn:<partition>:secretsmanager:<region>:<account>:secret:<name>`: a key may be an ARN. */
const SECRET_ARN = /^arn:[^:]*:secretsmanager:[^:]*:[^:]*:secret:(.*)$/;

/** The secret name a key refers to: the key itself, or the name inside a Secrets Manager ARN. */
function secretNameOf(key: string): string {
  return SECRET_ARN.exec(key)?.[1] ?? key;
}

/** The reserved prefix `key` falls under (as a name or inside an ARN), if any. */
export function reservedPrefixOf(key: string): string | undefined {
  const name = secretNameOf(key).replace(/^\/+/, '');
  return RESERVED_KEY_PREFIXES.find((p) => name.startsWith(p) || `${name}/` === p);
}

/** Whether two name prefixes can name a common secret: one starts with the other. */
export function prefixesOverlap(a: string, b: string): boolean {
  return a.startsWith(b) || b.startsWith(a);
}

/**
 * Whether a key glob names the internal prefix: its literal part before the first wildcard
 * overlaps it (`fleet-secrets-internal/**`, `fleet-secrets-int*`). Such a policy is a mistake
 * and is refused when the store is defined. A glob that is all wildcards (`**`) names nothing in
 * particular, and `fleet-secrets/**` must stay usable although legacy reserved prefixes sit under
 * it: the per-key hard deny (reservedPrefixOf) keeps both off every reserved key.
 */
export function globNamesInternalPrefix(pattern: string): boolean {
  const literal = secretNameOf(pattern).replace(/^\/+/, '').split(/[*?]/, 1)[0] ?? '';
  return literal !== '' && prefixesOverlap(literal, CONTROL_PLANE_INTERNAL_PREFIX);
}
