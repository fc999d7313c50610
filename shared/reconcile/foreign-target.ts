/**
 * The check before writing into a Secret whose current state is not our own write: a Merge
 * target, an existing Secret that Owner/Orphan would adopt, or one of ours that was replaced or
 * edited since. System Secrets (Helm releases, ServiceAccount and bootstrap tokens) are never
 * written into; a store with mergeRequiresOptIn needs the Secret's own opt-in before Merge.
 * The type is learnt from field-selector LISTs of metadata: Secret data is never read.
 */
import type { SyncStatus } from '../domain/records.js';
import type { CreationPolicy } from '../domain/schema.js';
import { describeRefusal, refuseForeignWrite, SYSTEM_SECRET_TYPES } from '../domain/write-delegation.js';
import type { ClusterClient, LiveSecretMeta } from '../ports/cluster-client.js';
import { TargetConflictError } from './errors.js';
import { type PassContext, storeOf } from './pass-context.js';
import type { ObjectReads } from './read-plan.js';

/**
 * The live Secret's type when it is a system type. One LIST when it is not (the common case);
 * when it is, one more per candidate type, to name it.
 */
export async function systemSecretTypeOf(
  client: ClusterClient,
  namespace: string,
  name: string,
): Promise<string | undefined> {
  if (await client.getSecretMeta(namespace, name, { notTypes: SYSTEM_SECRET_TYPES })) return undefined;
  for (const type of SYSTEM_SECRET_TYPES) {
    if (await client.getSecretMeta(namespace, name, { type })) return type;
  }
  // Gone in between: nothing of anyone's to protect.
  return undefined;
}

/**
 * Owner/Orphan rendering a system type itself: the one case where a write would silently adopt an
 * existing system Secret, since for any other type the API server refuses to change a Secret's type.
 */
export function rendersSystemType(policy: CreationPolicy, renderedType: string): boolean {
  return (policy === 'Owner' || policy === 'Orphan') && SYSTEM_SECRET_TYPES.includes(renderedType);
}

/** Throws SystemSecretType when the named Secret is a system Secret (after a refused write). */
export async function assertNotSystemSecret(
  ctx: PassContext,
  namespace: string,
  name: string,
): Promise<void> {
  const type = await systemSecretTypeOf(ctx.client, namespace, name);
  if (type === undefined) return;
  const refusal = { reason: 'SystemSecretType', type } as const;
  throw new TargetConflictError(refusal.reason, describeRefusal(refusal, namespace, name));
}

async function optInStoresOf(ctx: PassContext, reads: ObjectReads): Promise<string[]> {
  const names = [...new Set([...reads.plan.reads, ...reads.plan.finds].map((r) => r.storeName))];
  const stores = await Promise.all(names.map(async (name) => ({ name, store: await storeOf(ctx, name) })));
  return stores.filter(({ store }) => store?.spec.mergeRequiresOptIn === true).map(({ name }) => name);
}

export interface WriteTarget {
  namespace: string;
  name: string;
  policy: CreationPolicy;
  /** The live Secret carries this object's owner label (Owner/Orphan created it). */
  ours: boolean;
}

/** Throws TargetConflictError when writing into `live` was not delegated to this object. */
export async function assertWriteDelegated(
  ctx: PassContext,
  target: WriteTarget,
  live: LiveSecretMeta,
  previous: SyncStatus | undefined,
  reads: ObjectReads,
): Promise<void> {
  // A Secret we created, or as our last write left it, was checked before that write, and a
  // Secret's type never changes: no request for the common rotation and drift cases.
  const checkedBefore =
    target.ours ||
    (previous?.writtenResourceVersion !== undefined &&
      previous.writtenResourceVersion === live.resourceVersion);
  const systemType = checkedBefore
    ? undefined
    : await systemSecretTypeOf(ctx.client, target.namespace, target.name);
  const refusal = refuseForeignWrite({
    creationPolicy: target.policy,
    systemType,
    annotations: live.annotations,
    optInStores: target.policy === 'Merge' ? await optInStoresOf(ctx, reads) : [],
  });
  if (refusal) {
    throw new TargetConflictError(refusal.reason, describeRefusal(refusal, target.namespace, target.name));
  }
}
