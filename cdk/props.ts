/**
 * What an operator sets when deploying the control plane, with the defaults a platform team
 * would pick. docs/deploy.md walks through each prop; resolveProps checks them and names the
 * offending prop in every error.
 */
import { Fn, RemovalPolicy } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as sns from 'aws-cdk-lib/aws-sns';
import type { Construct } from 'constructs';
import {
  CLUSTER_CREDENTIALS_PREFIX,
  CONTROL_PLANE_INTERNAL_PREFIX,
  prefixesOverlap,
} from '../shared/domain/reserved-keys.js';
import { parseDuration } from '../shared/go-compat/duration.js';
import { InvalidStackPropsError } from './errors.js';
import { DEFAULT_SWEEP_SCHEDULE } from './event-patterns.js';

/** A cluster's IAM OIDC provider, for watchers that authenticate with IRSA. */
export interface WatcherOidcProvider {
  /** arn:aws:iam::ACCOUNT:oidc-provider/oidc.eks.REGION.amazonaws.com/id/ID */
  providerArn: string;
  /** The issuer host and path without https://, e.g. oidc.eks.eu-west-1.amazonaws.com/id/ABC123 */
  issuer: string;
}

export interface WatcherAccessProps {
  /** Namespace of the watcher's ServiceAccount. Default: fleet-secrets-system. */
  namespace?: string;
  /** Name of the watcher's ServiceAccount. Default: fleet-secrets-watcher. */
  serviceAccount?: string;
  /** Trust EKS Pod Identity (one association per cluster, no per-cluster trust). Default: true. */
  podIdentity?: boolean;
  /** Trust these clusters' OIDC providers (IRSA). Default: none. */
  oidcProviders?: WatcherOidcProvider[];
}

/** Private API servers, by id (what `-c` context can carry); imported into the stack. */
export interface VpcPlacementIds {
  vpcId: string;
  subnetIds: string[];
  /** Default: one new security group per function allowing all egress and no ingress. */
  securityGroupIds?: string[];
}

/** Private API servers: the functions that talk to clusters run in these subnets. */
export interface VpcPlacementProps {
  vpc: ec2.IVpc;
  /** Default: the VPC's private subnets with egress. */
  subnets?: ec2.SubnetSelection;
  /** Default: one new security group allowing all egress and no ingress. */
  securityGroups?: ec2.ISecurityGroup[];
}

export interface FleetSecretsProps {
  /** Folder holding <function>/index.mjs bundles made by `npm run build`. Default: dist/functions. */
  bundleDir?: string;
  /**
   * Secrets Manager name prefixes the control plane may read with its own role (stores in this
   * account). Every store's key must fall under one. None may overlap "fleet-secrets-internal/"
   * (the control plane's own secrets) or clusterCredentialSecretPrefix. Default: ["fleet-secrets/"].
   */
  secretNamePrefixes?: string[];
  /** Regions of those secrets. Default: the stack's region. */
  secretRegions?: string[];
  /** Customer-managed KMS keys encrypting those secrets (the aws/secretsmanager key needs none). */
  secretKmsKeyArns?: string[];
  /** Roles the functions may assume to read stores in other accounts (sts:AssumeRole). Default: none. */
  storeRoleArns?: string[];
  /** Roles the functions may assume to reach clusters (EKS access entries map them). Default: none. */
  clusterRoleArns?: string[];
  /** EKS clusters the control plane may describe. Default: every cluster of this account and region. */
  eksClusterArns?: string[];
  /** Secret name prefix of credentials for non-EKS clusters (tokens, kubeconfigs). Default: "fleet-secrets-internal/clusters/". */
  clusterCredentialSecretPrefix?: string;
  /** EventBridge schedule expression of the sweep. Default: rate(1 minute). */
  sweepSchedule?: string;
  /** Place ingest, reconcile-cluster and api in a VPC (private API servers). Default: no VPC. */
  vpcPlacement?: VpcPlacementProps;
  /** The same by ids; used when vpcPlacement is not given. */
  vpcPlacementIds?: VpcPlacementIds;
  /** Retention of every function's log group. Default: one month. */
  logRetention?: logs.RetentionDays;
  /** What happens to the table and key when the stack is deleted. Default: RETAIN. */
  removalPolicy?: RemovalPolicy;
  watcher?: WatcherAccessProps;
  /** Alarms notify this topic. Default: alarms without actions (wire them up yourself). */
  alarmTopic?: sns.ITopic;
  /** The same by ARN; used when alarmTopic is not given. */
  alarmTopicArn?: string;
  /** p99 rotation latency (event to Secret written) above which the alarm fires. Default: 2000 ms. */
  rotationLatencyThresholdMs?: number;
  /**
   * Shortest non-zero `refreshInterval` an object may ask for, as a Go duration: every due object
   * spends provider reads from an account-wide quota. Shorter ones fail validation ("0", no
   * periodic refresh, stays allowed). Between 1s and 24h. Default: "1m".
   */
  minRefreshInterval?: string;
  /** Default: Node.js 24 (the newest Lambda runtime in this aws-cdk-lib; bundles target node24). */
  runtime?: lambda.Runtime;
}

