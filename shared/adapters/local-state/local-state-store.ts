import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import type {
  ClusterRecord,
  DesiredSnapshot,
  ObjectRef,
  ReconcileScope,
  RemoteKeyRef,
  SyncStatus,
} from '../../domain/records.js';
import type { FleetExternalSecret, SecretStore } from '../../domain/schema.js';
import { type Clock, systemClock } from '../../ports/clock.js';
import type {
  ClusterStatePatch,
  LeaseAcquireResult,
  SnapshotWriteResult,
  StateStore,
} from '../../ports/state-store.js';
import { ClusterNotFoundError, StatusConflictError } from '../../ports/state-store-errors.js';
import {
  compareObjectRefs,
  diffRefs,
  fleetExternalSecretNamespace,
  foldScope,
  isStaleSnapshot,
  pendingAfterAcquire,
  type SnapshotOrder,
  snapshotOrder,
  uniqueRefs,
  validateCluster,
  validateFleetExternalSecret,
  validateLeaseRequest,
  validateObjectRef,
  validateScope,
  validateSnapshot,
  validateStatus,
  validateStore,
} from '../state-store-rules.js';
import { readFileIfExists, removeLeftoverTempFiles, writeFileAtomically } from './atomic-json-file.js';
import { StateFileCorruptError } from './errors.js';

const STATE_FILE = 'state.json';
const FORMAT = 'fleet-secrets/local-state/v1';
const DEFAULT_PURGE_AFTER_MS = 24 * 60 * 60 * 1000;

interface SnapshotEntry {
  ref: ObjectRef;
  order: SnapshotOrder;
  tombstone: boolean;
  snapshot?: DesiredSnapshot;
  /** Like DynamoDB TTL: when the tombstone may be forgotten. */
  purgeAtMs?: number;
}

interface LeaseEntry {
  clusterId: string;
  holder: string;
  expiresAtMs: number;
  pending?: ReconcileScope;
}

interface StateDocument {
  format: typeof FORMAT;
  clusters: ClusterRecord[];
  stores: SecretStore[];
  fleetExternalSecrets: FleetExternalSecret[];
  snapshots: SnapshotEntry[];
  statuses: SyncStatus[];
  leases: LeaseEntry[];
}

export interface LocalStateStoreOptions {
  clock?: Clock;
  /** How long snapshot tombstones and expired leases are kept (DynamoDB's TTL in production). */
  purgeAfterMs?: number;
}

export interface OpenLocalStateStoreOptions extends LocalStateStoreOptions {
  /** Folder holding state.json; created if missing. One process owns a folder at a time. */
  dir: string;
}

const objectKey = (ref: ObjectRef): string => `${ref.clusterId}/${ref.namespace}/${ref.name}`;
const refKey = (ref: RemoteKeyRef): string => `${ref.storeName}\u0000${ref.key}`;
const clone = <T>(value: T): T => structuredClone(value);
const byKey = <T>(map: Map<string, T>): T[] =>
  [...map.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([, v]) => clone(v));

/**
 * The StateStore in this process, for dev mode and unit tests: same rules as the DynamoDB store
 * (shared in state-store-rules.ts), optionally persisted to a folder as one JSON document that is
 * replaced atomically after every change. Every mutation happens synchronously before the first
 * await, so concurrent callers in one process interleave exactly like conditional writes would.
 */
export class LocalStateStore implements StateStore {
  readonly #clock: Clock;
  readonly #purgeAfterMs: number;
  #file: string | undefined;

  readonly #clusters = new Map<string, ClusterRecord>();
  readonly #stores = new Map<string, SecretStore>();
  readonly #fleetExternalSecrets = new Map<string, FleetExternalSecret>();
  readonly #snapshots = new Map<string, SnapshotEntry>();
  readonly #statuses = new Map<string, SyncStatus>();
  readonly #leases = new Map<string, LeaseEntry>();
  /** Event claims live in memory only: a restart forgetting them costs a redundant reconcile. */
  readonly #eventClaims = new Map<string, number>();
  /** Derived from the live snapshots; rebuilt on load, never persisted. */
  readonly #dependents = new Map<string, Map<string, ObjectRef>>();

  #dirty = false;
  #writes: Promise<void> = Promise.resolve();

  /** An in-memory store; use `LocalStateStore.open` to persist to a folder. */
  constructor({ clock = systemClock, purgeAfterMs = DEFAULT_PURGE_AFTER_MS }: LocalStateStoreOptions = {}) {
    this.#clock = clock;
    this.#purgeAfterMs = purgeAfterMs;
  }

