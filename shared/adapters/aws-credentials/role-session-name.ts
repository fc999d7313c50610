import { createHash } from 'node:crypto';
import type { ReadContext } from '../../ports/secret-provider.js';

/** STS accepts 2-64 characters of [\w+=,.@-] in a RoleSessionName. */
export const ROLE_SESSION_NAME_MAX = 64;
const DISALLOWED = /[^\w+=,.@-]/g;
const HASH_CHARS = 8;

/**
 * The session name is what CloudTrail shows as the caller of every Secrets Manager read, so it
 * says which cluster (and namespace, when a read serves one) asked: `fleet-secrets@prod-eu-1.payments`.
 * Names too long for STS keep a readable head and end with a hash of the whole, so two long
 * cluster names never collapse into one session (and one cached credential).
 */
export function roleSessionName(ctx: ReadContext, prefix = 'fleet-secrets'): string {
  const scope = [ctx.clusterId, ctx.namespace].filter((part): part is string => !!part).join('.');
  const full = (scope ? `${prefix}@${scope}` : prefix).replace(DISALLOWED, '-');
  if (full.length < 2) return `${full}--`.slice(0, 2);
  if (full.length <= ROLE_SESSION_NAME_MAX) return full;
  const hash = createHash('sha256').update(full).digest('hex').slice(0, HASH_CHARS);
  return `${full.slice(0, ROLE_SESSION_NAME_MAX - HASH_CHARS - 1)}-${hash}`;
}
