/**
 * Turns what @kubernetes/client-node throws into the adapter's typed errors, with the API server's
 * Status message redacted of anything we sent as Secret data.
 */
import { ApiException } from '@kubernetes/client-node';
import {
  KubeApiError,
  KubeConflictError,
  type KubeErrorDetails,
  KubeForbiddenError,
  KubeInvalidError,
  KubeNotFoundError,
  KubeUnauthorizedError,
  KubeUnreachableError,
} from './errors.js';

export interface ErrorContext {
  clusterId: string;
  action: string;
  /** Strings that must not appear in an error message (the base64 and plain data we sent). */
  secretValues?: readonly string[];
}

interface KubeStatus {
  message?: string;
  reason?: string;
}

function parseStatus(body: unknown): KubeStatus {
  if (typeof body === 'string') {
    try {
      return JSON.parse(body) as KubeStatus;
    } catch {
      return { message: body.slice(0, 300) };
    }
  }
  if (body && typeof body === 'object') return body as KubeStatus;
  return {};
}

/** Removes every occurrence of the given values (shortest last, so no value leaks through a longer one). */
export function redact(text: string, values: readonly string[] | undefined): string {
  if (!values?.length) return text;
  let out = text;
  for (const value of [...values].sort((a, b) => b.length - a.length)) {
    // Very short values would redact ordinary words; the API server never echoes data anyway.
    if (value.length < 4) continue;
    out = out.split(value).join('[redacted]');
  }
  return out;
}

export function toKubeError(error: unknown, context: ErrorContext): KubeApiError {
  if (error instanceof KubeApiError) return error;
  if (!(error instanceof ApiException)) {
    return new KubeUnreachableError({
      clusterId: context.clusterId,
      action: context.action,
      detail: redact(error instanceof Error ? error.message : String(error), context.secretValues),
      cause: error,
    });
  }
  const status = parseStatus(error.body);
  const code = error.code;
  const details: KubeErrorDetails = {
    clusterId: context.clusterId,
    action: context.action,
    status: code,
    reason: status.reason,
    detail: status.message ? redact(status.message, context.secretValues) : undefined,
  };
  switch (code) {
    case 401:
      return new KubeUnauthorizedError(details);
    case 403:
      return new KubeForbiddenError(details);
    case 404:
      return new KubeNotFoundError(details);
    case 409:
      return new KubeConflictError(details);
    case 400:
    case 422:
      return new KubeInvalidError(details);
    default:
      // 429 and 5xx: the API server is overloaded or broken; nothing about this object is wrong.
      if (code === 429 || code >= 500) return new KubeUnreachableError(details);
      return new KubeInvalidError(details);
  }
}
