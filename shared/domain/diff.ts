import { ESO_API_GROUP, ESO_CREATED_BY_LABEL, OWNER_LABEL } from './labels.js';
import type { LiveSecretMeta } from './live-secret.js';
import type { SyncStatus } from './records.js';
import type { RenderedSecret } from './rendered-secret.js';
import type { CreationPolicy } from './schema.js';

export type DiffAction = 'create' | 'update' | 'unchanged' | 'conflict';

export type DiffReason =
  /** No live Secret and none written before. */
  | 'Missing'
  /** The rendered Secret differs from what we last wrote (its HMAC changed). */
  | 'Changed'
  /** Someone edited or deleted the Secret since our last write. */
  | 'Drift'
  /** A live Secret we never wrote, not owned by anyone else: we take it over. */
  | 'Adopt'
  | 'InSync'
  /** creationPolicy None: we never write. */
  | 'NotManaged'
  /** creationPolicy None or Merge, and there is no Secret to work on. */
  | 'TargetMissing'
  /** Another fleet-secrets object owns the Secret. */
  | 'OwnedByOther'
  /** A live ESO ExternalSecret controls the Secret. */
  | 'ManagedByEso'
  /** Another controller's ownerReference controls the Secret (Owner/Orphan would fight it). */
  | 'ControlledByOther'
  /** Our last write made the Secret immutable and its content must now change. */
  | 'Immutable';

export interface DiffResult {
  action: DiffAction;
  reason: DiffReason;
  drift?: 'edited' | 'deleted';
}

export interface DiffInput {
  desired: RenderedSecret;
  creationPolicy?: CreationPolicy;
  /** Metadata of the live Secret from the cluster's LIST; absent when there is none. */
  live?: LiveSecretMeta;
  /** What our previous write recorded; absent when we never wrote. */
  status?: Pick<SyncStatus, 'dataHmac' | 'writtenResourceVersion' | 'writtenImmutable'>;
  /** computeDataHmac of `desired` (the caller holds the key). */
  desiredHmac: string;
}

/**
 * Decides what to do about one target Secret from metadata alone: live data is never read back.
 * Drift is a live resourceVersion other than the one our last write left, or a Secret gone
 * after we wrote it; a rewrite is needed when the HMAC of what we would write changed.
 */
export function diffSecret(input: DiffInput): DiffResult {
  const { desired, live, status, desiredHmac } = input;
  const policy = input.creationPolicy ?? 'Owner';

  if (policy === 'None') {
    return live
      ? { action: 'unchanged', reason: 'NotManaged' }
      : { action: 'conflict', reason: 'TargetMissing' };
  }

  if (!live) {
    if (policy === 'Merge') return { action: 'conflict', reason: 'TargetMissing' };
    return status?.writtenResourceVersion
      ? { action: 'create', reason: 'Drift', drift: 'deleted' }
      : { action: 'create', reason: 'Missing' };
  }

  const ours = desired.labels[OWNER_LABEL];
  const liveOwner = live.labels[OWNER_LABEL];
  if (liveOwner !== undefined && liveOwner !== ours) return { action: 'conflict', reason: 'OwnedByOther' };
  const refs = live.ownerReferences ?? [];
  if (refs.some((r) => r.apiVersion.startsWith(`${ESO_API_GROUP}/`))) {
    return { action: 'conflict', reason: 'ManagedByEso' };
  }
  if (policy !== 'Merge') {
    const controller = refs.find((r) => r.controller === true);
    if (controller && !(controller.apiVersion.startsWith('fleet-secrets.io/') && liveOwner === ours)) {
      return { action: 'conflict', reason: 'ControlledByOther' };
    }
  }

  const written = status?.writtenResourceVersion;
  const edited = written !== undefined && live.resourceVersion !== written;
  const changed = status?.dataHmac !== desiredHmac;
  if (status?.writtenImmutable && changed && !edited) return { action: 'conflict', reason: 'Immutable' };
  if (edited) return { action: 'update', reason: 'Drift', drift: 'edited' };
  if (!status?.dataHmac || written === undefined) {
    // We never wrote this Secret (or lost track): adopt it, unless ESO still claims it by label.
    if (live.labels[ESO_CREATED_BY_LABEL] !== undefined && refs.length > 0) {
      return { action: 'conflict', reason: 'ManagedByEso' };
    }
    return { action: 'update', reason: 'Adopt' };
  }
  if (changed) return { action: 'update', reason: 'Changed' };
  return { action: 'unchanged', reason: 'InSync' };
}
