/**
 * The work of one object in a pass, each returning an ObjectResult and writing nothing but the
 * Secret itself: sync a declared object, remove what a gone object left, or turn a failure into the
 * status that says why (the Secret is left as it is).
 */
import type { SyncStatus } from '../domain/records.js';
import { isClusterWideFailure } from '../ports/cluster-client-errors.js';
import { ObjectSyncError } from './errors.js';
import type { ObjectResult } from './object-result.js';
import type { DesiredItem, PassContext, WorkItem } from './pass-context.js';
import { errorAttributes, failureReasonOf, safeMessage } from './pass-errors.js';
import type { ObjectReads } from './read-plan.js';
import { removeGoneObject } from './remove-object.js';
import { failureBackoffMs, ReadyReason, readyCondition } from './status-report.js';
import { type SyncOutcome, statusBase, syncDesiredObject, targetNameOf } from './sync-object.js';

export async function syncTask(
  ctx: PassContext,
  item: DesiredItem,
  reads: ObjectReads,
): Promise<ObjectResult> {
  if (ctx.session.down) return failureResult(ctx, item, ctx.session.down);
  let outcome: SyncOutcome;
  try {
    outcome = await syncDesiredObject(ctx, item, reads);
  } catch (error) {
    return failureResult(ctx, item, error);
  }
  const wrote = outcome.action !== 'unchanged' && outcome.action !== 'not-managed';
  const attributes = {
    clusterId: item.snapshot.clusterId,
    namespace: item.namespace,
    name: item.name,
    target: targetNameOf(item.snapshot),
    action: outcome.action,
    drift: outcome.drift,
  };
  if (wrote) ctx.log.info('secret written', attributes);
  else ctx.log.debug('secret checked', attributes);
  return {
    report: {
      namespace: item.namespace,
      name: item.name,
      outcome: outcome.action === 'deleted' ? 'deleted' : wrote ? 'synced' : 'unchanged',
      reason: outcome.status.reason,
      message: outcome.message,
      ...(outcome.drift ? { drift: outcome.drift } : {}),
    },
    publish: {
      item,
      status: outcome.status,
      wroteSecret: wrote,
      event: { type: 'Normal', message: outcome.message },
      clusterReachable: true,
    },
    ...(outcome.wroteAt ? { wroteAt: outcome.wroteAt } : {}),
  };
}

export async function removeTask(ctx: PassContext, item: WorkItem): Promise<ObjectResult> {
  const status = item.status as SyncStatus;
  try {
    if (ctx.session.down) throw ctx.session.down;
    const action = await removeGoneObject(ctx, status);
    ctx.log.info('object gone', {
      clusterId: status.clusterId,
      namespace: status.namespace,
      name: status.name,
      action,
    });
    return {
      report: {
        namespace: item.namespace,
        name: item.name,
        outcome: action === 'deleted' || action === 'released' ? 'deleted' : 'unchanged',
        reason: ReadyReason.deleted,
        message: `object removed; Secret ${status.targetName ?? status.name} ${action}`,
      },
      forget: status,
    };
  } catch (error) {
    // The status stays, so the next pass tries again.
    return {
      report: {
        namespace: item.namespace,
        name: item.name,
        outcome: 'failed',
        reason: failureReasonOf(error),
        message: safeMessage(error),
      },
    };
  }
}

/** One object failed: its Secret is left as it is; its status and the cluster say why. */
export function failureResult(
  ctx: PassContext,
  item: WorkItem,
  error: unknown,
  options: { namespaceWide?: boolean } = {},
): ObjectResult {
  const reason = failureReasonOf(error);
  const message = safeMessage(error);
  const report = { namespace: item.namespace, name: item.name, outcome: 'failed' as const, reason, message };
  if (reason === 'InternalError') ctx.log.error('object failed unexpectedly', errorAttributes(error));
  else
    ctx.log.warn('object failed', {
      clusterId: ctx.record.clusterId,
      namespace: item.namespace,
      name: item.name,
      reason,
      message,
    });
  if (!item.snapshot) return { report };
  const previous = item.status;
  // A cluster (or namespace) that stays out of reach is one fact, not a new failure per pass: the
  // statuses already say it, so they are not rewritten, and no backoff grows (nothing was read).
  const same = (isClusterWideFailure(error) || options.namespaceWide === true) && previous?.reason === reason;
  const attempts = same ? previous.attempts : (previous?.attempts ?? 0) + 1;
  const told = same ? (previous.message ?? message) : message;
  const status: SyncStatus = {
    ...statusBase(ctx, item.snapshot, previous),
    ready: 'False',
    reason,
    message: told,
    conditions: [
      readyCondition(
        previous?.conditions,
        { status: 'False', reason: ReadyReason.error, message: `${reason}: ${told}` },
        ctx.now,
      ),
    ],
    attempts,
    nextRefreshAt:
      same && previous.nextRefreshAt
        ? previous.nextRefreshAt
        : new Date(ctx.now.getTime() + failureBackoffMs(attempts)).toISOString(),
  };
  // Keep what we know about the Secret we wrote last time: it is still there, untouched.
  for (const field of [
    'dataHmac',
    'writtenResourceVersion',
    'writtenImmutable',
    'ownedKeys',
    'syncedVersions',
    'lastSyncAt',
  ] as const) {
    if (previous?.[field] === undefined) delete status[field];
  }
  // Nothing to tell the cluster through a door that is known to be shut.
  const clusterReachable =
    !isClusterWideFailure(error) &&
    options.namespaceWide !== true &&
    !(error instanceof ObjectSyncError && error.reason === 'ClusterMisconfigured');
  return {
    report,
    publish: {
      item: item as DesiredItem,
      status,
      wroteSecret: false,
      event: { type: 'Warning', message: `${reason}: ${message}` },
      clusterReachable,
    },
  };
}
