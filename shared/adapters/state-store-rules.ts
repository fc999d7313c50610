/**
 * Rules both StateStore implementations (DynamoDB and the local one) follow, kept in one place so
 * dev mode behaves like production: input validation, snapshot ordering, reverse-index diffs and
 * the folding of reconcile scopes into a lease's follow-up.
 */
import type {
  ClusterRecord,
  DesiredSnapshot,
  ObjectRef,
  ReconcileScope,
  RemoteKeyRef,
  SyncStatus,
} from '../domain/records.js';
import type { FleetExternalSecret, SecretStore } from '../domain/schema.js';
import { InvalidStateRecordError, TooManyRefsError } from '../ports/state-store-errors.js';

/**
 * DynamoDB's TransactWriteItems takes 100 items: the snapshot plus 99 index entries. Capping the refs
 * of one object at 99 keeps a delete (tombstone + every entry) atomic as well.
 */
export const MAX_REFS_PER_SNAPSHOT = 99;

export const describeObject = (ref: ObjectRef): string => `${ref.clusterId}/${ref.namespace}/${ref.name}`;

const isNonEmptyString = (v: unknown): v is string => typeof v === 'string' && v.length > 0;

function requireString(value: unknown, field: string, object?: string): void {
  if (!isNonEmptyString(value)) {
    throw new InvalidStateRecordError({ field, problem: 'must be a non-empty string', object });
  }
}

function requireInteger(value: unknown, field: string, min: number, object?: string): void {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < min) {
    throw new InvalidStateRecordError({ field, problem: `must be an integer >= ${min}`, object });
  }
}

function requireTimestamp(value: unknown, field: string, object?: string): void {
  if (value === undefined) return;
  if (typeof value !== 'string' || Number.isNaN(Date.parse(value))) {
    throw new InvalidStateRecordError({ field, problem: 'must be an ISO-8601 timestamp', object });
  }
}

/** Kubernetes names never contain '/', which is what lets "namespace/name" serve as an unambiguous id. */
function requireName(value: unknown, field: string, object?: string): void {
  requireString(value, field, object);
  if ((value as string).includes('/')) {
    throw new InvalidStateRecordError({ field, problem: "must not contain '/'", object });
  }
}

export function validateObjectRef(ref: ObjectRef, field = 'ref'): void {
  if (ref === null || typeof ref !== 'object') {
    throw new InvalidStateRecordError({ field, problem: 'must be an object' });
  }
  requireName(ref.clusterId, `${field}.clusterId`);
  requireName(ref.namespace, `${field}.namespace`, ref.clusterId);
  requireName(ref.name, `${field}.name`, `${ref.clusterId}/${ref.namespace}`);
}

export function validateCluster(cluster: ClusterRecord): void {
  requireName(cluster?.clusterId, 'cluster.clusterId');
  const id = cluster.clusterId;
  requireString(cluster.endpoint, 'cluster.endpoint', id);
  if (cluster.auth === null || typeof cluster.auth !== 'object') {
    throw new InvalidStateRecordError({ field: 'cluster.auth', problem: 'must be an object', object: id });
  }
  if (cluster.labels === null || typeof cluster.labels !== 'object') {
    throw new InvalidStateRecordError({ field: 'cluster.labels', problem: 'must be an object', object: id });
  }
  requireTimestamp(cluster.createdAt, 'cluster.createdAt', id);
  requireTimestamp(cluster.updatedAt, 'cluster.updatedAt', id);
}

export function validateStore(store: SecretStore): void {
  requireName(store?.metadata?.name, 'store.metadata.name');
}

export function fleetExternalSecretNamespace(fes: FleetExternalSecret): string {
  return fes.metadata.namespace ?? '';
}

export function validateFleetExternalSecret(fes: FleetExternalSecret): void {
  requireName(fes?.metadata?.name, 'fleetExternalSecret.metadata.name');
  const ns = fes.metadata.namespace;
  if (ns !== undefined && (typeof ns !== 'string' || ns.includes('/'))) {
    throw new InvalidStateRecordError({
      field: 'fleetExternalSecret.metadata.namespace',
      problem: "must be a string without '/'",
      object: fes.metadata.name,
    });
  }
}