  /** Opens (or starts) the state kept in `dir`. */
  static async open({ dir, ...options }: OpenLocalStateStoreOptions): Promise<LocalStateStore> {
    await mkdir(dir, { recursive: true });
    const file = join(dir, STATE_FILE);
    await removeLeftoverTempFiles(file);
    const store = new LocalStateStore(options);
    const text = await readFileIfExists(file);
    if (text !== undefined) store.#load(file, text);
    store.#file = file;
    return store;
  }

  /** Where the state is persisted, if anywhere. */
  get file(): string | undefined {
    return this.#file;
  }

  /** Resolves once every change made so far is on disk. */
  async flush(): Promise<void> {
    await this.#persist();
  }

  // ---- clusters ----

  async putCluster(cluster: ClusterRecord): Promise<void> {
    validateCluster(cluster);
    this.#clusters.set(cluster.clusterId, clone(cluster));
    await this.#persist();
  }

  async getCluster(clusterId: string): Promise<ClusterRecord | undefined> {
    return clone(this.#clusters.get(clusterId));
  }

  async listClusters(): Promise<ClusterRecord[]> {
    return byKey(this.#clusters);
  }

  async patchClusterState(clusterId: string, patch: ClusterStatePatch): Promise<void> {
    validateLeaseRequest(clusterId, 'patch');
    const cluster = this.#clusters.get(clusterId);
    if (!cluster) throw new ClusterNotFoundError({ clusterId });
    for (const field of ['health', 'nextDriftCheckAt'] as const) {
      if (!(field in patch)) continue;
      if (patch[field] === undefined) delete cluster[field];
      else Object.assign(cluster, { [field]: clone(patch[field]) });
    }
    await this.#persist();
  }

  async deleteCluster(clusterId: string): Promise<void> {
    validateLeaseRequest(clusterId, 'delete');
    const prefix = `${clusterId}/`;
    for (const [key, entry] of this.#snapshots) {
      if (!key.startsWith(prefix)) continue;
      this.#unindex(entry);
      this.#snapshots.delete(key);
    }
    for (const key of this.#statuses.keys()) if (key.startsWith(prefix)) this.#statuses.delete(key);
    this.#leases.delete(clusterId);
    this.#clusters.delete(clusterId);
    await this.#persist();
  }

  // ---- stores ----

  async putStore(store: SecretStore): Promise<void> {
    validateStore(store);
    this.#stores.set(store.metadata.name, clone(store));
    await this.#persist();
  }

  async getStore(name: string): Promise<SecretStore | undefined> {
    return clone(this.#stores.get(name));
  }

  async listStores(): Promise<SecretStore[]> {
    return byKey(this.#stores);
  }

  async deleteStore(name: string): Promise<void> {
    this.#stores.delete(name);
    await this.#persist();
  }

  // ---- FleetExternalSecrets ----

  async putFleetExternalSecret(fes: FleetExternalSecret): Promise<void> {
    validateFleetExternalSecret(fes);
    this.#fleetExternalSecrets.set(`${fleetExternalSecretNamespace(fes)}/${fes.metadata.name}`, clone(fes));
    await this.#persist();
  }

  async getFleetExternalSecret(namespace: string, name: string): Promise<FleetExternalSecret | undefined> {
    return clone(this.#fleetExternalSecrets.get(`${namespace}/${name}`));
  }

  async listFleetExternalSecrets(): Promise<FleetExternalSecret[]> {
    return byKey(this.#fleetExternalSecrets);
  }

  async deleteFleetExternalSecret(namespace: string, name: string): Promise<void> {
    this.#fleetExternalSecrets.delete(`${namespace}/${name}`);
    await this.#persist();
  }

  // ---- snapshots and the reverse index ----

  async putSnapshot(snapshot: DesiredSnapshot): Promise<SnapshotWriteResult> {
    validateSnapshot(snapshot);
    const key = objectKey(snapshot);
    const current = this.#liveOrTombstone(key);
    const order = snapshotOrder(snapshot);
    if (isStaleSnapshot(order, current && { ...current.order, tombstone: current.tombstone })) return 'stale';
    const ref = { clusterId: snapshot.clusterId, namespace: snapshot.namespace, name: snapshot.name };
    const entry: SnapshotEntry = {
      ref,
      order,
      tombstone: false,
      snapshot: { ...clone(snapshot), refs: uniqueRefs(snapshot.refs) },
    };
    if (current) this.#unindex(current);
    this.#snapshots.set(key, entry);
    this.#index(entry);
    await this.#persist();
    return 'written';
  }

  async getSnapshot(ref: ObjectRef): Promise<DesiredSnapshot | undefined> {
    validateObjectRef(ref);
    const entry = this.#snapshots.get(objectKey(ref));
    return entry?.tombstone ? undefined : clone(entry?.snapshot);
  }

  async listSnapshots(clusterId: string): Promise<DesiredSnapshot[]> {
    const prefix = `${clusterId}/`;
    return [...this.#snapshots.entries()]
      .filter(([key, e]) => key.startsWith(prefix) && !e.tombstone)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      .map(([, e]) => clone(e.snapshot!));
  }

  async deleteSnapshot(ref: ObjectRef): Promise<void> {
    validateObjectRef(ref);
    const key = objectKey(ref);
    const current = this.#snapshots.get(key);
    if (!current || current.tombstone) return;
    this.#unindex(current);
    this.#snapshots.set(key, {
      ref: current.ref,
      order: current.order,
      tombstone: true,
      purgeAtMs: this.#clock.now().getTime() + this.#purgeAfterMs,
    });
    await this.#persist();
  }

  async findDependents(storeName: string, key: string): Promise<ObjectRef[]> {
    const dependents = this.#dependents.get(refKey({ storeName, key }));
    return dependents ? [...dependents.values()].map(clone).sort(compareObjectRefs) : [];
  }

  // ---- sync status ----

  async getStatus(ref: ObjectRef): Promise<SyncStatus | undefined> {
    validateObjectRef(ref);
    return clone(this.#statuses.get(objectKey(ref)));
  }

  async listStatuses(clusterId: string): Promise<SyncStatus[]> {
    const prefix = `${clusterId}/`;
    return byKey(this.#statuses).filter((s) => objectKey(s).startsWith(prefix));
  }

  async putStatus(status: SyncStatus): Promise<void> {
    validateStatus(status);
    const key = objectKey(status);
    const storedVersion = this.#statuses.get(key)?.version ?? 0;
    if (storedVersion !== status.version - 1) {
      throw new StatusConflictError({ ref: status, expectedVersion: status.version - 1 });
    }
    this.#statuses.set(key, clone(status));
    await this.#persist();
  }

  async deleteStatus(ref: ObjectRef): Promise<void> {
    validateObjectRef(ref);
    this.#statuses.delete(objectKey(ref));
    await this.#persist();
  }

  async listDue(before: Date, limit?: number): Promise<ObjectRef[]> {
    const beforeMs = before.getTime();
    if (Number.isNaN(beforeMs)) throw new TypeError('listDue: before must be a valid Date');
    if (limit !== undefined && (!Number.isSafeInteger(limit) || limit < 1)) {
      throw new TypeError('listDue: limit must be an integer >= 1');
    }
    const due = [...this.#statuses.values()]
      .filter((s) => s.nextRefreshAt !== undefined && Date.parse(s.nextRefreshAt) < beforeMs)
      .map((s) => ({
        ref: { clusterId: s.clusterId, namespace: s.namespace, name: s.name },
        at: Date.parse(s.nextRefreshAt!),
      }))
      .sort((a, b) => a.at - b.at || compareObjectRefs(a.ref, b.ref));
    return (limit === undefined ? due : due.slice(0, limit)).map((d) => d.ref);
  }

  // ---- leases ----

  async acquireLease(
    clusterId: string,
    holder: string,
    ttlMs: number,
    scope: ReconcileScope,
  ): Promise<LeaseAcquireResult> {
    validateLeaseRequest(clusterId, holder, ttlMs);
    validateScope(scope, clusterId);
    const now = this.#clock.now().getTime();
    const lease = this.#leases.get(clusterId);
    if (!lease || lease.expiresAtMs <= now || lease.holder === holder) {
      const taken: LeaseEntry = { clusterId, holder, expiresAtMs: now + ttlMs };
      const pending = pendingAfterAcquire(lease?.pending, scope);
      if (pending) taken.pending = pending;
      this.#leases.set(clusterId, taken);
      await this.#persist();
      return {
        acquired: true,
        lease: { clusterId, holder, expiresAt: new Date(taken.expiresAtMs).toISOString() },
      };
    }
    const pending = foldScope(lease.pending, scope);
    if (pending) lease.pending = pending;
    await this.#persist();
    return { acquired: false, heldBy: lease.holder, expiresAt: new Date(lease.expiresAtMs).toISOString() };
  }

  async renewLease(clusterId: string, holder: string, ttlMs: number): Promise<boolean> {
    validateLeaseRequest(clusterId, holder, ttlMs);
    const lease = this.#leases.get(clusterId);
    if (!lease || lease.holder !== holder) return false;
    lease.expiresAtMs = this.#clock.now().getTime() + ttlMs;
    await this.#persist();
    return true;
  }

  async claimEvent(key: string, ttlMs: number): Promise<boolean> {
    const now = this.#clock.now().getTime();
    const until = this.#eventClaims.get(key);
    if (until !== undefined && until >= now) return false;
    this.#eventClaims.set(key, now + ttlMs);
    if (this.#eventClaims.size > 10_000) {
      for (const [k, u] of this.#eventClaims) if (u < now) this.#eventClaims.delete(k);
    }
    return true;
  }

  async releaseLease(clusterId: string, holder: string): Promise<ReconcileScope | undefined> {
    validateLeaseRequest(clusterId, holder);
    const lease = this.#leases.get(clusterId);
    if (!lease || lease.holder !== holder) return undefined;
    this.#leases.delete(clusterId);
    await this.#persist();
    return lease.pending;
  }

  // ---- internals ----

  /** The stored entry, forgetting a tombstone whose time has passed (TTL's job in DynamoDB). */
  #liveOrTombstone(key: string): SnapshotEntry | undefined {
    const entry = this.#snapshots.get(key);
    if (entry?.tombstone && entry.purgeAtMs !== undefined && entry.purgeAtMs <= this.#clock.now().getTime()) {
      this.#snapshots.delete(key);
      return undefined;
    }
    return entry;
  }

  #index(entry: SnapshotEntry): void {
    for (const r of entry.snapshot?.refs ?? []) {
      const dependents = this.#dependents.get(refKey(r)) ?? new Map<string, ObjectRef>();
      this.#dependents.set(refKey(r), dependents);
      dependents.set(objectKey(entry.ref), clone(entry.ref));
    }
  }

  #unindex(entry: SnapshotEntry): void {
    if (entry.tombstone || !entry.snapshot) return;
    const { removed } = diffRefs(entry.snapshot.refs, []);
    for (const r of removed) {
      const dependents = this.#dependents.get(refKey(r));
      dependents?.delete(objectKey(entry.ref));
      if (dependents?.size === 0) this.#dependents.delete(refKey(r));
    }
  }

  #document(): StateDocument {
    const now = this.#clock.now().getTime();
    return {
      format: FORMAT,
      clusters: byKey(this.#clusters),
      stores: byKey(this.#stores),
      fleetExternalSecrets: byKey(this.#fleetExternalSecrets),
      snapshots: byKey(this.#snapshots).filter((e) => !(e.tombstone && (e.purgeAtMs ?? Infinity) <= now)),
      statuses: byKey(this.#statuses),
      leases: byKey(this.#leases).filter((l) => l.expiresAtMs + this.#purgeAfterMs > now),
    };
  }

  #load(file: string, text: string): void {
    let doc: StateDocument;
    try {
      doc = JSON.parse(text) as StateDocument;
    } catch (err) {
      throw new StateFileCorruptError({ path: file, problem: 'is not valid JSON', cause: err });
    }
    if (doc === null || typeof doc !== 'object' || doc.format !== FORMAT) {
      throw new StateFileCorruptError({ path: file, problem: `is not a ${FORMAT} document` });
    }
    for (const c of doc.clusters ?? []) this.#clusters.set(c.clusterId, c);
    for (const s of doc.stores ?? []) this.#stores.set(s.metadata.name, s);
    for (const f of doc.fleetExternalSecrets ?? []) {
      this.#fleetExternalSecrets.set(`${fleetExternalSecretNamespace(f)}/${f.metadata.name}`, f);
    }
    for (const e of doc.snapshots ?? []) {
      this.#snapshots.set(objectKey(e.ref), e);
      if (!e.tombstone) this.#index(e);
    }
    for (const s of doc.statuses ?? []) this.#statuses.set(objectKey(s), s);
    for (const l of doc.leases ?? []) this.#leases.set(l.clusterId, l);
  }

  /**
   * Queues a write of the whole document. Writes run one at a time; each serializes the state when
   * it starts, so a caller's promise resolves only after a write that includes its change.
   */
  #persist(): Promise<void> {
    const file = this.#file;
    if (file === undefined) return Promise.resolve();
    this.#dirty = true;
    const write = this.#writes
      .catch(() => undefined)
      .then(async () => {
        if (!this.#dirty) return;
        this.#dirty = false;
        try {
          await writeFileAtomically(file, `${JSON.stringify(this.#document(), null, 2)}\n`);
        } catch (err) {
          this.#dirty = true;
          throw err;
        }
      });
    this.#writes = write;
    return write;
  }
}
