import { changeDedupeKey, type SecretChange } from '../domain/events/secrets-manager-events.js';
import { findQueryMayMatch, planReads } from '../domain/plan.js';
import type { ObjectRef } from '../domain/records.js';
import type { Invoker } from '../ports/invoker.js';
import type { StateStore } from '../ports/state-store.js';
import { groupByCluster } from './group-by-cluster.js';
import { ANY_FIND_KEY, awsIndexPartition } from './index-refs.js';

export interface RotationFanoutDeps {
  state: Pick<StateStore, 'findDependents' | 'claimEvent' | 'getSnapshot'>;
  invoker: Invoker;
  /** Default region for events that name a secret without an ARN. */
  region: string;
  /** How long a change is remembered, so its second delivery (the other event path) is dropped. */
  dedupeWindowMs?: number;
}

const DEFAULT_DEDUPE_WINDOW_MS = 10 * 60_000;

export interface RotationFanoutResult {
  changes: number;
  /** Changes seen in this batch more than once, or already handled by another invocation. */
  duplicates: number;
  claimedElsewhere: number;
  indexQueries: number;
  dependents: number;
  invocations: Array<{ clusterId: string; objects: number }>;
}

/**
 * From secret changes to one scoped reconcile-cluster invocation per affected cluster. A change
 * nobody depends on costs two reverse-index queries (by name, and dataFrom.find candidates of its
 * region, run in parallel) and nothing else.
 */
export async function fanOutSecretChanges(
  { state, invoker, region, dedupeWindowMs = DEFAULT_DEDUPE_WINDOW_MS }: RotationFanoutDeps,
  changes: SecretChange[],
): Promise<RotationFanoutResult> {
  const unique = new Map<string, SecretChange>();
  for (const change of changes) unique.set(changeDedupeKey(change), change);
  let claimedElsewhere = 0;

  // Several versions of one secret in one batch need only one look-up.
  const bySecret = new Map<string, SecretChange>();
  for (const change of unique.values())
    bySecret.set(`${change.region ?? region}\u0000${change.name}`, change);

  const perCluster = new Map<string, { refs: ObjectRef[]; change: SecretChange }>();
  let indexQueries = 0;
  let dependents = 0;
  for (const change of bySecret.values()) {
    const partition = awsIndexPartition(change.region ?? region);
    // Two queries in parallel: objects naming the secret, and objects whose dataFrom.find might.
    indexQueries += 2;
    const [named, finders] = await Promise.all([
      state.findDependents(partition, change.name),
      state.findDependents(partition, ANY_FIND_KEY),
    ]);
    const found = [...named, ...(await findersMatching(state, finders, change.name))];
    // Claimed only when someone depends on it, so an unused secret costs the one query alone.
    // The claim spans invocations: the native event and CloudTrail's copy arrive separately.
    if (found.length === 0) continue;
    if (change.versionId && !(await state.claimEvent(changeDedupeKey(change), dedupeWindowMs))) {
      claimedElsewhere++;
      continue;
    }
    dependents += found.length;
    for (const ref of found) {
      const entry = perCluster.get(ref.clusterId) ?? { refs: [], change };
      entry.refs.push(ref);
      perCluster.set(ref.clusterId, entry);
    }
  }

  const invocations: RotationFanoutResult['invocations'] = [];
  const grouped = groupByCluster([...perCluster.values()].flatMap((e) => e.refs));
  // One cluster's invoke failure must not keep the others from being started.
  const results = await Promise.allSettled(
    [...grouped].map(async ([clusterId, objects]) => {
      const change = perCluster.get(clusterId)!.change;
      await invoker.invokeAsync('reconcile-cluster', {
        clusterId,
        scope: { kind: 'objects', objects },
        reason: 'rotation',
        trigger: {
          secretId: change.arn ?? change.name,
          versionId: change.versionId,
          eventTime: change.eventTime,
        },
      });
      invocations.push({ clusterId, objects: objects.length });
    }),
  );
  const failed = results.filter((r) => r.status === 'rejected');
  if (failed.length > 0) {
    throw new AggregateError(
      failed.map((r) => (r as PromiseRejectedResult).reason),
      `${failed.length} of ${grouped.size} reconcile-cluster invocations could not be queued`,
    );
  }
  return {
    changes: changes.length,
    duplicates: changes.length - unique.size,
    claimedElsewhere,
    indexQueries,
    dependents,
    invocations,
  };
}

/** Keeps the find-based dependents whose query could return `name` (read from their snapshots). */
async function findersMatching(
  state: Pick<StateStore, 'getSnapshot'>,
  candidates: ObjectRef[],
  name: string,
): Promise<ObjectRef[]> {
  const matching: ObjectRef[] = [];
  for (const ref of candidates) {
    const snapshot = await state.getSnapshot(ref);
    if (snapshot && planReads(snapshot.spec).finds.some((f) => findQueryMayMatch(f.query, name)))
      matching.push(ref);
  }
  return matching;
}
