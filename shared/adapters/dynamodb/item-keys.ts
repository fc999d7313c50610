/**
 * Partition and sort keys of every item type in the state table. Key parts are escaped ('%' and
 * '#') so that '#', the separator, can never come from a name or a remote key (Vault paths and
 * Secrets Manager ids may contain it).
 */
import type { ObjectRef, RemoteKeyRef } from '../../domain/records.js';

export const escapeKeyPart = (part: string): string => part.replaceAll('%', '%25').replaceAll('#', '%23');

const join = (...parts: string[]): string => parts.map(escapeKeyPart).join('#');

/** Item types, stored in the `kind` attribute so a Scan of the table reads like a catalogue. */
export const ItemKind = {
  cluster: 'cluster',
  store: 'store',
  fleetExternalSecret: 'fleetExternalSecret',
  snapshot: 'snapshot',
  status: 'status',
  lease: 'lease',
  dependent: 'dependent',
} as const;

export interface ItemKey {
  pk: string;
  sk: string;
}

// Catalogue partitions: one partition per kind. A Query lists them; 1,000 clusters of ~2 KB is
// ~2 MB, two pages, far below one partition's read capacity at the sweep's once-a-minute rate.
export const CLUSTERS_PK = 'CLUSTERS';
export const STORES_PK = 'STORES';
export const FLEET_EXTERNAL_SECRETS_PK = 'FLEET_EXTERNAL_SECRETS';

export const clusterKey = (clusterId: string): ItemKey => ({ pk: CLUSTERS_PK, sk: join(clusterId) });
export const storeKey = (name: string): ItemKey => ({ pk: STORES_PK, sk: join(name) });
export const fleetExternalSecretKey = (namespace: string, name: string): ItemKey => ({
  pk: FLEET_EXTERNAL_SECRETS_PK,
  sk: join(namespace, name),
});

// Per-cluster partition: snapshots, statuses and the lease of one cluster sit together, so a
// reconcile pass reads its cluster's desired state with one Query per item type.
export const clusterPartition = (clusterId: string): string => `CLUSTER#${escapeKeyPart(clusterId)}`;
export const SNAPSHOT_PREFIX = 'SNAP#';
export const STATUS_PREFIX = 'STATUS#';
export const LEASE_SK = 'LEASE';

export const snapshotKey = (ref: ObjectRef): ItemKey => ({
  pk: clusterPartition(ref.clusterId),
  sk: SNAPSHOT_PREFIX + join(ref.namespace, ref.name),
});
export const statusKey = (ref: ObjectRef): ItemKey => ({
  pk: clusterPartition(ref.clusterId),
  sk: STATUS_PREFIX + join(ref.namespace, ref.name),
});
export const leaseKey = (clusterId: string): ItemKey => ({ pk: clusterPartition(clusterId), sk: LEASE_SK });

// Reverse index: one partition per remote key, one item per dependent object.
export const dependentsPartition = (ref: RemoteKeyRef): string => `REF#${join(ref.storeName, ref.key)}`;
export const dependentKey = (ref: RemoteKeyRef, object: ObjectRef): ItemKey => ({
  pk: dependentsPartition(ref),
  sk: join(object.clusterId, object.namespace, object.name),
});

// Event claims: one item per change, expired by TTL; a partition each so claims never contend.
export const eventClaimKey = (key: string): ItemKey => ({ pk: `EVENT#${escapeKeyPart(key)}`, sk: 'CLAIM' });
