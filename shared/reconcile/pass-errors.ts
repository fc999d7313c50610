/**
 * How a failure is told: the reason an object's status records, what the cluster's health becomes,
 * and what may be logged. Our own errors are written never to carry a value; any other error is
 * named, never quoted.
 */
import { RenderError } from '../domain/errors.js';
import type { ClusterHealthState } from '../domain/records.js';
import {
  isClusterWideFailure,
  KubeApiError,
  KubeConflictError,
  KubeForbiddenError,
  KubeInvalidError,
  KubeNotFoundError,
  KubeUnauthorizedError,
} from '../ports/cluster-client-errors.js';
import { ObjectSyncError } from './errors.js';
import type { FailureReason } from './status-report.js';
import type { PassOutcome } from './types.js';

export function failureReasonOf(error: unknown): FailureReason {
  if (error instanceof ObjectSyncError) return error.reason;
  if (error instanceof RenderError) return error.reason === 'ProviderError' ? 'ProviderError' : 'RenderError';
  if (error instanceof KubeUnauthorizedError) return 'ClusterUnauthorized';
  if (isClusterWideFailure(error)) return 'ClusterUnreachable';
  if (error instanceof KubeForbiddenError) return 'Forbidden';
  if (error instanceof KubeInvalidError) return 'Invalid';
  if (error instanceof KubeConflictError) return 'Conflict';
  if (error instanceof KubeNotFoundError) return 'Invalid';
  return 'InternalError';
}

export function healthOf(error: Error): ClusterHealthState {
  if (error instanceof KubeUnauthorizedError) return 'Unauthorized';
  if (isClusterWideFailure(error)) return 'Unreachable';
  if (error instanceof KubeForbiddenError) return 'Forbidden';
  return 'Unknown';
}

export function passOutcomeOf(error: Error): PassOutcome {
  if (error instanceof KubeUnauthorizedError) return 'cluster-unauthorized';
  if (isClusterWideFailure(error)) return 'cluster-unreachable';
  return 'completed';
}

/** The message a status, an Event and a log line may carry. */
export function safeMessage(error: unknown): string {
  if (error instanceof ObjectSyncError || error instanceof RenderError || error instanceof KubeApiError) {
    return error.message;
  }
  return `internal error (${error instanceof Error ? error.name : typeof error})`;
}

/** Log attributes of an error: ours by name and message, any other by name and stack frames. */
export function errorAttributes(error: unknown): Record<string, unknown> {
  if (error instanceof ObjectSyncError || error instanceof RenderError || error instanceof KubeApiError) {
    return { error: error.name, message: error.message };
  }
  // Unknown errors: the name and where it happened, never the message (it could quote a value).
  // Frames only: a message of several lines (client-node puts the response body on its third) is
  // part of the stack text too.
  const stack =
    error instanceof Error
      ? error.stack
          ?.split('\n')
          .filter((line) => /^\s+at /.test(line))
          .slice(0, 5)
          .join('\n')
      : undefined;
  return { error: error instanceof Error ? error.name : typeof error, stack };
}
