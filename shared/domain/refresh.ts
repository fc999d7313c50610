import { createHash } from 'node:crypto';
import { parseDuration } from '../go-compat/duration.js';
import type { RefreshPolicy } from './schema.js';

/** ESO's default refreshInterval. */
export const DEFAULT_REFRESH_INTERVAL = '1h';
/**
 * The shortest refreshInterval the control plane accepts unless its settings say otherwise: every
 * due object costs provider reads from an account-wide quota, so `1ns` (due at every sweep) would
 * spend other tenants' share. "0" (refresh disabled) stays allowed.
 */
export const DEFAULT_MIN_REFRESH_INTERVAL_MS = 60_000;
/** Jitter spreads refreshes over up to this share of the interval... */
export const JITTER_FRACTION = 0.1;
/** ...but never more than this, so a 24h interval is not late by hours. */
export const MAX_JITTER_MS = 5 * 60_000;

/**
 * When a periodic refresh of an object is next due: last sync + interval + a jitter that is
 * stable per object (a hash of its key) and only ever delays. Objects synced together after a
 * deploy thus spread out instead of hitting the providers at the same second forever.
 * Undefined when nothing is due: refreshInterval "0", CreatedOnce, OnChange.
 */
export function nextRefreshAt(input: {
  lastSyncAt: Date;
  refreshInterval?: string;
  refreshPolicy?: RefreshPolicy;
  objectKey: string;
  /** Shorter intervals are scheduled as this (objects stored before the minimum was raised). */
  minIntervalMs?: number;
}): Date | undefined {
  const policy = input.refreshPolicy ?? 'Periodic';
  if (policy !== 'Periodic') return undefined;
  const requested = parseDuration(input.refreshInterval ?? DEFAULT_REFRESH_INTERVAL);
  if (requested <= 0) return undefined;
  const interval = Math.max(requested, input.minIntervalMs ?? DEFAULT_MIN_REFRESH_INTERVAL_MS);
  const spread = Math.min(interval * JITTER_FRACTION, MAX_JITTER_MS);
  const jitter = Math.floor(stableFraction(input.objectKey) * spread);
  return new Date(input.lastSyncAt.getTime() + interval + jitter);
}

/** A number in [0, 1) that depends only on `key`. */
export function stableFraction(key: string): number {
  const h = createHash('sha256').update(key).digest();
  return h.readUInt32BE(0) / 2 ** 32;
}
