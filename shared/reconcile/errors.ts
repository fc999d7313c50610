/**
 * Why one object could not be synced, as reconcile itself decides it (the cluster and provider
 * adapters have errors of their own). Messages name stores, keys, namespaces and Secrets only.
 */
import type { FailureReason } from './status-report.js';

/** A failure of one object that reconcile itself detected; `reason` goes into its status. */
export class ObjectSyncError extends Error {
  override readonly name: string = 'ObjectSyncError';
  readonly reason: FailureReason;
  /** A later pass may succeed without any change (retried with backoff). */
  readonly transient: boolean;
  constructor(reason: FailureReason, message: string, transient = false) {
    super(message);
    this.reason = reason;
    this.transient = transient;
  }
}

/** The store's access policy does not let this cluster/namespace read this key. */
export class AccessDeniedByPolicyError extends ObjectSyncError {
  override readonly name = 'AccessDeniedByPolicyError';
  constructor(message: string) {
    super('AccessDenied', message);
  }
}

/** The spec names a store the control plane does not know. */
export class StoreNotFoundError extends ObjectSyncError {
  override readonly name = 'StoreNotFoundError';
  constructor(storeName: string) {
    super('StoreNotFound', `store "${storeName}" does not exist`);
  }
}

/** The cluster's RBAC is namespaced and this namespace is not among the registered ones. */
export class NamespaceNotRegisteredError extends ObjectSyncError {
  override readonly name = 'NamespaceNotRegisteredError';
  constructor(clusterId: string, namespace: string) {
    super(
      'NamespaceNotRegistered',
      `namespace "${namespace}" is not among the namespaces registered for cluster "${clusterId}"`,
    );
  }
}

/** The target Secret cannot be written as the spec asks (missing for Merge/None, owned by another). */
export class TargetConflictError extends ObjectSyncError {
  override readonly name = 'TargetConflictError';
}
