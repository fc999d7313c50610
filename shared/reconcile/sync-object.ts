/**
 * One desired object: render it from provider values, diff against the live Secret's metadata and
 * the HMAC we recorded, and write only what changed (server-side apply; an immutable Secret is
 * replaced, not patched). The caller records status, events and failures. Every cluster call goes
 * through the pass's session, which fails at once when the cluster went out of reach mid-pass.
 */
import { diffSecret } from '../domain/diff.js';
import { computeDataHmac } from '../domain/hmac.js';
import { OWNER_LABEL, ownerLabelValue } from '../domain/labels.js';
import type { DesiredSnapshot, SyncStatus } from '../domain/records.js';
import { nextRefreshAt } from '../domain/refresh.js';
import type { LiveSecretMeta } from '../ports/cluster-client.js';
import { KubeInvalidError } from '../ports/cluster-client-errors.js';
import { TargetConflictError } from './errors.js';
import { assertNotSystemSecret, assertWriteDelegated, rendersSystemType } from './foreign-target.js';
import { recordedKeyNames } from './owned-keys.js';
import { objectKey, type PassContext, type WorkItem } from './pass-context.js';
import type { ObjectReads } from './read-plan.js';
import { renderObject } from './render-object.js';
import { ReadyReason, readyCondition } from './status-report.js';
import {
  creationPolicyOf,
  fieldManagerOf,
  ownerReferenceMissing,
  sourceOf,
  toManifest,
} from './target-manifest.js';

/** Why an object is worked on in this pass; undefined means it is left alone. */
export type WorkReason = 'requested' | 'new' | 'spec-changed' | 'due' | 'retry' | 'drift' | 'owner-changed';

export function targetNameOf(snapshot: DesiredSnapshot): string {
  return snapshot.spec.target?.name ?? snapshot.name;
}

/**
 * Objects in sync, not due and showing no drift cost nothing: no provider read, no write. Drift is
 * read off the LIST alone: a resourceVersion other than the one our last write left, or a Secret
 * that is gone.
 */
export function workReason(
  ctx: PassContext,
  item: WorkItem & { snapshot: DesiredSnapshot },
): WorkReason | undefined {
  const { snapshot, status } = item;
  if (ctx.request.scope.kind === 'objects') return 'requested';
  if (!status) return 'new';
  if (status.observedGeneration !== snapshot.source.generation) return 'spec-changed';
  const due = status.nextRefreshAt !== undefined && Date.parse(status.nextRefreshAt) <= ctx.now.getTime();
  if (status.ready !== 'True') {
    // The cluster was out of reach last time, not the object: try at once now that it answers.
    if (status.reason === 'ClusterUnreachable' || status.reason === 'ClusterUnauthorized') return 'retry';
    // Other failures retry on their backoff; one without a next attempt time retries every pass.
    return status.nextRefreshAt === undefined || due ? 'retry' : undefined;
  }
  if (due) return 'due';
  const live = ctx.live.secrets.get(objectKey(snapshot.namespace, targetNameOf(snapshot)));
  if (status.writtenResourceVersion !== undefined) {
    if (!live || live.resourceVersion !== status.writtenResourceVersion) return 'drift';
  }
  if (ownerReferenceMissing(snapshot, live)) return 'owner-changed';
  return undefined;
}

export type SyncAction =
  | 'created'
  | 'updated'
  | 'replaced'
  | 'restored'
  | 'unchanged'
  | 'deleted'
  | 'not-managed';

export interface SyncOutcome {
  action: SyncAction;
  drift?: 'edited' | 'deleted';
  status: SyncStatus;
  /** What happened this pass, for the report and the Event (the status message stays stable). */
  message: string;
  /** When the Secret was written, if it was (the rotation latency ends at the last write). */
  wroteAt?: Date;
}

async function liveTarget(
  ctx: PassContext,
  snapshot: DesiredSnapshot,
  targetName: string,
): Promise<LiveSecretMeta | undefined> {
  const listed = ctx.live.secrets.get(objectKey(snapshot.namespace, targetName));
  if (listed) return listed;
  // Merge and None work on someone else's Secret, which carries no label of ours until we write.
  const policy = creationPolicyOf(snapshot);
  if (policy !== 'Merge' && policy !== 'None') return undefined;
  return ctx.client.getSecretMeta(snapshot.namespace, targetName);
}

/** The live Secret carries this object's owner label: we created it (Owner/Orphan). */
function isOurs(snapshot: DesiredSnapshot, live: LiveSecretMeta | undefined): boolean {
  return live !== undefined && live.labels[OWNER_LABEL] === ownerLabelValue(sourceOf(snapshot));
}

