/**
 * Records the control plane keeps centrally (DynamoDB in AWS, a local file in dev mode). None of
 * them ever holds a secret value: data is represented by a keyed HMAC and provider version ids.
 */
import type {
  Condition,
  CreationPolicy,
  DeletionPolicy,
  ExternalSecretSpec,
  LabelSelector,
} from './schema.js';

/** One desired Secret in one cluster: the unit that reconcile, status and the reverse index speak of. */
export interface ObjectRef {
  clusterId: string;
  namespace: string;
  name: string;
}

export type SourceKind = 'ExternalSecret' | 'ClusterExternalSecret' | 'FleetExternalSecret';

export type ClusterAuth =
  /** EKS: a presigned STS GetCallerIdentity token, optionally after assuming roleArn. */
  | { type: 'eks'; clusterName: string; region: string; roleArn?: string }
  /** A ServiceAccount bearer token kept in Secrets Manager (non-EKS clusters). */
  | { type: 'token'; secretId: string }
  /** Dev mode and tests: a kubeconfig file on the control plane's disk. */
  | { type: 'kubeconfig'; path: string; context?: string };

export type ClusterHealthState = 'Healthy' | 'Unreachable' | 'Unauthorized' | 'Forbidden' | 'Unknown';

export interface ClusterRecord {
  clusterId: string;
  endpoint: string;
  /** PEM of the CA bundle that signs the API server's certificate. */
  caData?: string;
  auth: ClusterAuth;
  labels: Record<string, string>;
  /** Namespaces the control plane may act in when its RBAC there is namespaced; absent = cluster-wide. */
  namespaces?: string[];
  health?: { state: ClusterHealthState; checkedAt: string; message?: string };
  /** Next time the sweep should run a whole-cluster drift check. */
  nextDriftCheckAt?: string;
  createdAt: string;
  updatedAt: string;
}

/** A remote key an object depends on; `key` is exact, or `find:<query-id>` for dataFrom.find. */
export interface RemoteKeyRef {
  storeName: string;
  key: string;
}

export interface DesiredSnapshot extends ObjectRef {
  source: {
    kind: SourceKind;
    name: string;
    namespace?: string;
    uid?: string;
    generation: number;
    resourceVersion?: string;
  };
  spec: ExternalSecretSpec;
  refs: RemoteKeyRef[];
  updatedAt: string;
}

export type ReadyStatus = 'True' | 'False' | 'Unknown';

export interface SyncStatus extends ObjectRef {
  /** Optimistic-concurrency counter: every write expects the version it read. */
  version: number;
  observedGeneration?: number;
  ready: ReadyStatus;
  reason: string;
  message?: string;
  conditions?: Condition[];
  targetName?: string;
  /** Keyed HMAC of the rendered data: tells whether a write is needed without storing values. */
  dataHmac?: string;
  /** resourceVersion our last write left on the live Secret: a different live one is drift. */
  writtenResourceVersion?: string;
  /** Our last write made the Secret immutable: its data can then only change by re-creation. */
  writtenImmutable?: boolean;
  /** `${storeName}/${key}` -> provider version id that reached the cluster. */
  syncedVersions?: Record<string, string>;
  /**
   * Keys this object wrote. Keys the spec names are kept as they are; keys that came from the
   * provider or a template (they can be part of a value) as "hmac:<16 hex>" (keyNameHmac).
   */
  ownedKeys?: string[];
  /** The policies our last write followed: what to do with the Secret once the object is gone. */
  creationPolicy?: CreationPolicy;
  deletionPolicy?: DeletionPolicy;
  /** Server-side apply field manager of our writes (each Merge source has its own). */
  fieldManager?: string;
  lastSyncAt?: string;
  lastAttemptAt?: string;
  attempts: number;
  nextRefreshAt?: string;
}

export interface LeaseRecord {
  clusterId: string;
  holder: string;
  expiresAt: string;
}

export type { ReconcileReason, ReconcileRequest, ReconcileScope } from '../contracts/reconcile-request.js';

export interface ClusterSelectorTarget {
  labels: Record<string, string>;
}

export type { LabelSelector };
