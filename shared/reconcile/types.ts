import type { Clock } from '../ports/clock.js';
import type { ClusterClientFactory } from '../ports/cluster-client.js';
import type { Logger } from '../ports/logger.js';
import type { SecretProviderFactory } from '../ports/secret-provider.js';
import type { StateStore } from '../ports/state-store.js';
import type { ProviderReader, ProviderReaderStats } from './provider-reader.js';

/** Metrics sink (Powertools' Metrics.addMetric fits). */
export interface ReconcileMetrics {
  addMetric(name: string, unit: 'Count' | 'Milliseconds', value: number): void;
}

export interface ReconcileDeps {
  state: StateStore;
  clusters: ClusterClientFactory;
  providers: SecretProviderFactory;
  clock: Clock;
  /** Key of the data HMAC recorded in status (from Secrets Manager in AWS). */
  hmacKey: Uint8Array;
  logger?: Logger;
  metrics?: ReconcileMetrics;
  /**
   * A reader shared beyond this pass (an in-process driver of several clusters, a benchmark):
   * provider reads are then coalesced across all of them. Default: a fresh reader per pass.
   */
  reader?: ProviderReader;
  /** The control plane's default store, for entries and specs that name none. */
  defaultStore?: string;
  /** Objects worked on at once (each does at most a handful of API calls). Default 16. */
  concurrency?: number;
  /** Shortest refresh scheduled, whatever an object asks for. Default: DEFAULT_MIN_REFRESH_INTERVAL_MS. */
  minRefreshIntervalMs?: number;
}

/** What happened to one object in a pass. */
export type ObjectOutcome =
  /** Written: created, updated, replaced (immutable) or restored after drift. */
  | 'synced'
  /** Checked (or not due) and already right: no write. */
  | 'unchanged'
  /** The Secret was deleted, or our keys removed from it, because the object or its source went away. */
  | 'deleted'
  | 'failed';

export interface ObjectReport {
  namespace: string;
  name: string;
  outcome: ObjectOutcome;
  /** SecretSynced, SecretSyncedError, SecretDeleted, or a finer reason for failures. */
  reason: string;
  /** Never carries a value: names keys, stores, fields. */
  message?: string;
  drift?: 'edited' | 'deleted';
}

export type PassOutcome =
  | 'completed'
  /** The API server could not be reached (or answered only 5xx/429): nothing was changed. */
  | 'cluster-unreachable'
  /** The API server rejected the control plane's credentials. */
  | 'cluster-unauthorized'
  /** The registration cannot be turned into a client (bad kubeconfig, missing CA...). */
  | 'cluster-misconfigured'
  | 'cluster-unknown';

export interface ApiserverCounts {
  /** LIST and GET requests. */
  reads: number;
  /** apply, delete, status patch, event create. */
  writes: number;
  /** e.g. "list secrets": 1, "apply secrets": 50, "create events": 50. */
  byAction: Record<string, number>;
}

export interface ReconcileResult {
  clusterId: string;
  outcome: PassOutcome;
  /** Objects in scope (desired ones and removed ones still known by their status). */
  objects: number;
  synced: number;
  unchanged: number;
  deleted: number;
  failed: number;
  /** Secrets edited or deleted out-of-band and restored by this pass. */
  driftRestored: number;
  /** Objects whose values were read and rendered (the rest were not due and showed no drift). */
  rendered: number;
  /** Provider reads of this pass, after coalescing. */
  provider: ProviderReaderStats;
  /** Requests this pass made to the cluster's API server. */
  apiserver: ApiserverCounts;
  /** Status items written to the state store. */
  statusWrites: number;
  /** From the triggering secret change to the last write of this pass (rotation only). */
  rotationLatencyMs?: number;
  reports: ObjectReport[];
  durationMs: number;
}
