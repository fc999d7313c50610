/**
 * Turns what @kubernetes/client-node throws into the adapter's typed errors. The API server's own
 * words are treated as untrusted: a 400/422 rejection quotes the offending value (a label, an
 * annotation, a data key), so only its reason and field paths are kept; other messages (403, 404,
 * 409, 5xx from an admission webhook, network errors) are redacted of every spelling of what we
 * sent. The raw exception is never chained as `cause`: it carries the response body, and loggers
 * (Powertools among them) serialise `error.cause`.
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
import { redact } from './redaction.js';

export { redact } from './redaction.js';

export interface ErrorContext {
  clusterId: string;
  action: string;
  /** What we sent that must not come back in an error: data (plain and base64), label and annotation values. */
  secretValues?: readonly string[];
}

interface KubeStatusCause {
  reason?: string;
  field?: string;
}

interface KubeStatus {
  message?: string;
  reason?: string;
  details?: { causes?: KubeStatusCause[] };
}

/** How much of an unparseable body is kept (it is redacted first). */
const MAX_UNPARSED_BODY = 300;
/** Causes named in one rejection; a bulk rejection of many fields is summarised. */
const MAX_CAUSES = 10;

function parseStatus(body: unknown): KubeStatus {
  if (typeof body === 'string') {
    try {
      const parsed = JSON.parse(body) as unknown;
      if (parsed && typeof parsed === 'object') return parsed as KubeStatus;
      return { message: body };
    } catch {
      return { message: body };
    }
  }
  if (body && typeof body === 'object') return body as KubeStatus;
  return {};
}

/**
 * "rejected (Invalid): metadata.labels: FieldValueInvalid, data[x]: FieldValueRequired": the
 * Status reason and each cause's field path and reason, never a cause's message.
 */
function describeRejection(status: KubeStatus, secretValues: readonly string[] | undefined): string {
  const causes = Array.isArray(status.details?.causes) ? status.details.causes : [];
  const named = causes
    .slice(0, MAX_CAUSES)
    .map((c) => [c.field, c.reason].filter((s): s is string => typeof s === 'string' && s !== '').join(': '))
    .filter((s) => s !== '');
  const more = causes.length > MAX_CAUSES ? ` and ${causes.length - MAX_CAUSES} more` : '';
  const head = `rejected (${typeof status.reason === 'string' && status.reason ? status.reason : 'Invalid'})`;
  // Field paths can carry map keys (data[<key>]); a key taken from a value must not come back.
  return redact(named.length ? `${head}: ${named.join(', ')}${more}` : head, secretValues);
}

function describeMessage(
  status: KubeStatus,
  secretValues: readonly string[] | undefined,
): string | undefined {
  if (typeof status.message !== 'string' || status.message === '') return undefined;
  const redacted = redact(status.message, secretValues);
  return redacted.length > MAX_UNPARSED_BODY ? `${redacted.slice(0, MAX_UNPARSED_BODY)}...` : redacted;
}

export function toKubeError(error: unknown, context: ErrorContext): KubeApiError {
  if (error instanceof KubeApiError) return error;
  if (!(error instanceof ApiException)) {
    const message = error instanceof Error ? error.message : String(error);
    return new KubeUnreachableError({
      clusterId: context.clusterId,
      action: context.action,
      detail: redact(message, context.secretValues),
    });
  }
  const status = parseStatus(error.body);
  const code = error.code;
  const invalid = code === 400 || code === 422;
  const details: KubeErrorDetails = {
    clusterId: context.clusterId,
    action: context.action,
    status: code,
    reason: typeof status.reason === 'string' ? status.reason : undefined,
    detail: invalid
      ? describeRejection(status, context.secretValues)
      : describeMessage(status, context.secretValues),
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
      return new KubeInvalidError({ ...details, detail: describeRejection(status, context.secretValues) });
  }
}
