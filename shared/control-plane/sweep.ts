import type { ClusterRecord } from '../domain/records.js';
import type { Clock } from '../ports/clock.js';
import type { Invoker } from '../ports/invoker.js';
import type { StateStore } from '../ports/state-store.js';
import { groupByCluster } from './group-by-cluster.js';

export interface SweepDeps {
  state: Pick<StateStore, 'listDue' | 'listClusters' | 'patchClusterState'>;
  invoker: Invoker;
  clock: Clock;
  /** How often each cluster gets a whole-cluster drift check (one metadata LIST when nothing changed). */
  driftCheckIntervalMs: number;
  /** Upper bound of due objects one sweep hands out; the rest wait for the next minute. */
  maxDueObjects?: number;
}

export interface SweepResult {
  dueObjects: number;
  driftChecks: string[];
  scoped: Array<{ clusterId: string; objects: number }>;
}

/** Finds what is due and fans out one invocation per cluster; never touches a cluster itself. */
export async function runSweep(deps: SweepDeps): Promise<SweepResult> {
  const now = deps.clock.now();
  const [due, clusters] = await Promise.all([
    deps.state.listDue(now, deps.maxDueObjects ?? 10_000),
    deps.state.listClusters(),
  ]);
  const known = new Set(clusters.map((c) => c.clusterId));
  const driftDue = clusters.filter((c) => isDriftCheckDue(c, now));
  const driftIds = new Set(driftDue.map((c) => c.clusterId));

  const scoped: SweepResult['scoped'] = [];
  const jobs: Array<{ clusterId: string; drift: boolean; run: Promise<void> }> = [];
  for (const cluster of driftDue) {
    // A whole-cluster pass covers the cluster's due objects too: send it once.
    const run = deps.invoker.invokeAsync('reconcile-cluster', {
      clusterId: cluster.clusterId,
      scope: { kind: 'all' },
      reason: 'drift-check',
    });
    jobs.push({ clusterId: cluster.clusterId, drift: true, run });
  }
  for (const [clusterId, objects] of groupByCluster(due)) {
    if (driftIds.has(clusterId) || !known.has(clusterId)) continue;
    scoped.push({ clusterId, objects: objects.length });
    const run = deps.invoker.invokeAsync('reconcile-cluster', {
      clusterId,
      scope: { kind: 'objects', objects },
      reason: 'sweep',
    });
    jobs.push({ clusterId, drift: false, run });
  }
  const results = await Promise.allSettled(jobs.map((j) => j.run));

  // Only a drift check that was actually queued moves the cluster's next check forward; a patch
  // (not a put) so a label the CLI changed meanwhile is never written back.
  const queuedDrift = new Set(
    jobs.filter((j, i) => j.drift && results[i]?.status === 'fulfilled').map((j) => j.clusterId),
  );
  const next = new Date(now.getTime() + deps.driftCheckIntervalMs).toISOString();
  await Promise.all(
    driftDue
      .filter((c) => queuedDrift.has(c.clusterId))
      .map((c) => deps.state.patchClusterState(c.clusterId, { nextDriftCheckAt: next })),
  );
  const failed = results.filter((r) => r.status === 'rejected');
  if (failed.length > 0) {
    throw new AggregateError(
      failed.map((r) => (r as PromiseRejectedResult).reason),
      `${failed.length} of ${jobs.length} sweep invocations could not be queued`,
    );
  }
  return { dueObjects: due.length, driftChecks: [...driftIds].sort(), scoped };
}

function isDriftCheckDue(cluster: ClusterRecord, now: Date): boolean {
  return !cluster.nextDriftCheckAt || Date.parse(cluster.nextDriftCheckAt) <= now.getTime();
}
