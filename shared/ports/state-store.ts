import type {
  ClusterRecord,
  DesiredSnapshot,
  LeaseRecord,
  ObjectRef,
  ReconcileScope,
  SyncStatus,
} from '../domain/records.js';
import type { FleetExternalSecret, SecretStore } from '../domain/schema.js';

export type SnapshotWriteResult = 'written' | 'stale';

/** The fields the control plane itself maintains on a cluster record (the CLI owns the rest). */
export type ClusterStatePatch = Pick<ClusterRecord, 'health' | 'nextDriftCheckAt'>;

export type LeaseAcquireResult =
  | { acquired: true; lease: LeaseRecord }
  /** Someone holds it: the request was folded into a follow-up pass the holder will run. */
  | { acquired: false; heldBy: string; expiresAt: string };

/**
 * The control plane's central state. Implementations: DynamoDB (AWS) and an in-process store
 * persisted to a folder (dev mode). Every write that could race is conditional.
 */
export interface StateStore {
  // clusters
  putCluster(cluster: ClusterRecord): Promise<void>;
  getCluster(clusterId: string): Promise<ClusterRecord | undefined>;
  listClusters(): Promise<ClusterRecord[]>;
  /** Also removes the cluster's snapshots (and their reverse-index entries), statuses and lease. */
  deleteCluster(clusterId: string): Promise<void>;
  /**
   * Updates only health / nextDriftCheckAt, so a reconcile pass never overwrites labels or auth
   * the CLI changed meanwhile. Throws ClusterNotFoundError when the cluster is not registered.
   */
  patchClusterState(clusterId: string, patch: ClusterStatePatch): Promise<void>;

  // central stores (no credentials inside)
  putStore(store: SecretStore): Promise<void>;
  getStore(name: string): Promise<SecretStore | undefined>;
  listStores(): Promise<SecretStore[]>;
  deleteStore(name: string): Promise<void>;

  // FleetExternalSecrets as applied by the CLI (the per-cluster expansion lives in snapshots)
  putFleetExternalSecret(fes: FleetExternalSecret): Promise<void>;
  getFleetExternalSecret(namespace: string, name: string): Promise<FleetExternalSecret | undefined>;
  listFleetExternalSecrets(): Promise<FleetExternalSecret[]>;
  deleteFleetExternalSecret(namespace: string, name: string): Promise<void>;

  // desired snapshots + reverse index (written together)
  /** Ignores (returns 'stale') a snapshot older than the stored one by generation/resourceVersion. */
  putSnapshot(snapshot: DesiredSnapshot): Promise<SnapshotWriteResult>;
  getSnapshot(ref: ObjectRef): Promise<DesiredSnapshot | undefined>;
  listSnapshots(clusterId: string): Promise<DesiredSnapshot[]>;
  /** Leaves a short-lived tombstone so a delayed write of an older resourceVersion cannot resurrect it. */
  deleteSnapshot(ref: ObjectRef): Promise<void>;
  /** Reverse index: every object that depends on (store, key), across the fleet. */
  findDependents(storeName: string, key: string): Promise<ObjectRef[]>;

  // sync status
  getStatus(ref: ObjectRef): Promise<SyncStatus | undefined>;
  listStatuses(clusterId: string): Promise<SyncStatus[]>;
  /**
   * Writes status if the stored version equals `status.version - 1` (or none exists and
   * status.version is 1); throws StatusConflictError otherwise so no update is lost.
   */
  putStatus(status: SyncStatus): Promise<void>;
  deleteStatus(ref: ObjectRef): Promise<void>;
  /** Objects whose nextRefreshAt is before `before`, across all clusters. */
  listDue(before: Date, limit?: number): Promise<ObjectRef[]>;

  // event de-duplication
  /**
   * Records that an event key was seen; true the first time within `ttlMs`, false after. The
   * same secret change arrives natively and via CloudTrail: only the first starts work.
   */
  claimEvent(key: string, ttlMs: number): Promise<boolean>;

  // per-cluster leases
  acquireLease(
    clusterId: string,
    holder: string,
    ttlMs: number,
    scope: ReconcileScope,
  ): Promise<LeaseAcquireResult>;
  renewLease(clusterId: string, holder: string, ttlMs: number): Promise<boolean>;
  /** Releases the lease and returns the follow-up scope folded in while it was held, if any. */
  releaseLease(clusterId: string, holder: string): Promise<ReconcileScope | undefined>;
}
