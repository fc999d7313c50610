/**
 * reconcileCluster: one pass over one cluster, the core loop of the control plane.
 *
 *   state (snapshots + statuses) -> one metadata LIST of our Secrets -> which objects need work
 *   -> access policy -> provider reads (coalesced, batched) -> render -> diff by HMAC and
 *   recorded resourceVersion -> server-side apply of what changed -> status + events.
 *
 * Isolation: one object's failure (a missing key, a store policy, RBAC in its namespace) marks
 * that object and the pass goes on. An unreachable cluster fails fast (bounded request timeouts)
 * and its Secrets are left as they are. A failed provider read never deletes anything.
 */
import { RenderError } from '../domain/errors.js';
import type { ClusterHealthState, DesiredSnapshot, ReconcileRequest, SyncStatus } from '../domain/records.js';
import type { ClusterClient } from '../ports/cluster-client.js';
import {
  ClusterConfigError,
  isClusterWideFailure,
  KubeApiError,
  KubeConflictError,
  KubeForbiddenError,
  KubeInvalidError,
  KubeNotFoundError,
  KubeUnauthorizedError,
} from '../ports/cluster-client-errors.js';
import { StatusConflictError } from '../ports/state-store-errors.js';
import { countingClusterClient } from './counting-cluster-client.js';
import { ObjectSyncError } from './errors.js';
import { listLiveSecrets } from './live-listing.js';
import { objectKey, type PassContext, silentLogger, type WorkItem } from './pass-context.js';
import { ProviderReader, type ProviderReaderStats } from './provider-reader.js';
import { type ObjectReads, planObjectReads, startReads } from './read-plan.js';
import { removeGoneObject } from './remove-object.js';
import {
  externalSecretStatus,
  type FailureReason,
  failureBackoffMs,
  ReadyReason,
  readyCondition,
  statusChanged,
  visibleChange,
} from './status-report.js';
import { type SyncOutcome, statusBase, syncDesiredObject, targetNameOf, workReason } from './sync-object.js';
import type { ApiserverCounts, ObjectReport, PassOutcome, ReconcileDeps, ReconcileResult } from './types.js';

type Desired = WorkItem & { snapshot: DesiredSnapshot };