export async function syncDesiredObject(
  ctx: PassContext,
  item: WorkItem & { snapshot: DesiredSnapshot },
  reads: ObjectReads,
): Promise<SyncOutcome> {
  const { snapshot, status: previous } = item;
  const policy = creationPolicyOf(snapshot);
  const targetName = targetNameOf(snapshot);
  const rendering = await renderObject(ctx, snapshot, reads);
  let live = await liveTarget(ctx, snapshot, targetName);
  const base = statusBase(ctx, snapshot, previous);

  if (rendering.kind === 'source-gone') {
    // deletionPolicy Delete and every remote key is gone (NotFound, never a failed read).
    if (isOurs(snapshot, live)) {
      await ctx.client.deleteSecret(snapshot.namespace, targetName);
    }
    const message = `the provider no longer has any key of this object; Secret ${targetName} deleted (deletionPolicy Delete)`;
    return {
      action: 'deleted',
      message,
      status: {
        ...base,
        ...condition(ctx, previous, 'False', ReadyReason.deleted, message),
        reason: ReadyReason.deleted,
        message,
        dataHmac: undefined,
        writtenResourceVersion: undefined,
        writtenImmutable: undefined,
        ownedKeys: undefined,
        syncedVersions: undefined,
        lastSyncAt: ctx.now.toISOString(),
        attempts: 0,
        // Keep looking on the usual schedule: the keys may come back.
        ...refreshAfterSync(ctx, snapshot),
      },
    };
  }

  const rendered = rendering.rendered;
  if (!live && rendersSystemType(policy, rendered.type)) {
    // Owner/Orphan with a system type of its own: the API server would let this write adopt an
    // existing Secret of that type (for any other type it refuses the type change), so look first.
    live = await ctx.client.getSecretMeta(snapshot.namespace, targetName);
  }
  const desiredHmac = computeDataHmac(ctx.deps.hmacKey, rendered.data, {
    type: rendered.type,
    labels: rendered.labels,
    annotations: rendered.annotations,
    immutable: rendered.immutable,
  });
  const diff = diffSecret({ desired: rendered, creationPolicy: policy, live, status: previous, desiredHmac });

  let action: SyncAction;
  let resourceVersion = previous?.writtenResourceVersion;
  let wroteAt: Date | undefined;
  if (diff.action === 'conflict' && diff.reason !== 'Immutable') {
    throw new TargetConflictError(
      diff.reason as 'TargetMissing' | 'OwnedByOther' | 'ManagedByEso' | 'ControlledByOther',
      conflictMessage(diff.reason, policy, snapshot.namespace, targetName),
    );
  }
  if (diff.action === 'unchanged' && !ownerReferenceMissing(snapshot, live)) {
    action = diff.reason === 'NotManaged' ? 'not-managed' : 'unchanged';
  } else {
    const manifest = toManifest(snapshot, rendered);
    const fieldManager = fieldManagerOf(snapshot);
    const replace = async () => {
      await ctx.client.deleteSecret(snapshot.namespace, targetName);
      return ctx.client.applySecret(manifest, { fieldManager });
    };
    if (live) {
      await assertWriteDelegated(
        ctx,
        { namespace: snapshot.namespace, name: targetName, policy, ours: isOurs(snapshot, live) },
        live,
        previous,
        reads,
      );
    }
    let written: { resourceVersion: string };
    if (diff.action === 'conflict') {
      // Immutable: its data can only change by re-creation.
      written = await replace();
      action = 'replaced';
    } else {
      try {
        written = await ctx.client.applySecret(manifest, { fieldManager });
        action = diff.drift ? 'restored' : diff.action === 'create' ? 'created' : 'updated';
      } catch (error) {
        if (!(error instanceof KubeInvalidError)) throw error;
        // Owner/Orphan met a Secret we did not know of, and the API server refused to change its
        // type: say so when it is a system Secret, rather than "Invalid".
        if (!live) await assertNotSystemSecret(ctx, snapshot.namespace, targetName);
        // A Secret made immutable out-of-band (or before we recorded it): replace it, unless it is not ours.
        if (!isOurs(snapshot, live)) throw error;
        written = await replace();
        action = 'replaced';
      }
    }
    resourceVersion = written.resourceVersion;
    live = undefined;
    wroteAt = ctx.deps.clock.now();
  }

  // The condition's message stays the same while the object stays synced: no status write, no Event.
  const skipped = skippedNote(reads.skippedByPolicy);
  const message =
    (action === 'not-managed'
      ? `Secret ${targetName} exists; creationPolicy None leaves it as it is`
      : `Secret ${targetName} synced`) + skipped;
  const wrote = policy !== 'None';
  return {
    action,
    ...(diff.drift ? { drift: diff.drift } : {}),
    ...(wroteAt ? { wroteAt } : {}),
    message: describeAction(action, targetName, diff.drift) + skipped,
    status: {
      ...base,
      ...condition(ctx, previous, 'True', ReadyReason.synced, message),
      reason: ReadyReason.synced,
      message,
      dataHmac: wrote ? desiredHmac : undefined,
      writtenResourceVersion: wrote ? resourceVersion : undefined,
      writtenImmutable: wrote ? rendered.immutable : undefined,
      syncedVersions: rendered.versions,
      ownedKeys: wrote ? recordedKeyNames(ctx.deps.hmacKey, snapshot, rendered.data) : undefined,
      lastSyncAt: ctx.now.toISOString(),
      attempts: 0,
      ...refreshAfterSync(ctx, snapshot),
    },
  };
}

