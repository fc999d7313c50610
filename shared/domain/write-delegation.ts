/**
 * Whether the control plane may write into a Secret it did not create. Merge (and Owner/Orphan
 * adopting an existing Secret) writes into someone else's object; some Secrets belong to the
 * cluster's own machinery, where a foreign key breaks things (Helm reads its release back out of
 * `release`, the token controller and bootstrap tokens are authentication). Those are never
 * written into. A store may also require the Secret's owner to opt in before Merge writes into it.
 */
import type { CreationPolicy } from './schema.js';

/** Types fleet-secrets never merges into or adopts. */
export const SYSTEM_SECRET_TYPES: readonly string[] = [
  'helm.sh/release.v1',
  'kubernetes.io/service-account-token',
  'bootstrap.kubernetes.io/token',
];

/**
 * Set to "true" on a Secret by its owner: Merge may write into it when the store asks for opt-in.
 * Under the reserved prefix, so no template can set it on a Secret fleet-secrets writes.
 */
export const ALLOW_MERGE_ANNOTATION = 'fleet-secrets.io/allow-merge';

export type ForeignWriteRefusal =
  | { reason: 'SystemSecretType'; type: string }
  | { reason: 'MergeNotAllowed'; stores: string[] };

export interface ForeignWriteInput {
  creationPolicy: CreationPolicy;
  /** The existing Secret's type when it is one of SYSTEM_SECRET_TYPES, else undefined. */
  systemType: string | undefined;
  /** The existing Secret's annotations. */
  annotations: Record<string, string>;
  /** Stores the object reads from that set mergeRequiresOptIn. */
  optInStores: readonly string[];
}

/** Why writing into this existing Secret was not delegated to us, or undefined when it was. */
export function refuseForeignWrite(input: ForeignWriteInput): ForeignWriteRefusal | undefined {
  if (input.systemType !== undefined) return { reason: 'SystemSecretType', type: input.systemType };
  if (
    input.creationPolicy === 'Merge' &&
    input.optInStores.length > 0 &&
    input.annotations[ALLOW_MERGE_ANNOTATION] !== 'true'
  ) {
    return { reason: 'MergeNotAllowed', stores: [...input.optInStores].sort() };
  }
  return undefined;
}

export function describeRefusal(refusal: ForeignWriteRefusal, namespace: string, name: string): string {
  const secret = `Secret ${namespace}/${name}`;
  if (refusal.reason === 'SystemSecretType') {
    return `${secret} is of type ${refusal.type}, which fleet-secrets never merges into or adopts`;
  }
  const stores = refusal.stores.map((s) => `"${s}"`).join(', ');
  return `${secret} does not carry the annotation ${ALLOW_MERGE_ANNOTATION}: "true", which store ${stores} requires before creationPolicy Merge writes into it`;
}
