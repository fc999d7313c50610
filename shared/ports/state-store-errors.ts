/**
 * Errors every StateStore implementation throws, so the reconcile code can react to them without
 * knowing which store it talks to. Messages name objects and fields, never values.
 */
import type { ObjectRef } from '../domain/records.js';

const describeRef = (ref: ObjectRef): string => `${ref.clusterId}/${ref.namespace}/${ref.name}`;

/** A status write lost a race: the stored version is not the one the writer read. Re-read and retry. */
export class StatusConflictError extends Error {
  override readonly name = 'StatusConflictError';
  readonly ref: ObjectRef;
  /** The version the writer expected to find (its new version minus one; 0 means "none yet"). */
  readonly expectedVersion: number;

  constructor(opts: { ref: ObjectRef; expectedVersion: number; cause?: unknown }) {
    super(
      `status of ${describeRef(opts.ref)} changed since version ${opts.expectedVersion} was read`,
      opts.cause === undefined ? undefined : { cause: opts.cause },
    );
    this.ref = { clusterId: opts.ref.clusterId, namespace: opts.ref.namespace, name: opts.ref.name };
    this.expectedVersion = opts.expectedVersion;
  }
}

/** A record handed to the store is malformed; `field` names the offending field. */
export class InvalidStateRecordError extends Error {
  override readonly name = 'InvalidStateRecordError';
  readonly field: string;

  constructor(opts: { field: string; problem: string; object?: string }) {
    super(`${opts.field} ${opts.problem}${opts.object ? ` (${opts.object})` : ''}`);
    this.field = opts.field;
  }
}

/** A snapshot references more distinct remote keys than one atomic index update can carry. */
export class TooManyRefsError extends Error {
  override readonly name = 'TooManyRefsError';
  readonly ref: ObjectRef;
  readonly count: number;
  readonly max: number;

  constructor(opts: { ref: ObjectRef; count: number; max: number }) {
    super(
      `${describeRef(opts.ref)} references ${opts.count} distinct remote keys; at most ${opts.max} are supported per object`,
    );
    this.ref = { clusterId: opts.ref.clusterId, namespace: opts.ref.namespace, name: opts.ref.name };
    this.count = opts.count;
    this.max = opts.max;
  }
}

/** Concurrent writers kept changing one snapshot; the write gave up after `attempts` tries. */
export class SnapshotContentionError extends Error {
  override readonly name = 'SnapshotContentionError';
  readonly ref: ObjectRef;
  readonly attempts: number;

  constructor(opts: { ref: ObjectRef; attempts: number; cause?: unknown }) {
    super(
      `snapshot of ${describeRef(opts.ref)} kept changing under ${opts.attempts} write attempts`,
      opts.cause === undefined ? undefined : { cause: opts.cause },
    );
    this.ref = { clusterId: opts.ref.clusterId, namespace: opts.ref.namespace, name: opts.ref.name };
    this.attempts = opts.attempts;
  }
}

/** The cluster is not registered. */
export class ClusterNotFoundError extends Error {
  override readonly name = 'ClusterNotFoundError';
  readonly clusterId: string;

  constructor(opts: { clusterId: string }) {
    super(`cluster "${opts.clusterId}" is not registered`);
    this.clusterId = opts.clusterId;
  }
}

/** A lease kept changing hands between "take it" and "fold into it"; the request gave up. */
export class LeaseContentionError extends Error {
  override readonly name = 'LeaseContentionError';
  readonly clusterId: string;
  readonly attempts: number;

  constructor(opts: { clusterId: string; attempts: number }) {
    super(`lease of cluster "${opts.clusterId}" kept changing hands under ${opts.attempts} attempts`);
    this.clusterId = opts.clusterId;
    this.attempts = opts.attempts;
  }
}
