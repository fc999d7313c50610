/**
 * The StateStore on one DynamoDB table (design in table-design.ts, access patterns in
 * docs/state-model.md): a thin front over one module per record kind, all sharing one StateTable.
 * Every write that could race is conditional; no item holds a secret value.
 */
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type {
  ClusterRecord,
  DesiredSnapshot,
  ObjectRef,
  ReconcileScope,
  SyncStatus,
} from '../../domain/records.js';
import type { FleetExternalSecret, SecretStore } from '../../domain/schema.js';
import type { Clock } from '../../ports/clock.js';
import type {
  ClusterStatePatch,
  LeaseAcquireResult,
  SnapshotWriteResult,
  StateStore,
} from '../../ports/state-store.js';
import * as catalogue from './catalogue-items.js';
import * as clusters from './cluster-items.js';
import * as events from './event-claims.js';
import * as leases from './lease-items.js';
import * as snapshots from './snapshot-items.js';
import { StateTable } from './state-table.js';
import * as statuses from './status-items.js';

export interface DynamoDbStateStoreOptions {
  client: DynamoDBClient;
  tableName: string;
  clock?: Clock;
  /**
   * How long expired leases and snapshot tombstones stay before TTL removes them. Correctness never
   * depends on TTL (conditions compare expiry times): it only keeps the table tidy.
   */
  purgeAfterMs?: number;
}

export class DynamoDbStateStore implements StateStore {
  readonly tableName: string;
  readonly #t: StateTable;

  constructor(options: DynamoDbStateStoreOptions) {
    this.#t = new StateTable(options);
    this.tableName = this.#t.tableName;
  }

  putCluster = (cluster: ClusterRecord): Promise<void> => clusters.putCluster(this.#t, cluster);
  getCluster = (clusterId: string): Promise<ClusterRecord | undefined> =>
    clusters.getCluster(this.#t, clusterId);
  listClusters = (): Promise<ClusterRecord[]> => clusters.listClusters(this.#t);
  patchClusterState = (clusterId: string, patch: ClusterStatePatch): Promise<void> =>
    clusters.patchClusterState(this.#t, clusterId, patch);
  deleteCluster = (clusterId: string): Promise<void> => clusters.deleteCluster(this.#t, clusterId);

  putStore = (store: SecretStore): Promise<void> => catalogue.putStore(this.#t, store);
  getStore = (name: string): Promise<SecretStore | undefined> => catalogue.getStore(this.#t, name);
  listStores = (): Promise<SecretStore[]> => catalogue.listStores(this.#t);
  deleteStore = (name: string): Promise<void> => catalogue.deleteStore(this.#t, name);
  putFleetExternalSecret = (fes: FleetExternalSecret): Promise<void> =>
    catalogue.putFleetExternalSecret(this.#t, fes);
  getFleetExternalSecret = (namespace: string, name: string): Promise<FleetExternalSecret | undefined> =>
    catalogue.getFleetExternalSecret(this.#t, namespace, name);
  listFleetExternalSecrets = (): Promise<FleetExternalSecret[]> =>
    catalogue.listFleetExternalSecrets(this.#t);
  deleteFleetExternalSecret = (namespace: string, name: string): Promise<void> =>
    catalogue.deleteFleetExternalSecret(this.#t, namespace, name);

  putSnapshot = (snapshot: DesiredSnapshot): Promise<SnapshotWriteResult> =>
    snapshots.putSnapshot(this.#t, snapshot);
  getSnapshot = (ref: ObjectRef): Promise<DesiredSnapshot | undefined> => snapshots.getSnapshot(this.#t, ref);
  listSnapshots = (clusterId: string): Promise<DesiredSnapshot[]> =>
    snapshots.listSnapshots(this.#t, clusterId);
  deleteSnapshot = (ref: ObjectRef): Promise<void> => snapshots.deleteSnapshot(this.#t, ref);
  findDependents = (storeName: string, key: string): Promise<ObjectRef[]> =>
    snapshots.findDependents(this.#t, storeName, key);

  getStatus = (ref: ObjectRef): Promise<SyncStatus | undefined> => statuses.getStatus(this.#t, ref);
  listStatuses = (clusterId: string): Promise<SyncStatus[]> => statuses.listStatuses(this.#t, clusterId);
  putStatus = (status: SyncStatus): Promise<void> => statuses.putStatus(this.#t, status);
  deleteStatus = (ref: ObjectRef): Promise<void> => statuses.deleteStatus(this.#t, ref);
  listDue = (before: Date, limit?: number): Promise<ObjectRef[]> => statuses.listDue(this.#t, before, limit);

  claimEvent = (key: string, ttlMs: number): Promise<boolean> => events.claimEvent(this.#t, key, ttlMs);

  acquireLease = (
    clusterId: string,
    holder: string,
    ttlMs: number,
    scope: ReconcileScope,
  ): Promise<LeaseAcquireResult> => leases.acquireLease(this.#t, clusterId, holder, ttlMs, scope);
  renewLease = (clusterId: string, holder: string, ttlMs: number): Promise<boolean> =>
    leases.renewLease(this.#t, clusterId, holder, ttlMs);
  releaseLease = (clusterId: string, holder: string): Promise<ReconcileScope | undefined> =>
    leases.releaseLease(this.#t, clusterId, holder);
}