export function validateSnapshot(snapshot: DesiredSnapshot): void {
  validateObjectRef(snapshot, 'snapshot');
  const id = describeObject(snapshot);
  if (snapshot.source === null || typeof snapshot.source !== 'object') {
    throw new InvalidStateRecordError({ field: 'snapshot.source', problem: 'must be an object', object: id });
  }
  requireString(snapshot.source.kind, 'snapshot.source.kind', id);
  requireString(snapshot.source.name, 'snapshot.source.name', id);
  requireInteger(snapshot.source.generation, 'snapshot.source.generation', 0, id);
  if (snapshot.source.resourceVersion !== undefined) {
    requireString(snapshot.source.resourceVersion, 'snapshot.source.resourceVersion', id);
  }
  if (snapshot.spec === null || typeof snapshot.spec !== 'object') {
    throw new InvalidStateRecordError({ field: 'snapshot.spec', problem: 'must be an object', object: id });
  }
  if (!Array.isArray(snapshot.refs)) {
    throw new InvalidStateRecordError({ field: 'snapshot.refs', problem: 'must be an array', object: id });
  }
  snapshot.refs.forEach((r, i) => {
    requireName(r?.storeName, `snapshot.refs[${i}].storeName`, id);
    requireString(r.key, `snapshot.refs[${i}].key`, id);
  });
  requireTimestamp(snapshot.updatedAt, 'snapshot.updatedAt', id);
  const count = uniqueRefs(snapshot.refs).length;
  if (count > MAX_REFS_PER_SNAPSHOT) {
    throw new TooManyRefsError({ ref: snapshot, count, max: MAX_REFS_PER_SNAPSHOT });
  }
}

export function validateStatus(status: SyncStatus): void {
  validateObjectRef(status, 'status');
  const id = describeObject(status);
  requireInteger(status.version, 'status.version', 1, id);
  requireInteger(status.attempts, 'status.attempts', 0, id);
  requireString(status.ready, 'status.ready', id);
  if (typeof status.reason !== 'string') {
    throw new InvalidStateRecordError({ field: 'status.reason', problem: 'must be a string', object: id });
  }
  requireTimestamp(status.nextRefreshAt, 'status.nextRefreshAt', id);
  requireTimestamp(status.lastSyncAt, 'status.lastSyncAt', id);
  requireTimestamp(status.lastAttemptAt, 'status.lastAttemptAt', id);
}

export function validateLeaseRequest(clusterId: string, holder: string, ttlMs?: number): void {
  requireName(clusterId, 'lease.clusterId');
  requireString(holder, 'lease.holder', clusterId);
  if (ttlMs !== undefined) requireInteger(ttlMs, 'lease.ttlMs', 1, clusterId);
}

export function validateScope(scope: ReconcileScope, clusterId: string): void {
  if (scope?.kind === 'all') return;
  if (scope?.kind !== 'objects' || !Array.isArray(scope.objects)) {
    throw new InvalidStateRecordError({
      field: 'scope',
      problem: "must be { kind: 'all' } or { kind: 'objects', objects: [...] }",
      object: clusterId,
    });
  }
  scope.objects.forEach((o, i) => {
    requireName(o?.namespace, `scope.objects[${i}].namespace`, clusterId);
    requireName(o.name, `scope.objects[${i}].name`, clusterId);
  });
}

// ---- snapshot ordering ----

/** What decides whether one snapshot of an object is older than another. */
export interface SnapshotOrder {
  generation: number;
  /** The resourceVersion when it is a plain integer (etcd revisions are); otherwise not comparable. */
  resourceVersion?: number;
  uid?: string;
}

/** Kubernetes calls resourceVersion opaque; in practice it is an etcd revision, compared only when numeric. */
export function numericResourceVersion(rv: string | undefined): number | undefined {
  if (rv === undefined || !/^\d{1,15}$/.test(rv)) return undefined;
  return Number(rv);
}

export function snapshotOrder(snapshot: DesiredSnapshot): SnapshotOrder {
  const order: SnapshotOrder = { generation: snapshot.source.generation };
  const rv = numericResourceVersion(snapshot.source.resourceVersion);
  if (rv !== undefined) order.resourceVersion = rv;
  if (snapshot.source.uid) order.uid = snapshot.source.uid;
  return order;
}

