import {
  expandClusterExternalSecret,
  planReads,
  type ValidationOptions,
  validateClusterExternalSecret,
  validateExternalSecret,
} from '../domain/index.js';
import type { DesiredSnapshot, ObjectRef, SourceKind } from '../domain/records.js';
import type { ExternalSecretSpec, SecretStore } from '../domain/schema.js';
import type { Clock } from '../ports/clock.js';
import type { ClusterClient, ClusterClientFactory } from '../ports/cluster-client.js';
import type { Invoker } from '../ports/invoker.js';
import type { StateStore } from '../ports/state-store.js';
import { UnknownClusterError } from './errors.js';
import { groupByCluster } from './group-by-cluster.js';
import { toIndexRefs } from './index-refs.js';

type WatchedKind = 'ExternalSecret' | 'ClusterExternalSecret';

/** Structurally the watcher's notice (watcher/notice.ts); the ingest trusts none of it but the ids. */
export interface ChangeNotice {
  kind: WatchedKind;
  namespace?: string;
  name: string;
  uid: string;
  resourceVersion: string;
  generation: number;
  event: 'upsert' | 'delete';
}

export interface ChangeDigest {
  kind: WatchedKind;
  objects: Array<{
    namespace?: string;
    name: string;
    uid: string;
    resourceVersion: string;
    generation: number;
  }>;
}

export interface NoticeBatch {
  clusterId: string;
  notices: ChangeNotice[];
  digests?: ChangeDigest[];
}

export interface IngestDeps {
  state: StateStore;
  clusters: ClusterClientFactory;
  invoker: Invoker;
  clock: Clock;
  /** Shortest non-zero refreshInterval accepted. Default: DEFAULT_MIN_REFRESH_INTERVAL_MS. */
  minRefreshIntervalMs?: number;
}

export interface IngestResult {
  stored: number;
  stale: number;
  deleted: number;
  invalid: Array<{ kind: WatchedKind; namespace?: string; name: string; issues: string[] }>;
  reconcileObjects: number;
}

/**
 * Applies a watcher's batch: re-reads every named object from the cluster with the control
 * plane's own identity (a notice is a hint, never the truth), validates it, stores snapshots and
 * reverse-index refs, and starts one scoped reconcile for what changed.
 */
export async function ingestNotices(deps: IngestDeps, batch: NoticeBatch): Promise<IngestResult> {
  const cluster = await deps.state.getCluster(batch.clusterId);
  if (!cluster) throw new UnknownClusterError(batch.clusterId);
  const client = await deps.clusters.forCluster(batch.clusterId);
  const stores = new Map((await deps.state.listStores()).map((s) => [s.metadata.name, s] as const));
  const result: IngestResult = { stored: 0, stale: 0, deleted: 0, invalid: [], reconcileObjects: 0 };
  const toReconcile: ObjectRef[] = [];
  const ctx = { deps, client, clusterId: batch.clusterId, stores, result, toReconcile };

  const work = new Map<string, { kind: WatchedKind; namespace?: string; name: string }>();
  for (const n of batch.notices) work.set(`${n.kind}/${n.namespace ?? ''}/${n.name}`, n);
  for (const digest of batch.digests ?? []) {
    for (const target of await digestWork(deps.state, batch.clusterId, digest)) {
      work.set(`${target.kind}/${target.namespace ?? ''}/${target.name}`, target);
    }
  }
  for (const target of work.values()) {
    if (target.kind === 'ExternalSecret') await syncExternalSecret(ctx, target.namespace ?? '', target.name);
    else await syncClusterExternalSecret(ctx, target.name);
  }

  for (const [clusterId, objects] of groupByCluster(toReconcile)) {
    result.reconcileObjects += objects.length;
    await deps.invoker.invokeAsync('reconcile-cluster', {
      clusterId,
      scope: { kind: 'objects', objects },
      reason: 'ingest',
    });
  }
  return result;
}

interface IngestContext {
  deps: IngestDeps;
  client: ClusterClient;
  clusterId: string;
  stores: Map<string, SecretStore>;
  result: IngestResult;
  toReconcile: ObjectRef[];
}

/** What a full-list digest says we missed: objects that changed, and snapshots whose object may be gone. */
async function digestWork(state: StateStore, clusterId: string, digest: ChangeDigest) {
  const snapshots = (await state.listSnapshots(clusterId)).filter((s) => s.source.kind === digest.kind);
  const stored = new Map<string, DesiredSnapshot>(
    snapshots.map((s) => [`${s.source.namespace ?? ''}/${s.source.name}`, s]),
  );
  const listed = new Set<string>();
  const targets: Array<{ kind: WatchedKind; namespace?: string; name: string }> = [];
  for (const o of digest.objects) {
    const key = `${o.namespace ?? ''}/${o.name}`;
    listed.add(key);
    const snap = stored.get(key);
    if (!snap || snap.source.uid !== o.uid || snap.source.generation !== o.generation) {
      targets.push({ kind: digest.kind, namespace: o.namespace, name: o.name });
    }
  }
  // Absent from the list: re-read before deleting, since it may have been created after the list.
  for (const [key, snap] of stored) {
    if (!listed.has(key))
      targets.push({ kind: digest.kind, namespace: snap.source.namespace, name: snap.source.name });
  }
  return targets;
}

