/** KV secrets engine version: v1 stores one document per path, v2 keeps versions under data/ and metadata/. */
export type KvVersion = 'v1' | 'v2';

/** A key that cannot name a KV entry; the message names the key and the reason. */
export class InvalidVaultKeyError extends Error {
  override readonly name = 'InvalidVaultKeyError';
}

function trimSlashes(path: string): string {
  return path.replace(/^\/+|\/+$/g, '');
}

/**
 * The key relative to the mount. Users write it as ESO accepts it: `app/db`, `/app/db`, or with
 * the mount in front, `secret/app/db`, and on v2 also `secret/data/app/db` (what the Vault CLI
 * shows); `data/` is only stripped after the mount, so a top-level folder named `data` stays
 * readable. Dot segments are refused: HTTP clients resolve `..` before sending, which would let
 * a key reach other Vault endpoints with the store's token.
 */
export function relativeKey(mount: string, kv: KvVersion, key: string): string {
  const m = trimSlashes(mount);
  let rel = trimSlashes(key);
  if (m && rel.startsWith(`${m}/`)) {
    rel = trimSlashes(rel.slice(m.length));
    if (kv === 'v2') {
      for (const segment of ['data', 'metadata']) {
        if (rel === segment || rel.startsWith(`${segment}/`)) {
          rel = rel.slice(segment.length + 1);
          break;
        }
      }
    }
  }
  return checkSegments(key, rel);
}

/**
 * The key a find reports for an entry listed at `rel`: as is, unless it begins with the mount's
 * own name, where `relativeKey` would strip that; then the full form, which reads back exactly.
 */
export function keyForListed(mount: string, kv: KvVersion, rel: string): string {
  const m = trimSlashes(mount);
  if (!m || !rel.startsWith(`${m}/`)) return rel;
  return kv === 'v2' ? `${m}/data/${rel}` : `${m}/${rel}`;
}

function checkSegments(key: string, rel: string): string {
  if (!rel) throw new InvalidVaultKeyError(`key "${key}" names no secret`);
  for (const segment of rel.split('/')) {
    if (segment === '' || segment === '.' || segment === '..') {
      throw new InvalidVaultKeyError(`key "${key}" has an empty or dot segment`);
    }
  }
  return rel;
}

function encode(path: string): string {
  return path.split('/').map(encodeURIComponent).join('/');
}

/** Path (after /v1/) that reads a secret, with `?version=` for a pinned v2 version. */
export function readPath(mount: string, kv: KvVersion, key: string, version?: number): string {
  const m = encode(trimSlashes(mount));
  const rel = encode(relativeKey(mount, kv, key));
  if (kv === 'v1') return `${m}/${rel}`;
  return `${m}/data/${rel}${version === undefined ? '' : `?version=${version}`}`;
}

export function metadataPath(mount: string, key: string): string {
  return `${encode(trimSlashes(mount))}/metadata/${encode(relativeKey(mount, 'v2', key))}`;
}

/** Path to LIST the entries of a folder relative to the mount (`''` = its root); ends with a slash. */
export function listPath(mount: string, kv: KvVersion, folder: string): string {
  const m = encode(trimSlashes(mount));
  const f = trimSlashes(folder);
  const base = kv === 'v1' ? m : `${m}/metadata`;
  return f ? `${base}/${encode(checkSegments(folder, f))}/` : `${base}/`;
}

/**
 * ESO's remoteRef.version for Vault: a positive integer pins a v2 version; nothing (or "latest")
 * reads the newest. Returns undefined for the newest, or throws naming the key.
 */
export function parseKvVersion(kv: KvVersion, key: string, version: string | undefined): number | undefined {
  if (version === undefined || version === '' || version === 'latest') return undefined;
  if (kv === 'v1')
    throw new InvalidVaultKeyError(`key "${key}": KV v1 has no versions, yet "${version}" was asked`);
  if (!/^[1-9]\d{0,9}$/.test(version)) {
    throw new InvalidVaultKeyError(`key "${key}": version "${version}" is not a positive integer`);
  }
  return Number(version);
}
