/**
 * Deploy-time settings from CDK context, so operators configure the stack without code:
 * `cdk deploy -c fleet-secrets:secretNamePrefixes=prod/,shared/` or a "context" block in cdk.json
 * (arrays and objects may be given as JSON there). docs/deploy.md lists every key.
 */
import { isAbsolute, resolve } from 'node:path';
import { RemovalPolicy } from 'aws-cdk-lib';
import type * as logs from 'aws-cdk-lib/aws-logs';
import type { Construct } from 'constructs';
import { InvalidStackPropsError } from './errors.js';
import {
  DEFAULT_BUNDLE_DIR,
  type FleetSecretsProps,
  type VpcPlacementIds,
  type WatcherOidcProvider,
} from './props.js';

export const CONTEXT_PREFIX = 'fleet-secrets:';

/** CloudWatch Logs accepts only these retention periods (days). */
const RETENTION_DAYS = [
  1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653,
];

const REMOVAL_POLICIES: Record<string, RemovalPolicy> = {
  retain: RemovalPolicy.RETAIN,
  destroy: RemovalPolicy.DESTROY,
  snapshot: RemovalPolicy.SNAPSHOT,
};

type Read = (key: string) => unknown;

function parsed(key: string, value: unknown): unknown {
  if (typeof value !== 'string') return value;
  const trimmed = value.trim();
  if (!trimmed.startsWith('[') && !trimmed.startsWith('{')) return value;
  try {
    return JSON.parse(trimmed);
  } catch {
    throw new InvalidStackPropsError(CONTEXT_PREFIX + key, 'looks like JSON but does not parse');
  }
}

function list(read: Read, key: string): string[] | undefined {
  const value = parsed(key, read(key));
  if (value === undefined) return undefined;
  if (typeof value === 'string') {
    return value
      .split(',')
      .map((v) => v.trim())
      .filter(Boolean);
  }
  if (Array.isArray(value) && value.every((v) => typeof v === 'string')) return value;
  throw new InvalidStackPropsError(
    CONTEXT_PREFIX + key,
    'must be a comma-separated string or a JSON array of strings',
  );
}

function text(read: Read, key: string): string | undefined {
  const value = read(key);
  if (value === undefined) return undefined;
  if (typeof value !== 'string' || value.trim() === '') {
    throw new InvalidStackPropsError(CONTEXT_PREFIX + key, 'must be a non-empty string');
  }
  return value.trim();
}

function num(read: Read, key: string): number | undefined {
  const value = read(key);
  if (value === undefined) return undefined;
  const n = typeof value === 'number' ? value : Number(value);
  if (!Number.isFinite(n))
    throw new InvalidStackPropsError(CONTEXT_PREFIX + key, `must be a number, got "${String(value)}"`);
  return n;
}

function bool(read: Read, key: string): boolean | undefined {
  const value = read(key);
  if (value === undefined) return undefined;
  if (value === true || value === 'true') return true;
  if (value === false || value === 'false') return false;
  throw new InvalidStackPropsError(CONTEXT_PREFIX + key, 'must be true or false');
}

function oidcProviders(read: Read): WatcherOidcProvider[] | undefined {
  const key = 'watcherOidcProviders';
  const value = parsed(key, read(key));
  if (value === undefined) return undefined;
  const ok =
    Array.isArray(value) &&
    value.every((v) => typeof v?.providerArn === 'string' && typeof v?.issuer === 'string');
  if (!ok)
    throw new InvalidStackPropsError(
      CONTEXT_PREFIX + key,
      'must be a JSON array of {"providerArn", "issuer"}',
    );
  return value as WatcherOidcProvider[];
}

function vpcIds(read: Read): VpcPlacementIds | undefined {
  const vpcId = text(read, 'vpcId');
  const subnetIds = list(read, 'subnetIds');
  const securityGroupIds = list(read, 'securityGroupIds');
  if (!vpcId) {
    if (subnetIds || securityGroupIds) {
      throw new InvalidStackPropsError(
        `${CONTEXT_PREFIX}vpcId`,
        'is required when subnetIds or securityGroupIds are set',
      );
    }
    return undefined;
  }
  if (!subnetIds)
    throw new InvalidStackPropsError(`${CONTEXT_PREFIX}subnetIds`, 'is required when vpcId is set');
  return { vpcId, subnetIds, securityGroupIds };
}

/** Reads every `fleet-secrets:*` context key; absent keys keep the stack's defaults. */
export function propsFromContext(scope: Construct, projectRoot: string): FleetSecretsProps {
  const read: Read = (key) => scope.node.tryGetContext(CONTEXT_PREFIX + key);
  const retention = num(read, 'logRetentionDays');
  if (retention !== undefined && !RETENTION_DAYS.includes(retention)) {
    throw new InvalidStackPropsError(
      `${CONTEXT_PREFIX}logRetentionDays`,
      `must be one of ${RETENTION_DAYS.join(', ')}`,
    );
  }
  const removal = text(read, 'removalPolicy');
  if (removal !== undefined && !(removal in REMOVAL_POLICIES)) {
    throw new InvalidStackPropsError(`${CONTEXT_PREFIX}removalPolicy`, 'must be retain, destroy or snapshot');
  }
  const bundleDir = text(read, 'bundleDir') ?? DEFAULT_BUNDLE_DIR;
  const watcherPodIdentity = bool(read, 'watcherPodIdentity');
  return {
    bundleDir: isAbsolute(bundleDir) ? bundleDir : resolve(projectRoot, bundleDir),
    secretNamePrefixes: list(read, 'secretNamePrefixes'),
    secretRegions: list(read, 'secretRegions'),
    secretKmsKeyArns: list(read, 'secretKmsKeyArns'),
    storeRoleArns: list(read, 'storeRoleArns'),
    clusterRoleArns: list(read, 'clusterRoleArns'),
    eksClusterArns: list(read, 'eksClusterArns'),
    clusterCredentialSecretPrefix: text(read, 'clusterCredentialSecretPrefix'),
    sweepSchedule: text(read, 'sweepSchedule'),
    vpcPlacementIds: vpcIds(read),
    logRetention: retention as logs.RetentionDays | undefined,
    removalPolicy: removal === undefined ? undefined : REMOVAL_POLICIES[removal],
    watcher: {
      namespace: text(read, 'watcherNamespace'),
      serviceAccount: text(read, 'watcherServiceAccount'),
      ...(watcherPodIdentity === undefined ? {} : { podIdentity: watcherPodIdentity }),
      oidcProviders: oidcProviders(read),
    },
    alarmTopicArn: text(read, 'alarmTopicArn'),
    rotationLatencyThresholdMs: num(read, 'rotationLatencyThresholdMs'),
    minRefreshInterval: text(read, 'minRefreshInterval'),
  };
}