export interface ResolvedProps {
  bundleDir: string;
  secretNamePrefixes: string[];
  secretRegions: string[] | undefined;
  secretKmsKeyArns: string[];
  storeRoleArns: string[];
  clusterRoleArns: string[];
  eksClusterArns: string[] | undefined;
  clusterCredentialSecretPrefix: string;
  sweepSchedule: string;
  vpcPlacement: VpcPlacementProps | undefined;
  logRetention: logs.RetentionDays;
  removalPolicy: RemovalPolicy;
  watcher: Required<Omit<WatcherAccessProps, 'oidcProviders'>> & { oidcProviders: WatcherOidcProvider[] };
  alarmTopic: sns.ITopic | undefined;
  rotationLatencyThresholdMs: number;
  minRefreshIntervalMs: number;
  runtime: lambda.Runtime;
}

export const DEFAULT_BUNDLE_DIR = 'dist/functions';
export const DEFAULT_MIN_REFRESH_INTERVAL = '1m';
export const DEFAULT_SECRET_NAME_PREFIXES = ['fleet-secrets/'];
export const DEFAULT_CLUSTER_CREDENTIAL_PREFIX = CLUSTER_CREDENTIALS_PREFIX;
export const DEFAULT_WATCHER_NAMESPACE = 'fleet-secrets-system';
export const DEFAULT_WATCHER_SERVICE_ACCOUNT = 'fleet-secrets-watcher';

// Secrets Manager names: letters, digits and /_+=.@- ; a prefix must not contain IAM wildcards,
// or the "prefix*" resource would grant more than the operator wrote.
const SECRET_PREFIX = /^[A-Za-z0-9/_+=.@-]{1,256}$/;
const ROLE_ARN = /^arn:aws[a-z-]*:iam::\d{12}:role\/[\w+=,.@/-]{1,512}$/;
const KMS_KEY_ARN = /^arn:aws[a-z-]*:kms:[a-z0-9-]+:\d{12}:key\/[A-Za-z0-9-]+$/;
const EKS_CLUSTER_ARN = /^arn:aws[a-z-]*:eks:[a-z0-9-]+:\d{12}:cluster\/[A-Za-z0-9][A-Za-z0-9_-]{0,99}$/;
const REGION = /^[a-z]{2}(-[a-z]+)+-\d$/;
const OIDC_PROVIDER_ARN = /^arn:aws[a-z-]*:iam::\d{12}:oidc-provider\/(.+)$/;
const SCHEDULE = /^(rate\(\d+ (minute|minutes|hour|hours|day|days)\)|cron\(.+\))$/;
const K8S_NAME = /^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/;
const VPC_ID = /^vpc-[0-9a-f]{8,17}$/;
const SUBNET_ID = /^subnet-[0-9a-f]{8,17}$/;
const SECURITY_GROUP_ID = /^sg-[0-9a-f]{8,17}$/;
const TOPIC_ARN = /^arn:aws[a-z-]*:sns:[a-z0-9-]+:\d{12}:[A-Za-z0-9_-]{1,256}$/;

function one(prop: string, value: string, pattern: RegExp, what: string): string {
  if (!pattern.test(value)) throw new InvalidStackPropsError(prop, `must be ${what}, got "${value}"`);
  return value;
}

