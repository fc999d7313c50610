/**
 * The three places an object's sync result is told: the state store's SyncStatus (the control
 * plane's memory), the ExternalSecret's status subresource (what `kubectl get externalsecrets`
 * shows, in ESO's words) and Kubernetes Events. None of them ever carries a value.
 */
import type { ReadyStatus, SyncStatus } from '../domain/records.js';
import type { Condition, ExternalSecretStatus } from '../domain/schema.js';

/** ESO's Ready condition reasons: users' dashboards and alerts already know them. */
export const ReadyReason = {
  synced: 'SecretSynced',
  error: 'SecretSyncedError',
  deleted: 'SecretDeleted',
} as const;

/** Finer reasons the state store keeps for a failed object (the condition says SecretSyncedError). */
export type FailureReason =
  | 'ClusterUnreachable'
  | 'ClusterUnauthorized'
  | 'ClusterMisconfigured'
  | 'Forbidden'
  | 'NamespaceNotRegistered'
  | 'AccessDenied'
  | 'StoreNotFound'
  | 'ProviderError'
  | 'RenderError'
  | 'TargetMissing'
  | 'OwnedByOther'
  | 'ManagedByEso'
  | 'ControlledByOther'
  | 'SystemSecretType'
  | 'MergeNotAllowed'
  | 'Invalid'
  | 'Conflict'
  | 'InternalError';

/** The Ready condition, keeping lastTransitionTime while the status does not flip. */
export function readyCondition(
  previous: Condition[] | undefined,
  next: { status: ReadyStatus; reason: string; message: string },
  now: Date,
): Condition {
  const before = previous?.find((c) => c.type === 'Ready');
  return {
    type: 'Ready',
    status: next.status,
    reason: next.reason,
    message: next.message,
    lastTransitionTime:
      before && before.status === next.status && before.lastTransitionTime
        ? before.lastTransitionTime
        : now.toISOString(),
  };
}

/** What users see change: a new Ready status, reason or message. */
export function visibleChange(before: SyncStatus | undefined, after: SyncStatus): boolean {
  const a = before?.conditions?.find((c) => c.type === 'Ready');
  const b = after.conditions?.find((c) => c.type === 'Ready');
  return a?.status !== b?.status || a?.reason !== b?.reason || a?.message !== b?.message;
}

/** The status subresource of an in-cluster ExternalSecret, in ESO's shape. */
export function externalSecretStatus(
  status: SyncStatus,
  syncedResourceVersion: string,
): ExternalSecretStatus {
  const out: ExternalSecretStatus = {
    conditions: (status.conditions ?? []).map((c) => ({ ...c })),
  };
  if (status.lastSyncAt) out.refreshTime = status.lastSyncAt;
  if (status.ready === 'True') out.syncedResourceVersion = syncedResourceVersion;
  if (status.targetName) out.binding = { name: status.targetName };
  return out;
}

/**
 * Whether a status item must be written: anything but the bookkeeping of the attempt itself
 * changed. A pass that only looked (in sync, nothing rescheduled) writes nothing.
 */
export function statusChanged(before: SyncStatus | undefined, after: SyncStatus): boolean {
  if (!before) return true;
  const pick = (s: SyncStatus) =>
    canonicalJson([
      s.observedGeneration,
      s.ready,
      s.reason,
      s.message,
      s.conditions,
      s.targetName,
      s.dataHmac,
      s.writtenResourceVersion,
      s.writtenImmutable,
      s.syncedVersions,
      s.ownedKeys,
      s.creationPolicy,
      s.deletionPolicy,
      s.fieldManager,
      s.attempts,
      s.nextRefreshAt,
    ]);
  return pick(before) !== pick(after);
}

/** Retry delay of a failed object: 30 s doubling per attempt, at most 10 minutes. */
export function failureBackoffMs(attempts: number): number {
  return Math.min(30_000 * 2 ** Math.max(0, attempts - 1), 10 * 60_000);
}

/** JSON with object keys sorted and undefined members dropped: stores may hand maps back in any order. */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) =>
    v && typeof v === 'object' && !Array.isArray(v)
      ? Object.fromEntries(
          Object.entries(v as Record<string, unknown>)
            .filter(([, x]) => x !== undefined)
            .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)),
        )
      : v,
  );
}