export async function reconcileCluster(
  deps: ReconcileDeps,
  request: ReconcileRequest,
): Promise<ReconcileResult> {
  const startedAt = deps.clock.now();
  const log = deps.logger ?? silentLogger;
  const { clusterId } = request;
  const reader = deps.reader ?? new ProviderReader({ factory: deps.providers, context: { clusterId } });
  const readerBaseline = deps.reader ? reader.stats() : undefined;
  const reports: ObjectReport[] = [];
  const counters = { statusWrites: 0, lastWriteAt: undefined as Date | undefined };
  let apiserver: () => ApiserverCounts = () => ({ reads: 0, writes: 0, byAction: {} });
  let rendered = 0;

  const finish = (outcome: PassOutcome, objects: number): ReconcileResult => {
    const count = (o: ObjectReport['outcome']) => reports.filter((r) => r.outcome === o).length;
    const trigger = request.trigger?.eventTime ? Date.parse(request.trigger.eventTime) : Number.NaN;
    const result: ReconcileResult = {
      clusterId,
      outcome,
      objects,
      synced: count('synced'),
      unchanged: count('unchanged'),
      deleted: count('deleted'),
      failed: count('failed'),
      driftRestored: reports.filter((r) => r.outcome === 'synced' && r.drift).length,
      rendered,
      provider: subtractStats(reader.stats(), readerBaseline),
      apiserver: apiserver(),
      statusWrites: counters.statusWrites,
      reports,
      durationMs: deps.clock.now().getTime() - startedAt.getTime(),
    };
    if (request.reason === 'rotation' && counters.lastWriteAt && Number.isFinite(trigger)) {
      result.rotationLatencyMs = Math.max(0, counters.lastWriteAt.getTime() - trigger);
    }
    // ObjectsSynced / SyncFailures / RotationLatencyMs are the handler's (from this result).
    deps.metrics?.addMetric('DriftRestored', 'Count', result.driftRestored);
    deps.metrics?.addMetric('ApiserverWrites', 'Count', result.apiserver.writes);
    deps.metrics?.addMetric('ProviderBatches', 'Count', result.provider.calls);
    log.info('reconcile pass finished', {
      clusterId,
      outcome,
      objects,
      synced: result.synced,
      unchanged: result.unchanged,
      deleted: result.deleted,
      failed: result.failed,
      driftRestored: result.driftRestored,
      apiserverReads: result.apiserver.reads,
      apiserverWrites: result.apiserver.writes,
      providerCalls: result.provider.calls,
    });
    return result;
  };

  const record = await deps.state.getCluster(clusterId);
  if (!record) {
    log.warn('reconcile of an unregistered cluster skipped', { clusterId });
    return finish('cluster-unknown', 0);
  }
  const [snapshots, statuses] = await Promise.all([
    deps.state.listSnapshots(clusterId),
    deps.state.listStatuses(clusterId),
  ]);
  const work = selectWork(request, snapshots, statuses);

  const ctx: PassContext = {
    deps,
    request,
    record,
    client: undefined as unknown as ClusterClient,
    reader,
    log,
    now: startedAt,
    live: { secrets: new Map(), failedNamespaces: new Map() },
    clusterDown: undefined,
    stores: new Map(),
    counters,
  };

  // Each failure is recorded on its object; the cluster's health tells the pass as a whole.
  const failEverything = async (error: Error, outcome: PassOutcome) => {
    await Promise.all(work.map((item) => recordFailure(ctx, item, error, reports)));
    await setHealth(ctx, healthOf(error), error.message);
    return finish(outcome, work.length);
  };

  try {
    const counted = countingClusterClient(await deps.clusters.forRecord(record));
    ctx.client = counted.client;
    apiserver = counted.counts;
  } catch (error) {
    const wrapped = error instanceof Error ? error : new Error(String(error));
    const failure = new ObjectSyncError('ClusterMisconfigured', wrapped.message);
    if (!(error instanceof ClusterConfigError))
      log.error('building the cluster client failed', errorAttributes(error));
    return failEverything(failure, 'cluster-misconfigured');
  }
  if (work.length === 0) {
    await setHealth(ctx, 'Healthy');
    return finish('completed', 0);
  }

  const listing = await listLiveSecrets(ctx.client, record, request.scope, work);
  if (!listing.ok) {
    log.warn('listing managed Secrets failed; nothing changed in the cluster', {
      clusterId,
      ...errorAttributes(listing.error),
    });
    return failEverything(listing.error, passOutcomeOf(listing.error));
  }
  ctx.live = listing.live;

  // Which objects need their values read: the rest are in sync and not due (no provider read).
  const desired = work.filter((w): w is Desired => w.snapshot !== undefined);
  const toRender: Array<{ item: Desired; reads: Promise<ObjectReads> }> = [];
  const blocked: Array<{ item: Desired; error: Error }> = [];
  for (const item of desired) {
    // A namespace we may not list (RBAC, not registered) is reported before any value is read.
    const namespaceError = ctx.live.failedNamespaces.get(item.namespace);
    if (namespaceError) {
      blocked.push({ item, error: namespaceError });
      continue;
    }
    const why = workReason(ctx, item);
    if (!why) {
      reports.push({
        namespace: item.namespace,
        name: item.name,
        outcome: 'unchanged',
        reason: ReadyReason.synced,
      });
      continue;
    }
    log.debug('object needs work', { clusterId, namespace: item.namespace, name: item.name, why });
    toRender.push({ item, reads: planObjectReads(ctx, item.snapshot) });
  }
  // Plans first (store policies, finds), then every read in one synchronous loop: one batch per store.
  const planned = await Promise.all(
    toRender.map(async ({ item, reads }) => {
      try {
        return { item, reads: await reads };
      } catch (error) {
        return { item, error };
      }
    }),
  );
  const started = planned.map((p) =>
    'reads' in p && p.reads ? { ...p, reads: startReads(ctx, p.reads) } : p,
  );
  rendered = started.length;

  const gone = work.filter((w) => w.snapshot === undefined && w.status !== undefined);
  await runLimited(deps.concurrency ?? 16, [
    ...started.map((p) => async () => {
      if ('error' in p) return recordFailure(ctx, p.item, p.error, reports);
      await syncOne(ctx, p.item, p.reads as ObjectReads, reports);
    }),
    ...blocked.map(
      ({ item, error }) =>
        async () =>
          recordFailure(ctx, item, error, reports, { namespaceWide: true }),
    ),
    ...gone.map((item) => async () => removeOne(ctx, item, reports)),
  ]);

  if (ctx.clusterDown) {
    await setHealth(ctx, healthOf(ctx.clusterDown), ctx.clusterDown.message);
    return finish(passOutcomeOf(ctx.clusterDown), work.length);
  }
  await setHealth(ctx, 'Healthy');
  return finish('completed', work.length);
}

