import { parseSecretArn } from '../domain/events/secrets-manager-events.js';
import { FIND_REF_PREFIX } from '../domain/plan.js';
import type { RemoteKeyRef } from '../domain/records.js';
import type { SecretStore } from '../domain/schema.js';

/**
 * The reverse index is keyed by the provider's own identity of a secret, not by the store name a
 * manifest used: a rotation event names a secret (region + name), and must find its dependents
 * with exactly one index query whichever store, alias or ARN spelling each object used.
 */
export function awsIndexPartition(region: string): string {
  return `aws-sm:${region}`;
}

/**
 * Every dataFrom.find of a region shares one index key: a rotation cannot know which find
 * queries would match a name without reading them, so it lists these candidates and tests each
 * one's query (findQueryMayMatch) against the rotated name.
 */
export const ANY_FIND_KEY = '*find*';

export function toIndexRef(ref: RemoteKeyRef, store: SecretStore | undefined): RemoteKeyRef {
  const aws = store?.spec.provider.awsSecretsManager;
  if (aws && ref.key.startsWith(FIND_REF_PREFIX))
    return { storeName: awsIndexPartition(aws.region), key: ANY_FIND_KEY };
  if (aws) {
    const fromArn = parseSecretArn(ref.key);
    return { storeName: awsIndexPartition(fromArn?.region ?? aws.region), key: fromArn?.name ?? ref.key };
  }
  const vault = store?.spec.provider.vault;
  if (vault) return { storeName: `vault:${vault.server}`, key: `${vault.path}/${ref.key}` };
  return ref;
}

export function toIndexRefs(refs: RemoteKeyRef[], stores: Map<string, SecretStore>): RemoteKeyRef[] {
  const seen = new Map<string, RemoteKeyRef>();
  for (const ref of refs) {
    const indexed = toIndexRef(ref, stores.get(ref.storeName));
    seen.set(`${indexed.storeName}\u0000${indexed.key}`, indexed);
  }
  return [...seen.values()];
}