function each(prop: string, values: string[], pattern: RegExp, what: string): string[] {
  values.forEach((value, i) => {
    if (!pattern.test(value))
      throw new InvalidStackPropsError(`${prop}[${i}]`, `must be ${what}, got "${value}"`);
  });
  return [...new Set(values)];
}

function importVpcPlacement(scope: Construct, ids: VpcPlacementIds): VpcPlacementProps {
  one('vpcPlacementIds.vpcId', ids.vpcId, VPC_ID, 'a VPC id');
  if (ids.subnetIds.length === 0)
    throw new InvalidStackPropsError('vpcPlacementIds.subnetIds', 'must name at least one subnet');
  each('vpcPlacementIds.subnetIds', ids.subnetIds, SUBNET_ID, 'a subnet id');
  each(
    'vpcPlacementIds.securityGroupIds',
    ids.securityGroupIds ?? [],
    SECURITY_GROUP_ID,
    'a security group id',
  );
  // The subnets are named explicitly, so the imported VPC's own zone list is never consulted.
  const vpc = ec2.Vpc.fromVpcAttributes(scope, 'ImportedVpc', {
    vpcId: ids.vpcId,
    availabilityZones: Fn.getAzs(),
  });
  return {
    vpc,
    subnets: {
      subnets: ids.subnetIds.map((id) => ec2.Subnet.fromSubnetId(scope, `ImportedSubnet-${id}`, id)),
    },
    securityGroups: ids.securityGroupIds?.map((id) =>
      ec2.SecurityGroup.fromSecurityGroupId(scope, `ImportedSecurityGroup-${id}`, id, { mutable: false }),
    ),
  };
}

function importAlarmTopic(scope: Construct, arn: string): sns.ITopic {
  one('alarmTopicArn', arn, TOPIC_ARN, 'an SNS topic ARN');
  return sns.Topic.fromTopicArn(scope, 'ImportedAlarmTopic', arn);
}

/**
 * Stores are read with a role that is denied the control plane's own secrets; a store prefix that
 * overlaps them would make that Deny silently cut into the prefix the operator asked for, or, for
 * the cluster prefix, put cluster tokens within a tenant's reach.
 */
function refuseOverlaps(secretNamePrefixes: string[], clusterCredentialSecretPrefix: string): void {
  secretNamePrefixes.forEach((prefix, i) => {
    for (const [reserved, what] of [
      [CONTROL_PLANE_INTERNAL_PREFIX, "the control plane's own secrets"],
      [clusterCredentialSecretPrefix, 'clusterCredentialSecretPrefix'],
    ] as const) {
      if (prefixesOverlap(prefix, reserved)) {
        throw new InvalidStackPropsError(
          `secretNamePrefixes[${i}]`,
          `"${prefix}" overlaps "${reserved}" (${what}); store prefixes must stay apart from it`,
        );
      }
    }
  });
}

function resolveMinRefreshInterval(value: string): number {
  let ms: number;
  try {
    ms = parseDuration(value);
  } catch {
    throw new InvalidStackPropsError(
      'minRefreshInterval',
      `must be a Go duration such as "1m", got "${value}"`,
    );
  }
  if (!Number.isInteger(ms) || ms < 1000 || ms > 24 * 3_600_000) {
    throw new InvalidStackPropsError(
      'minRefreshInterval',
      `must be whole milliseconds between 1s and 24h, got "${value}"`,
    );
  }
  return ms;
}

