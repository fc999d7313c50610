/**
 * reconcileCluster: one pass over one cluster, the core loop of the control plane.
 *
 *   open the pass (cluster record, snapshots, statuses, a session with the API server)
 *   -> select the work -> one metadata LIST of our Secrets -> triage (render / unchanged /
 *   blocked / gone) -> one provider batch for everything to render -> object tasks, each
 *   returning its result -> record each result (status, CR status, Event) -> cluster health
 *   -> summary (counts, metrics, one log line).
 *
 * Isolation: one object's failure (a missing key, a store policy, RBAC in its namespace) marks
 * that object and the pass goes on. An unreachable cluster fails fast (bounded request timeouts,
 * and the session fails every later call the same way) and its Secrets are left as they are. A
 * failed provider read never deletes anything.
 */
import type { ReconcileRequest } from '../domain/records.js';
import { createLimiter } from '../lib/concurrency-limit.js';
import { listLiveSecrets } from './live-listing.js';
import type { ObjectResult } from './object-result.js';
import { failureResult, removeTask, syncTask } from './object-tasks.js';
import { connectCluster, startPass } from './open-pass.js';
import type { PassContext, WorkItem } from './pass-context.js';
import { errorAttributes, healthOf, passOutcomeOf } from './pass-errors.js';
import { type PassStart, summarizePass } from './pass-summary.js';
import { readForObjects } from './read-plan.js';
import { recordClusterHealth, recordObjectResult } from './record-results.js';
import { selectWork } from './select-work.js';
import { triageWork } from './triage.js';
import type { PassOutcome, ReconcileDeps, ReconcileResult } from './types.js';

export async function reconcileCluster(
  deps: ReconcileDeps,
  request: ReconcileRequest,
): Promise<ReconcileResult> {
  const start = startPass(deps, request);
  const record = await deps.state.getCluster(request.clusterId);
  if (!record) {
    start.log.warn('reconcile of an unregistered cluster skipped', { clusterId: request.clusterId });
    return summarizePass(start, 'cluster-unknown');
  }
  const [snapshots, statuses] = await Promise.all([
    deps.state.listSnapshots(request.clusterId),
    deps.state.listStatuses(request.clusterId),
  ]);
  const work = selectWork(request, snapshots, statuses);

  const connected = await connectCluster(start, record);
  const { ctx } = connected;
  if (!connected.ok) return failPass(start, ctx, work, connected.error, 'cluster-misconfigured');
  if (work.length === 0) {
    await recordClusterHealth(ctx, 'Healthy');
    return summarizePass(start, 'completed', { apiserver: ctx.session.counts() });
  }

  const listing = await listLiveSecrets(ctx.client, record, request.scope, work);
  if (!listing.ok) {
    start.log.warn('listing managed Secrets failed; nothing changed in the cluster', {
      clusterId: request.clusterId,
      ...errorAttributes(listing.error),
    });
    return failPass(start, ctx, work, listing.error, passOutcomeOf(listing.error));
  }
  ctx.live = listing.live;

  const triage = triageWork(ctx, work);
  const withReads = await readForObjects(ctx, triage.toRender);
  const recorded = await runAndRecord(ctx, [
    ...withReads.map(
      (o) => () =>
        'error' in o ? Promise.resolve(failureResult(ctx, o.item, o.error)) : syncTask(ctx, o.item, o.reads),
    ),
    ...triage.blocked.map(
      ({ item, error }) =>
        () =>
          Promise.resolve(failureResult(ctx, item, error, { namespaceWide: true })),
    ),
    ...triage.gone.map((item) => () => removeTask(ctx, item)),
  ]);

  const down = ctx.session.down;
  await recordClusterHealth(ctx, down ? healthOf(down) : 'Healthy', down?.message);
  return summarizePass(start, down ? passOutcomeOf(down) : 'completed', {
    objects: work.length,
    results: [...triage.unchanged, ...recorded.results],
    rendered: withReads.length,
    statusWrites: recorded.statusWrites,
    apiserver: ctx.session.counts(),
  });
}

/** Runs the object tasks (a bounded number at once), recording each result as soon as it is known. */
async function runAndRecord(
  ctx: PassContext,
  tasks: Array<() => Promise<ObjectResult>>,
  concurrency = ctx.deps.concurrency ?? 16,
): Promise<{ results: ObjectResult[]; statusWrites: number }> {
  const limit = createLimiter(concurrency);
  const recorded = await Promise.all(
    tasks.map((task) => limit(async () => recordObjectResult(ctx, await task()))),
  );
  return {
    results: recorded.map((r) => r.result),
    statusWrites: recorded.reduce((n, r) => n + r.statusWrites, 0),
  };
}

/** A failure before any object could be worked on: each object says why, the cluster's health too. */
async function failPass(
  start: PassStart,
  ctx: PassContext,
  work: WorkItem[],
  error: Error,
  outcome: PassOutcome,
): Promise<ReconcileResult> {
  const recorded = await runAndRecord(
    ctx,
    work.map((item) => () => Promise.resolve(failureResult(ctx, item, error))),
    Math.max(1, work.length),
  );
  await recordClusterHealth(ctx, healthOf(error), error.message);
  return summarizePass(start, outcome, {
    objects: work.length,
    results: recorded.results,
    statusWrites: recorded.statusWrites,
    apiserver: ctx.session.counts(),
  });
}