async function syncExternalSecret(ctx: IngestContext, namespace: string, name: string): Promise<void> {
  const ref: ObjectRef = { clusterId: ctx.clusterId, namespace, name };
  const live = await ctx.client.getCustomObject('ExternalSecret', namespace, name);
  if (live === undefined) {
    await removeSnapshots(ctx, [ref]);
    return;
  }
  const validated = validateExternalSecret(live, validationOptions(ctx.deps));
  if (!validated.ok) {
    const issues = validated.issues.map((i) => `${i.path}: ${i.message}`);
    ctx.result.invalid.push({ kind: 'ExternalSecret', namespace, name, issues });
    await reportInvalid(ctx, namespace, name, issues);
    return;
  }
  const es = validated.value;
  await storeSnapshot(ctx, ref, es.spec, {
    kind: 'ExternalSecret',
    name,
    namespace,
    uid: es.metadata.uid,
    generation: es.metadata.generation ?? 0,
    resourceVersion: es.metadata.resourceVersion,
  });
}

async function syncClusterExternalSecret(ctx: IngestContext, name: string): Promise<void> {
  const existing = (await ctx.deps.state.listSnapshots(ctx.clusterId)).filter(
    (s) => s.source.kind === 'ClusterExternalSecret' && s.source.name === name,
  );
  const live = await ctx.client.getCustomObject('ClusterExternalSecret', undefined, name);
  if (live === undefined) {
    await removeSnapshots(ctx, existing);
    return;
  }
  const validated = validateClusterExternalSecret(live, validationOptions(ctx.deps));
  if (!validated.ok) {
    ctx.result.invalid.push({
      kind: 'ClusterExternalSecret',
      name,
      issues: validated.issues.map((i) => `${i.path}: ${i.message}`),
    });
    return;
  }
  const ces = validated.value;
  const units = expandClusterExternalSecret(ces, await ctx.client.listNamespaces());
  const wanted = new Set<string>();
  for (const unit of units) {
    wanted.add(`${unit.namespace}/${unit.name}`);
    await storeSnapshot(
      ctx,
      { clusterId: ctx.clusterId, namespace: unit.namespace, name: unit.name },
      unit.spec,
      {
        kind: 'ClusterExternalSecret',
        name,
        uid: ces.metadata.uid,
        generation: ces.metadata.generation ?? 0,
        resourceVersion: ces.metadata.resourceVersion,
      },
    );
  }
  await removeSnapshots(
    ctx,
    existing.filter((s) => !wanted.has(`${s.namespace}/${s.name}`)),
  );
}

async function storeSnapshot(
  ctx: IngestContext,
  ref: ObjectRef,
  spec: ExternalSecretSpec,
  source: DesiredSnapshot['source'] & { kind: SourceKind },
): Promise<void> {
  const plan = planReads(spec, {});
  const snapshot: DesiredSnapshot = {
    ...ref,
    source,
    spec,
    refs: toIndexRefs(plan.refs, ctx.stores),
    updatedAt: ctx.deps.clock.now().toISOString(),
  };
  const written = await ctx.deps.state.putSnapshot(snapshot);
  if (written === 'stale') {
    ctx.result.stale++;
    return;
  }
  ctx.result.stored++;
  ctx.toReconcile.push(ref);
}

async function removeSnapshots(ctx: IngestContext, refs: ObjectRef[]): Promise<void> {
  for (const ref of refs) {
    const had = await ctx.deps.state.getSnapshot(ref);
    if (!had) continue;
    await ctx.deps.state.deleteSnapshot(ref);
    await ctx.deps.state.deleteStatus(ref);
    ctx.result.deleted++;
  }
}

async function reportInvalid(
  ctx: IngestContext,
  namespace: string,
  name: string,
  issues: string[],
): Promise<void> {
  const message = `invalid ExternalSecret: ${issues.slice(0, 5).join('; ')}${issues.length > 5 ? `; and ${issues.length - 5} more` : ''}`;
  await ctx.client.patchExternalSecretStatus(namespace, name, {
    conditions: [
      {
        type: 'Ready',
        status: 'False',
        reason: 'SecretSyncedError',
        message,
        lastTransitionTime: ctx.deps.clock.now().toISOString(),
      },
    ],
  });
  await ctx.client
    .createEvent({
      namespace,
      involvedObject: { apiVersion: 'fleet-secrets.io/v1', kind: 'ExternalSecret', name, namespace },
      type: 'Warning',
      reason: 'InvalidSpec',
      message,
    })
    .catch(() => undefined);
}

function validationOptions(deps: IngestDeps): ValidationOptions {
  return deps.minRefreshIntervalMs === undefined ? {} : { minRefreshIntervalMs: deps.minRefreshIntervalMs };
}