/** A count only: the names of keys outside the policy belong to other tenants. */
function skippedNote(skipped: number): string {
  if (skipped === 0) return '';
  return `; ${skipped} ${skipped === 1 ? 'key' : 'keys'} outside the store's policy ${skipped === 1 ? 'was' : 'were'} skipped`;
}

function describeAction(
  action: SyncAction,
  targetName: string,
  drift: 'edited' | 'deleted' | undefined,
): string {
  switch (action) {
    case 'restored':
      return `Secret ${targetName} restored after it was ${drift} out-of-band`;
    case 'replaced':
      return `Secret ${targetName} replaced (immutable Secrets cannot be updated)`;
    case 'not-managed':
      return `Secret ${targetName} exists; creationPolicy None leaves it as it is`;
    case 'unchanged':
      return `Secret ${targetName} in sync`;
    default:
      return `Secret ${targetName} ${action}`;
  }
}

function conflictMessage(reason: string, policy: string, namespace: string, name: string): string {
  const secret = `Secret ${namespace}/${name}`;
  switch (reason) {
    case 'TargetMissing':
      return `${secret} does not exist, and creationPolicy ${policy} does not create it`;
    case 'OwnedByOther':
      return `${secret} belongs to another fleet-secrets object`;
    case 'ManagedByEso':
      return `${secret} is managed by External Secrets Operator`;
    case 'ControlledByOther':
      return `${secret} is controlled by another owner`;
    default:
      return `${secret} cannot be written (${reason})`;
  }
}

function condition(
  ctx: PassContext,
  previous: SyncStatus | undefined,
  status: 'True' | 'False',
  reason: string,
  message: string,
): Pick<SyncStatus, 'ready' | 'conditions'> {
  return {
    ready: status,
    conditions: [readyCondition(previous?.conditions, { status, reason, message }, ctx.now)],
  };
}

/** The parts of a status every outcome shares. */
export function statusBase(
  ctx: PassContext,
  snapshot: DesiredSnapshot,
  previous: SyncStatus | undefined,
): SyncStatus {
  const target = snapshot.spec.target;
  const status: SyncStatus = {
    ...(previous ?? { ready: 'Unknown', reason: '', attempts: 0 }),
    clusterId: snapshot.clusterId,
    namespace: snapshot.namespace,
    name: snapshot.name,
    version: (previous?.version ?? 0) + 1,
    observedGeneration: snapshot.source.generation,
    targetName: targetNameOf(snapshot),
    creationPolicy: target?.creationPolicy ?? 'Owner',
    deletionPolicy: target?.deletionPolicy ?? 'Retain',
    fieldManager: fieldManagerOf(snapshot),
    lastAttemptAt: ctx.now.toISOString(),
  };
  delete status.nextRefreshAt;
  return status;
}

function refreshAfterSync(ctx: PassContext, snapshot: DesiredSnapshot): Pick<SyncStatus, 'nextRefreshAt'> {
  const next = nextRefreshAt({
    lastSyncAt: ctx.now,
    refreshInterval: snapshot.spec.refreshInterval,
    refreshPolicy: snapshot.spec.refreshPolicy,
    objectKey: `${snapshot.clusterId}/${snapshot.namespace}/${snapshot.name}`,
    ...(ctx.deps.minRefreshIntervalMs === undefined ? {} : { minIntervalMs: ctx.deps.minRefreshIntervalMs }),
  });
  return next ? { nextRefreshAt: next.toISOString() } : {};
}