/** The objects of this pass: the requested ones, or every desired and every remembered one. */
function selectWork(
  request: ReconcileRequest,
  snapshots: DesiredSnapshot[],
  statuses: SyncStatus[],
): WorkItem[] {
  const items = new Map<string, WorkItem>();
  const add = (namespace: string, name: string) => {
    const key = objectKey(namespace, name);
    let item = items.get(key);
    if (!item) {
      item = { key, namespace, name };
      items.set(key, item);
    }
    return item;
  };
  const wanted =
    request.scope.kind === 'objects'
      ? new Set(request.scope.objects.map((o) => objectKey(o.namespace, o.name)))
      : undefined;
  for (const s of snapshots)
    if (!wanted || wanted.has(objectKey(s.namespace, s.name))) add(s.namespace, s.name).snapshot = s;
  for (const s of statuses)
    if (!wanted || wanted.has(objectKey(s.namespace, s.name))) add(s.namespace, s.name).status = s;
  return [...items.values()].sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
}

async function syncOne(
  ctx: PassContext,
  item: Desired,
  reads: ObjectReads,
  reports: ObjectReport[],
): Promise<void> {
  if (ctx.clusterDown) return recordFailure(ctx, item, ctx.clusterDown, reports);
  let outcome: SyncOutcome;
  try {
    outcome = await syncDesiredObject(ctx, item, reads);
  } catch (error) {
    if (isClusterWideFailure(error)) ctx.clusterDown ??= error;
    return recordFailure(ctx, item, error, reports);
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
  reports.push({
    namespace: item.namespace,
    name: item.name,
    outcome: outcome.action === 'deleted' ? 'deleted' : wrote ? 'synced' : 'unchanged',
    reason: outcome.status.reason,
    message: outcome.message,
    ...(outcome.drift ? { drift: outcome.drift } : {}),
  });
  await publish(ctx, item, outcome.status, wrote, { type: 'Normal', message: outcome.message });
}

async function removeOne(ctx: PassContext, item: WorkItem, reports: ObjectReport[]): Promise<void> {
  const status = item.status as SyncStatus;
  try {
    if (ctx.clusterDown) throw ctx.clusterDown;
    const action = await removeGoneObject(ctx, status);
    await ctx.deps.state.deleteStatus(status);
    ctx.counters.statusWrites++;
    ctx.log.info('object gone', {
      clusterId: status.clusterId,
      namespace: status.namespace,
      name: status.name,
      action,
    });
    reports.push({
      namespace: item.namespace,
      name: item.name,
      outcome: action === 'deleted' || action === 'released' ? 'deleted' : 'unchanged',
      reason: ReadyReason.deleted,
      message: `object removed; Secret ${status.targetName ?? status.name} ${action}`,
    });
  } catch (error) {
    if (isClusterWideFailure(error)) ctx.clusterDown ??= error;
    // The status stays, so the next pass tries again.
    reports.push({
      namespace: item.namespace,
      name: item.name,
      outcome: 'failed',
      reason: failureReasonOf(error),
      message: safeMessage(error),
    });
  }
}

/** Marks one object failed: its Secret is left as it is, its status and the cluster say why. */
async function recordFailure(
  ctx: PassContext,
  item: WorkItem,
  error: unknown,
  reports: ObjectReport[],
  options: { namespaceWide?: boolean } = {},
) {
  const reason = failureReasonOf(error);
  const message = safeMessage(error);
  reports.push({ namespace: item.namespace, name: item.name, outcome: 'failed', reason, message });
  if (reason === 'InternalError') ctx.log.error('object failed unexpectedly', errorAttributes(error));
  else
    ctx.log.warn('object failed', {
      clusterId: ctx.record.clusterId,
      namespace: item.namespace,
      name: item.name,
      reason,
      message,
    });
  if (!item.snapshot) return;
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
  await publish(
    ctx,
    item as Desired,
    status,
    false,
    { type: 'Warning', message: `${reason}: ${message}` },
    clusterReachable,
  );
}

/**
 * Writes the status item (conditionally) and, when users would see a change, the ExternalSecret's
 * status subresource and an Event. An unchanged object costs no write at all.
 */
async function publish(
  ctx: PassContext,
  item: Desired,
  status: SyncStatus,
  wroteSecret: boolean,
  event: { type: 'Normal' | 'Warning'; message: string },
  clusterReachable = true,
): Promise<void> {
  const previous = item.status;
  if (wroteSecret || statusChanged(previous, status)) await putStatus(ctx, status);
  const changed = wroteSecret || visibleChange(previous, status);
  if (!changed || !clusterReachable || ctx.clusterDown) return;
  const { snapshot } = item;
  const ready = status.conditions?.find((c) => c.type === 'Ready');
  try {
    if (snapshot.source.kind === 'ExternalSecret') {
      await ctx.client.patchExternalSecretStatus(
        snapshot.namespace,
        snapshot.source.name,
        externalSecretStatus(status, snapshot.source.resourceVersion ?? String(snapshot.source.generation)),
      );
    }
    await ctx.client.createEvent({
      namespace: snapshot.namespace,
      involvedObject: involvedObjectOf(snapshot),
      type: event.type,
      reason: ready?.reason ?? status.reason,
      message: event.message,
    });
  } catch (error) {
    // Reporting is best effort: the Secret and the state store already tell the truth.
    if (isClusterWideFailure(error)) ctx.clusterDown ??= error;
    ctx.log.warn('status or event not written to the cluster', {
      clusterId: snapshot.clusterId,
      namespace: snapshot.namespace,
      name: snapshot.name,
      ...errorAttributes(error),
    });
  }
}

async function putStatus(ctx: PassContext, status: SyncStatus): Promise<void> {
  try {
    await ctx.deps.state.putStatus(status);
  } catch (error) {
    if (!(error instanceof StatusConflictError)) throw error;
    // Someone wrote in between (an ingest marking the object, a racing pass): ours is newer.
    const current = await ctx.deps.state.getStatus(status);
    await ctx.deps.state.putStatus({ ...status, version: (current?.version ?? 0) + 1 });
  }
  ctx.counters.statusWrites++;
}

function involvedObjectOf(snapshot: DesiredSnapshot) {
  switch (snapshot.source.kind) {
    case 'ExternalSecret':
      return {
        apiVersion: 'fleet-secrets.io/v1',
        kind: 'ExternalSecret',
        name: snapshot.source.name,
        namespace: snapshot.namespace,
        ...(snapshot.source.uid ? { uid: snapshot.source.uid } : {}),
      };
    default:
      // Central kinds have no object in this cluster: the Event is about the Secret itself.
      return {
        apiVersion: 'v1',
        kind: 'Secret',
        name: targetNameOf(snapshot),
        namespace: snapshot.namespace,
      };
  }
}

async function setHealth(ctx: PassContext, state: ClusterHealthState, message?: string): Promise<void> {
  const current = ctx.record.health;
  if (current?.state === state && current.message === message) return;
  try {
    await ctx.deps.state.patchClusterState(ctx.record.clusterId, {
      health: { state, checkedAt: ctx.now.toISOString(), ...(message ? { message } : {}) },
    });
  } catch (error) {
    ctx.log.warn('cluster health not recorded', {
      clusterId: ctx.record.clusterId,
      ...errorAttributes(error),
    });
  }
}

function healthOf(error: Error): ClusterHealthState {
  if (error instanceof KubeUnauthorizedError) return 'Unauthorized';
  if (isClusterWideFailure(error)) return 'Unreachable';
  if (error instanceof KubeForbiddenError) return 'Forbidden';
  return 'Unknown';
}

function passOutcomeOf(error: Error): PassOutcome {
  if (error instanceof KubeUnauthorizedError) return 'cluster-unauthorized';
  if (isClusterWideFailure(error)) return 'cluster-unreachable';
  return 'completed';
}

function failureReasonOf(error: unknown): FailureReason {
  if (error instanceof ObjectSyncError) return error.reason;
  if (error instanceof RenderError) return error.reason === 'ProviderError' ? 'ProviderError' : 'RenderError';
  if (error instanceof KubeUnauthorizedError) return 'ClusterUnauthorized';
  if (isClusterWideFailure(error)) return 'ClusterUnreachable';
  if (error instanceof KubeForbiddenError) return 'Forbidden';
  if (error instanceof KubeInvalidError) return 'Invalid';
  if (error instanceof KubeConflictError) return 'Conflict';
  if (error instanceof KubeNotFoundError) return 'Invalid';
  return 'InternalError';
}

/** Our own errors are written not to carry values; anything else is named, never quoted. */
function safeMessage(error: unknown): string {
  if (error instanceof ObjectSyncError || error instanceof RenderError || error instanceof KubeApiError) {
    return error.message;
  }
  return `internal error (${error instanceof Error ? error.name : typeof error})`;
}

/** Log attributes of an error: ours by name and message, any other by name and stack frames. */
export function errorAttributes(error: unknown): Record<string, unknown> {
  if (error instanceof ObjectSyncError || error instanceof RenderError || error instanceof KubeApiError) {
    return { error: error.name, message: error.message };
  }
  // Unknown errors: the name and where it happened, never the message (it could quote a value).
  // Frames only: a message of several lines (client-node puts the response body on its third) is
  // part of the stack text too.
  const stack =
    error instanceof Error
      ? error.stack
          ?.split('\n')
          .filter((line) => /^\s+at /.test(line))
          .slice(0, 5)
          .join('\n')
      : undefined;
  return { error: error instanceof Error ? error.name : typeof error, stack };
}

function subtractStats(now: ProviderReaderStats, base: ProviderReaderStats | undefined): ProviderReaderStats {
  if (!base) return now;
  const providerCalls: Record<string, Record<string, number>> = {};
  for (const [store, ops] of Object.entries(now.providerCalls)) {
    for (const [op, n] of Object.entries(ops)) {
      const d = n - (base.providerCalls[store]?.[op] ?? 0);
      if (d <= 0) continue;
      const forStore = providerCalls[store] ?? {};
      forStore[op] = d;
      providerCalls[store] = forStore;
    }
  }
  return {
    requests: now.requests - base.requests,
    hits: now.hits - base.hits,
    misses: now.misses - base.misses,
    calls: now.calls - base.calls,
    finds: now.finds - base.finds,
    findHits: now.findHits - base.findHits,
    providerCalls,
  };
}

async function runLimited(limit: number, tasks: Array<() => Promise<void>>): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < tasks.length) {
      const task = tasks[next++] as () => Promise<void>;
      await task();
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, tasks.length) }, worker));
}
