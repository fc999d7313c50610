/**
 * The watcher's settings, all from environment variables (the Deployment sets them). Every problem
 * names the variable, so a misconfigured pod says what to fix in its first log line.
 */

import { MAX_NOTICES_PER_BATCH } from '../shared/contracts/notice-batch.js';
import { WatcherConfigError } from './errors.js';
import type { LogLevel } from './logger.js';

export interface WatcherConfig {
  clusterId: string;
  /** ARN (or name) of the control plane's ingest function. */
  ingestFunction: string;
  /** This cluster's watcher key: signs every batch, so the ingest knows which cluster speaks. */
  signingKey: string;
  region: string;
  /** Period of the full relist whose digest lets the control plane heal anything missed. */
  resyncIntervalMs: number;
  /** Edits of one object within this window become one notice. */
  debounceMs: number;
  /** Distinct objects the notice queue holds while the control plane is unreachable. */
  maxPendingObjects: number;
  /** Notices per invocation; keeps payloads far below Lambda's limit. */
  maxBatchSize: number;
  /** Server-side watch timeout; the client gives up on a silent watch shortly after it. */
  watchTimeoutSeconds: number;
  healthPort: number;
  metricsPort: number;
  logLevel: LogLevel;
  /** How long SIGTERM may spend flushing pending notices (keep below terminationGracePeriodSeconds). */
  shutdownTimeoutMs: number;
}

/** 32 characters of a random hex or base64 string: at least 128 bits. */
export const MIN_SIGNING_KEY_LENGTH = 32;

export const ENV = {
  clusterId: 'WATCHER_CLUSTER_ID',
  ingestFunction: 'WATCHER_INGEST_FUNCTION',
  signingKey: 'WATCHER_SIGNING_KEY',
  region: 'AWS_REGION',
  resyncSeconds: 'WATCHER_RESYNC_SECONDS',
  debounceMs: 'WATCHER_DEBOUNCE_MS',
  maxPendingObjects: 'WATCHER_MAX_PENDING_OBJECTS',
  maxBatchSize: 'WATCHER_MAX_BATCH_SIZE',
  watchTimeoutSeconds: 'WATCHER_WATCH_TIMEOUT_SECONDS',
  healthPort: 'WATCHER_HEALTH_PORT',
  metricsPort: 'WATCHER_METRICS_PORT',
  logLevel: 'WATCHER_LOG_LEVEL',
  shutdownTimeoutMs: 'WATCHER_SHUTDOWN_TIMEOUT_MS',
} as const;

// What registration accepts (a DNS label): the ingest refuses any other cluster id.
const clusterIdPattern = /^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/;
const functionArnPattern =
  /^arn:aws[a-z-]*:lambda:([a-z0-9-]+):\d{12}:function:[A-Za-z0-9_-]{1,64}(:[A-Za-z0-9_$-]+)?$/;
const functionNamePattern = /^[A-Za-z0-9_-]{1,64}$/;
const logLevels: readonly LogLevel[] = ['debug', 'info', 'warn', 'error'];

type Env = Readonly<Record<string, string | undefined>>;

function required(env: Env, variable: string): string {
  const value = env[variable]?.trim();
  if (!value) throw new WatcherConfigError(variable, 'is required but not set');
  return value;
}

function integer(env: Env, variable: string, fallback: number, min: number, max: number): number {
  const raw = env[variable]?.trim();
  if (raw === undefined || raw === '') return fallback;
  if (!/^\d+$/.test(raw)) throw new WatcherConfigError(variable, `must be a whole number, got "${raw}"`);
  const value = Number(raw);
  if (value < min || value > max) {
    throw new WatcherConfigError(variable, `must be between ${min} and ${max}, got ${value}`);
  }
  return value;
}

/** Reads and checks the configuration; throws WatcherConfigError naming the first bad variable. */
export function loadWatcherConfig(env: Env = process.env): WatcherConfig {
  const clusterId = required(env, ENV.clusterId);
  if (!clusterIdPattern.test(clusterId)) {
    throw new WatcherConfigError(
      ENV.clusterId,
      'must be a DNS label (lower-case letters, digits and "-", at most 63), as registration requires',
    );
  }
  const ingestFunction = required(env, ENV.ingestFunction);
  const arnMatch = functionArnPattern.exec(ingestFunction);
  if (!arnMatch && !functionNamePattern.test(ingestFunction)) {
    throw new WatcherConfigError(
      ENV.ingestFunction,
      'must be a Lambda function ARN (arn:aws:lambda:REGION:ACCOUNT:function:NAME) or a function name',
    );
  }
  const region = env[ENV.region]?.trim() || env.AWS_DEFAULT_REGION?.trim() || arnMatch?.[1];
  if (!region) {
    throw new WatcherConfigError(ENV.region, 'is required when the ingest function is given by name');
  }
  const signingKey = required(env, ENV.signingKey);
  if (signingKey.length < MIN_SIGNING_KEY_LENGTH) {
    // The value itself is never echoed.
    throw new WatcherConfigError(ENV.signingKey, `must be at least ${MIN_SIGNING_KEY_LENGTH} characters`);
  }
  const logLevel = (env[ENV.logLevel]?.trim().toLowerCase() || 'info') as LogLevel;
  if (!logLevels.includes(logLevel)) {
    throw new WatcherConfigError(ENV.logLevel, `must be one of ${logLevels.join(', ')}`);
  }
  const healthPort = integer(env, ENV.healthPort, 8081, 1, 65_535);
  const metricsPort = integer(env, ENV.metricsPort, 9090, 1, 65_535);
  if (healthPort === metricsPort) {
    throw new WatcherConfigError(ENV.metricsPort, `must differ from ${ENV.healthPort} (${healthPort})`);
  }
  return {
    clusterId,
    ingestFunction,
    signingKey,
    region,
    resyncIntervalMs: integer(env, ENV.resyncSeconds, 600, 10, 86_400) * 1000,
    debounceMs: integer(env, ENV.debounceMs, 1000, 0, 60_000),
    maxPendingObjects: integer(env, ENV.maxPendingObjects, 10_000, 1, 1_000_000),
    maxBatchSize: integer(env, ENV.maxBatchSize, MAX_NOTICES_PER_BATCH, 1, MAX_NOTICES_PER_BATCH),
    watchTimeoutSeconds: integer(env, ENV.watchTimeoutSeconds, 300, 10, 3_600),
    healthPort,
    metricsPort,
    logLevel,
    shutdownTimeoutMs: integer(env, ENV.shutdownTimeoutMs, 20_000, 0, 300_000),
  };
}
