/**
 * What a ClusterClient throws, as small typed errors every implementation shares, so reconcile
 * can tell "this object failed" (Forbidden, Invalid, Conflict) from "this cluster is gone"
 * (Unreachable, Unauthorized) without knowing the adapter. Messages name the cluster, verb and
 * object, never a Secret value.
 */

export type KubeErrorKind =
  | 'Unreachable'
  | 'Unauthorized'
  | 'Forbidden'
  | 'Conflict'
  | 'NotFound'
  | 'Invalid';

export interface KubeErrorDetails {
  clusterId: string;
  /** e.g. "list secrets in namespace team-a", "apply secret team-a/db". */
  action: string;
  /** HTTP status code, absent when no response came back. */
  status?: number;
  /** The API server's reason (Status.reason), e.g. "Forbidden", "AlreadyExists". */
  reason?: string;
  /** The API server's message, already redacted. */
  detail?: string;
  cause?: unknown;
}

/** Base of every error a ClusterClient throws for an API call. */
export abstract class KubeApiError extends Error {
  abstract readonly kind: KubeErrorKind;
  readonly clusterId: string;
  readonly action: string;
  readonly status: number | undefined;
  readonly reason: string | undefined;

  constructor(summary: string, details: KubeErrorDetails) {
    super(
      `${summary}: cluster "${details.clusterId}": ${details.action}${details.detail ? `: ${details.detail}` : ''}`,
      details.cause === undefined ? undefined : { cause: details.cause },
    );
    this.clusterId = details.clusterId;
    this.action = details.action;
    this.status = details.status;
    this.reason = details.reason;
  }
}

/** No answer from the API server in time (connection refused, reset, DNS, TLS, timeout, 5xx gateway). */
export class KubeUnreachableError extends KubeApiError {
  override readonly name = 'KubeUnreachableError';
  readonly kind = 'Unreachable' as const;
  constructor(details: KubeErrorDetails) {
    super('API server unreachable', details);
  }
}

/** The API server rejected the control plane's credentials (401). */
export class KubeUnauthorizedError extends KubeApiError {
  override readonly name = 'KubeUnauthorizedError';
  readonly kind = 'Unauthorized' as const;
  constructor(details: KubeErrorDetails) {
    super('Unauthorized', details);
  }
}

/** RBAC denied the control plane's identity this verb on this resource (403). */
export class KubeForbiddenError extends KubeApiError {
  override readonly name = 'KubeForbiddenError';
  readonly kind = 'Forbidden' as const;
  constructor(details: KubeErrorDetails) {
    super('Forbidden', details);
  }
}

/** A write lost a race or a field-manager conflict (409). */
export class KubeConflictError extends KubeApiError {
  override readonly name = 'KubeConflictError';
  readonly kind = 'Conflict' as const;
  constructor(details: KubeErrorDetails) {
    super('Conflict', details);
  }
}

/** The object, its namespace or its resource type does not exist (404). */
export class KubeNotFoundError extends KubeApiError {
  override readonly name = 'KubeNotFoundError';
  readonly kind = 'NotFound' as const;
  constructor(details: KubeErrorDetails) {
    super('Not found', details);
  }
}

/** The API server refused the object as invalid (400/422), e.g. a change to an immutable Secret. */
export class KubeInvalidError extends KubeApiError {
  override readonly name = 'KubeInvalidError';
  readonly kind = 'Invalid' as const;
  constructor(details: KubeErrorDetails) {
    super('Invalid', details);
  }
}

/** A cluster registration cannot be turned into a client (missing CA, unreadable kubeconfig, ...). */
export class ClusterConfigError extends Error {
  override readonly name = 'ClusterConfigError';
}

/** The cluster id has no registration in the state store. */
export class UnknownClusterError extends Error {
  override readonly name = 'UnknownClusterError';
  constructor(readonly clusterId: string) {
    super(`cluster "${clusterId}" is not registered`);
  }
}

/** Errors that mean the whole cluster is out of reach for this pass, not one object. */
export function isClusterWideFailure(error: unknown): error is KubeUnreachableError | KubeUnauthorizedError {
  return error instanceof KubeUnreachableError || error instanceof KubeUnauthorizedError;
}
