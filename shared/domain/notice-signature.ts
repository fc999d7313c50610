/**
 * Binds a watcher's notice batch to its cluster. Every watcher shares one IAM role, and a direct
 * Lambda Invoke tells the function nothing about its caller (`context.identity` is only set for
 * Cognito callers, and `clientContext` is whatever the caller wrote), so the payload's clusterId
 * cannot be checked against IAM. Instead each cluster's watcher holds its own key (a Kubernetes
 * Secret in its namespace; the control plane keeps the same key under the cluster's credential
 * path) and signs each batch: a watcher can then speak only for the cluster whose key it has.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';

const DOMAIN = 'fleet-secrets.io/notice-batch/v1';

/** How far a batch's issuedAt may be from the ingest's clock: bounds replays of a captured batch. */
export const MAX_BATCH_SKEW_MS = 5 * 60_000;

export interface SignableBatch {
  clusterId: string;
  issuedAt?: string;
  signature?: string;
}

/** JSON with keys sorted at every level: what is signed does not depend on key order in transit. */
function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (value === null || typeof value !== 'object') return JSON.stringify(value) ?? 'null';
  const obj = value as Record<string, unknown>;
  return `{${Object.keys(obj)
    .filter((k) => obj[k] !== undefined)
    .sort()
    .map((k) => `${JSON.stringify(k)}:${canonical(obj[k])}`)
    .join(',')}}`;
}

/** HMAC-SHA256 (hex) of everything in the batch but its signature. */
export function noticeBatchSignature(key: Uint8Array, batch: SignableBatch): string {
  const { signature: _ignored, ...signed } = batch;
  return createHmac('sha256', key).update(DOMAIN).update('\n').update(canonical(signed)).digest('hex');
}

export type BindingDecision = { bound: true } | { bound: false; reason: string };

/** Whether `batch` was signed with `key` recently enough. Reasons name the cluster, never the key. */
export function verifyNoticeBatch(key: Uint8Array, batch: SignableBatch, now: Date): BindingDecision {
  const cluster = `cluster "${batch.clusterId}"`;
  if (!batch.signature || !batch.issuedAt) {
    return { bound: false, reason: `batch for ${cluster} is not signed (signature, issuedAt)` };
  }
  const issued = Date.parse(batch.issuedAt);
  if (Number.isNaN(issued) || Math.abs(now.getTime() - issued) > MAX_BATCH_SKEW_MS) {
    return { bound: false, reason: `batch for ${cluster}: issuedAt is more than 5 minutes off` };
  }
  const expected = Buffer.from(noticeBatchSignature(key, batch), 'hex');
  const given = Buffer.from(batch.signature, 'hex');
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
    return {
      bound: false,
      reason: `batch for ${cluster}: signature does not match that cluster's watcher key`,
    };
  }
  return { bound: true };
}
