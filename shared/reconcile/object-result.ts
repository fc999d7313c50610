/**
 * What one object's task hands to the recording step: the report for the pass result, and what to
 * tell the state store and the cluster. Tasks decide; only the recording step writes status.
 */
import type { SyncStatus } from '../domain/records.js';
import type { DesiredItem } from './pass-context.js';
import type { ObjectReport } from './types.js';

export interface StatusToPublish {
  item: DesiredItem;
  status: SyncStatus;
  /** The Secret was written: the status is stored even when it reads the same. */
  wroteSecret: boolean;
  event: { type: 'Normal' | 'Warning'; message: string };
  /** False when the failure itself says the cluster (or namespace) is out of reach: tell only the store. */
  clusterReachable: boolean;
}

export interface ObjectResult {
  report: ObjectReport;
  /** A declared object's new status (stored if it changed; shown in the cluster if users would see it). */
  publish?: StatusToPublish;
  /** A gone object's status, to forget now that its Secret was dealt with. */
  forget?: SyncStatus;
  /** When the object's Secret was written this pass. */
  wroteAt?: Date;
}
