import { describe, expect, it } from 'vitest';
import { loadWatcherConfig } from './config.js';
import { WatcherConfigError } from './errors.js';

const arn = 'arn:aws:lambda:eu-west-1:123456789012:function:fleet-secrets-ingest';
const signingKey = 'k'.repeat(64);
const minimal = {
  WATCHER_CLUSTER_ID: 'prod-eu-1',
  WATCHER_INGEST_FUNCTION: arn,
  WATCHER_SIGNING_KEY: signingKey,
};

function errorOf(env: Record<string, string>): WatcherConfigError {
  try {
    loadWatcherConfig(env);
  } catch (error) {
    if (error instanceof WatcherConfigError) return error;
    throw error;
  }
  throw new Error('expected a WatcherConfigError');
}

describe('loadWatcherConfig', () => {
  it('should apply the documented defaults and take the region from the function ARN', () => {
    expect(loadWatcherConfig(minimal)).toEqual({
      clusterId: 'prod-eu-1',
      ingestFunction: arn,
      signingKey,
      region: 'eu-west-1',
      resyncIntervalMs: 600_000,
      debounceMs: 1_000,
      maxPendingObjects: 10_000,
      maxBatchSize: 500,
      watchTimeoutSeconds: 300,
      healthPort: 8081,
      metricsPort: 9090,
      logLevel: 'info',
      shutdownTimeoutMs: 20_000,
    });
  });

  it('should read every setting from its variable', () => {
    const config = loadWatcherConfig({
      ...minimal,
      AWS_REGION: 'us-east-2',
      WATCHER_RESYNC_SECONDS: '60',
      WATCHER_DEBOUNCE_MS: '250',
      WATCHER_MAX_PENDING_OBJECTS: '100',
      WATCHER_MAX_BATCH_SIZE: '10',
      WATCHER_WATCH_TIMEOUT_SECONDS: '120',
      WATCHER_HEALTH_PORT: '8080',
      WATCHER_METRICS_PORT: '9100',
      WATCHER_LOG_LEVEL: 'DEBUG',
      WATCHER_SHUTDOWN_TIMEOUT_MS: '5000',
    });
    expect(config).toMatchObject({
      region: 'us-east-2',
      resyncIntervalMs: 60_000,
      debounceMs: 250,
      maxPendingObjects: 100,
      maxBatchSize: 10,
      watchTimeoutSeconds: 120,
      healthPort: 8080,
      metricsPort: 9100,
      logLevel: 'debug',
      shutdownTimeoutMs: 5_000,
    });
  });

  it('should name a missing required variable', () => {
    expect(errorOf({ WATCHER_INGEST_FUNCTION: arn }).variable).toBe('WATCHER_CLUSTER_ID');
    expect(errorOf({ WATCHER_CLUSTER_ID: 'c1' }).message).toMatch(/^WATCHER_INGEST_FUNCTION: is required/);
    expect(errorOf({ WATCHER_CLUSTER_ID: 'c1', WATCHER_INGEST_FUNCTION: arn }).variable).toBe(
      'WATCHER_SIGNING_KEY',
    );
  });

  it('should refuse a short signing key without echoing it', () => {
    const error = errorOf({ ...minimal, WATCHER_SIGNING_KEY: 'short-key' });
    expect(error.variable).toBe('WATCHER_SIGNING_KEY');
    expect(error.message).not.toContain('short-key');
  });

  it('should require AWS_REGION when the function is given by name', () => {
    expect(errorOf({ ...minimal, WATCHER_INGEST_FUNCTION: 'fleet-secrets-ingest' }).variable).toBe(
      'AWS_REGION',
    );
    expect(
      loadWatcherConfig({ ...minimal, WATCHER_INGEST_FUNCTION: 'ingest', AWS_REGION: 'eu-central-1' }).region,
    ).toBe('eu-central-1');
  });

  it('should name the variable of a malformed or out-of-range value', () => {
    expect(errorOf({ ...minimal, WATCHER_CLUSTER_ID: 'Prod EU' }).variable).toBe('WATCHER_CLUSTER_ID');
    expect(errorOf({ ...minimal, WATCHER_INGEST_FUNCTION: 'arn:aws:s3:::bucket' }).variable).toBe(
      'WATCHER_INGEST_FUNCTION',
    );
    expect(errorOf({ ...minimal, WATCHER_RESYNC_SECONDS: '10m' }).message).toBe(
      'WATCHER_RESYNC_SECONDS: must be a whole number, got "10m"',
    );
    expect(errorOf({ ...minimal, WATCHER_RESYNC_SECONDS: '1' }).message).toMatch(/between 10 and 86400/);
    expect(errorOf({ ...minimal, WATCHER_LOG_LEVEL: 'verbose' }).variable).toBe('WATCHER_LOG_LEVEL');
    expect(errorOf({ ...minimal, WATCHER_HEALTH_PORT: '9090' }).variable).toBe('WATCHER_METRICS_PORT');
  });
});