/**
 * Whether `incoming` must be ignored given what is stored.
 * - Live snapshot: resourceVersions decide when both have one (they order across re-creations); else
 *   a different uid is a new incarnation and replaces; else the lower generation loses. Equal is a
 *   rewrite, accepted so a retried write stays idempotent.
 * - Tombstone: only a strictly newer resourceVersion passes when both have one, so a read taken before
 *   the delete cannot resurrect the object. Without resourceVersions (FleetExternalSecret expansions)
 *   the tombstone does not block: re-matching a cluster must bring the object back.
 */
export function isStaleSnapshot(
  incoming: SnapshotOrder,
  stored: (SnapshotOrder & { tombstone: boolean }) | undefined,
): boolean {
  if (!stored) return false;
  const bothRv = incoming.resourceVersion !== undefined && stored.resourceVersion !== undefined;
  if (stored.tombstone) {
    return bothRv && incoming.resourceVersion! <= stored.resourceVersion!;
  }
  if (bothRv) return incoming.resourceVersion! < stored.resourceVersion!;
  if (incoming.uid && stored.uid && incoming.uid !== stored.uid) return false;
  return incoming.generation < stored.generation;
}

// ---- reverse index ----

const refId = (r: RemoteKeyRef): string => `${r.storeName}\u0000${r.key}`;

/** Refs without duplicates, in a stable order. */
export function uniqueRefs(refs: RemoteKeyRef[]): RemoteKeyRef[] {
  const byId = new Map<string, RemoteKeyRef>();
  for (const r of refs) byId.set(refId(r), { storeName: r.storeName, key: r.key });
  return [...byId.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([, r]) => r);
}

export function diffRefs(
  previous: RemoteKeyRef[],
  next: RemoteKeyRef[],
): { added: RemoteKeyRef[]; removed: RemoteKeyRef[] } {
  const prev = new Set(previous.map(refId));
  const nxt = new Set(next.map(refId));
  return {
    added: uniqueRefs(next.filter((r) => !prev.has(refId(r)))),
    removed: uniqueRefs(previous.filter((r) => !nxt.has(refId(r)))),
  };
}

export function compareObjectRefs(a: ObjectRef, b: ObjectRef): number {
  const ka = `${a.clusterId}\u0000${a.namespace}\u0000${a.name}`;
  const kb = `${b.clusterId}\u0000${b.namespace}\u0000${b.name}`;
  return ka < kb ? -1 : ka > kb ? 1 : 0;
}

// ---- lease follow-ups ----

/** "namespace/name": unambiguous because neither part may contain '/'. */
export const scopeObjectId = (o: { namespace: string; name: string }): string => `${o.namespace}/${o.name}`;

export function parseScopeObjectId(id: string): { namespace: string; name: string } {
  const slash = id.indexOf('/');
  return { namespace: id.slice(0, slash), name: id.slice(slash + 1) };
}

/** A follow-up scope built from the folded pieces: 'all' wins, objects are a sorted union. */
export function followUpScope(all: boolean, objectIds: Iterable<string>): ReconcileScope | undefined {
  if (all) return { kind: 'all' };
  const ids = [...new Set(objectIds)].sort();
  if (ids.length === 0) return undefined;
  return { kind: 'objects', objects: ids.map(parseScopeObjectId) };
}

/** Folds a requested scope into a pending follow-up. */
export function foldScope(
  pending: ReconcileScope | undefined,
  requested: ReconcileScope,
): ReconcileScope | undefined {
  if (pending?.kind === 'all' || requested.kind === 'all') return { kind: 'all' };
  const ids = [...(pending?.objects ?? []), ...requested.objects].map(scopeObjectId);
  return followUpScope(false, ids);
}

/**
 * What is still pending once a holder starts a pass over `scope`: a pass started after a request
 * covers it, so 'all' clears everything and an objects pass clears its own objects.
 */
export function pendingAfterAcquire(
  pending: ReconcileScope | undefined,
  scope: ReconcileScope,
): ReconcileScope | undefined {
  if (!pending || scope.kind === 'all') return undefined;
  if (pending.kind === 'all') return pending;
  const covered = new Set(scope.objects.map(scopeObjectId));
  return followUpScope(
    false,
    pending.objects.map(scopeObjectId).filter((id) => !covered.has(id)),
  );
}
