/**
 * What the stack promises the function code at run time: environment variable names, the EMF
 * metric namespace and names the alarms watch, and the service name each function logs and
 * measures under. Pure (no aws-cdk-lib import), so handlers can import it without pulling CDK
 * into their bundles; the stack and the functions then cannot disagree on a name.
 */
import { FUNCTION_NAMES, type FunctionName } from './function-names.js';

export { FUNCTION_NAMES, type FunctionName };

/** Environment variables the stack sets on the functions (besides Powertools' own). */
export const ENV = {
  /** Name of the state table (every function). */
  tableName: 'FLEET_SECRETS_TABLE_NAME',
  /** Name of the reconcile-cluster function, the target of every fan-out (all five functions, itself included). */
  reconcileFunctionName: 'FLEET_SECRETS_RECONCILE_FUNCTION_NAME',
  /** ARN of the Secrets Manager secret holding the key of the rendered-data HMAC (reconcile-cluster only). */
  hmacKeySecretArn: 'FLEET_SECRETS_HMAC_KEY_SECRET_ARN',
  /** Role reconcile-cluster assumes to read stores that name no role (never the control plane's own secrets). */
  storeReaderRoleArn: 'FLEET_SECRETS_STORE_READER_ROLE_ARN',
  /** Name prefix under which each cluster's token secret must live, `<prefix><clusterId>/` (api). */
  clusterCredentialSecretPrefix: 'FLEET_SECRETS_CLUSTER_CREDENTIAL_PREFIX',
  /** Comma-separated secret name prefixes the control plane's own role may read (reconcile-cluster, api). */
  secretNamePrefixes: 'FLEET_SECRETS_SECRET_NAME_PREFIXES',
  /**
   * Shortest non-zero refreshInterval, in whole milliseconds: ingest and api refuse shorter ones,
   * reconcile-cluster never schedules sooner. Unset: the code's default (1m).
   */
  minRefreshIntervalMs: 'FLEET_SECRETS_MIN_REFRESH_INTERVAL_MS',
} as const;

/** The CloudWatch namespace of our EMF metrics (Powertools reads it from POWERTOOLS_METRICS_NAMESPACE). */
export const METRICS_NAMESPACE = 'FleetSecrets';

/** Metric names the alarms and the dashboard watch; the functions must emit exactly these. */
export const METRIC = {
  /** Count: an object whose sync failed in a reconcile pass (emitted by reconcile-cluster). */
  syncFailures: 'SyncFailures',
  /** Milliseconds from the secret change's event time to the target Secret written (reconcile-cluster). */
  rotationLatencyMs: 'RotationLatencyMs',
  /** Count: objects a reconcile pass wrote or confirmed in sync (reconcile-cluster). */
  objectsSynced: 'ObjectsSynced',
} as const;

/**
 * The `service` dimension Powertools Metrics adds to every metric (from POWERTOOLS_SERVICE_NAME).
 * A CloudWatch metric is identified by its full dimension set, so the alarms must name the same
 * value the function emits under.
 */
export function serviceNameOf(fn: FunctionName): string {
  return `fleet-secrets-${fn}`;
}