/** Applies defaults and checks every prop; imports referenced resources (VPC, topic) into `scope`. */
export function resolveProps(scope: Construct, props: FleetSecretsProps = {}): ResolvedProps {
  const secretNamePrefixes = each(
    'secretNamePrefixes',
    props.secretNamePrefixes ?? DEFAULT_SECRET_NAME_PREFIXES,
    SECRET_PREFIX,
    'a Secrets Manager name prefix (letters, digits, /_+=.@-; no wildcards)',
  );
  if (secretNamePrefixes.length === 0) {
    throw new InvalidStackPropsError('secretNamePrefixes', 'must name at least one prefix');
  }
  const clusterCredentialSecretPrefix =
    props.clusterCredentialSecretPrefix ?? DEFAULT_CLUSTER_CREDENTIAL_PREFIX;
  one('clusterCredentialSecretPrefix', clusterCredentialSecretPrefix, SECRET_PREFIX, 'a name prefix');
  refuseOverlaps(secretNamePrefixes, clusterCredentialSecretPrefix);

  const sweepSchedule = props.sweepSchedule ?? DEFAULT_SWEEP_SCHEDULE;
  if (!SCHEDULE.test(sweepSchedule)) {
    throw new InvalidStackPropsError(
      'sweepSchedule',
      `must be rate(...) or cron(...), got "${sweepSchedule}"`,
    );
  }
  const rotationLatencyThresholdMs = props.rotationLatencyThresholdMs ?? 2000;
  if (!Number.isFinite(rotationLatencyThresholdMs) || rotationLatencyThresholdMs <= 0) {
    throw new InvalidStackPropsError(
      'rotationLatencyThresholdMs',
      'must be a positive number of milliseconds',
    );
  }

  const minRefreshIntervalMs = resolveMinRefreshInterval(
    props.minRefreshInterval ?? DEFAULT_MIN_REFRESH_INTERVAL,
  );

  const watcher = props.watcher ?? {};
  const namespace = watcher.namespace ?? DEFAULT_WATCHER_NAMESPACE;
  const serviceAccount = watcher.serviceAccount ?? DEFAULT_WATCHER_SERVICE_ACCOUNT;
  one('watcher.namespace', namespace, K8S_NAME, 'a Kubernetes namespace name');
  one('watcher.serviceAccount', serviceAccount, K8S_NAME, 'a Kubernetes ServiceAccount name');
  const oidcProviders = watcher.oidcProviders ?? [];
  oidcProviders.forEach((p, i) => {
    const m = OIDC_PROVIDER_ARN.exec(p.providerArn);
    if (!m)
      throw new InvalidStackPropsError(
        `watcher.oidcProviders[${i}].providerArn`,
        'must be an IAM OIDC provider ARN',
      );
    if (p.issuer.startsWith('https://') || m[1] !== p.issuer) {
      throw new InvalidStackPropsError(
        `watcher.oidcProviders[${i}].issuer`,
        `must be the provider's issuer without https:// ("${m[1]}"), got "${p.issuer}"`,
      );
    }
  });
  const podIdentity = watcher.podIdentity ?? true;
  if (!podIdentity && oidcProviders.length === 0) {
    throw new InvalidStackPropsError('watcher', 'must trust Pod Identity or at least one OIDC provider');
  }

  return {
    bundleDir: props.bundleDir ?? DEFAULT_BUNDLE_DIR,
    secretNamePrefixes,
    secretRegions: props.secretRegions && each('secretRegions', props.secretRegions, REGION, 'a region name'),
    secretKmsKeyArns: each('secretKmsKeyArns', props.secretKmsKeyArns ?? [], KMS_KEY_ARN, 'a KMS key ARN'),
    storeRoleArns: each('storeRoleArns', props.storeRoleArns ?? [], ROLE_ARN, 'an IAM role ARN'),
    clusterRoleArns: each('clusterRoleArns', props.clusterRoleArns ?? [], ROLE_ARN, 'an IAM role ARN'),
    eksClusterArns:
      props.eksClusterArns &&
      each('eksClusterArns', props.eksClusterArns, EKS_CLUSTER_ARN, 'an EKS cluster ARN'),
    clusterCredentialSecretPrefix,
    sweepSchedule,
    vpcPlacement:
      props.vpcPlacement ?? (props.vpcPlacementIds && importVpcPlacement(scope, props.vpcPlacementIds)),
    logRetention: props.logRetention ?? logs.RetentionDays.ONE_MONTH,
    removalPolicy: props.removalPolicy ?? RemovalPolicy.RETAIN,
    watcher: { namespace, serviceAccount, podIdentity, oidcProviders },
    alarmTopic:
      props.alarmTopic ?? (props.alarmTopicArn ? importAlarmTopic(scope, props.alarmTopicArn) : undefined),
    rotationLatencyThresholdMs,
    minRefreshIntervalMs,
    runtime: props.runtime ?? lambda.Runtime.NODEJS_24_X,
  };
}
