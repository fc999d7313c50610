import { App, RemovalPolicy } from 'aws-cdk-lib';
import { describe, expect, it } from 'vitest';
import { propsFromContext } from '../../cdk/context-props.js';
import { InvalidStackPropsError } from '../../cdk/errors.js';

const fromContext = (context: Record<string, unknown>) =>
  propsFromContext(
    new App({
      context: Object.fromEntries(Object.entries(context).map(([k, v]) => [`fleet-secrets:${k}`, v])),
    }),
    '/project',
  );

describe('propsFromContext', () => {
  it('should leave every prop to the stack defaults when no context is given', () => {
    expect(fromContext({})).toEqual({
      bundleDir: '/project/dist/functions',
      secretNamePrefixes: undefined,
      secretRegions: undefined,
      secretKmsKeyArns: undefined,
      storeRoleArns: undefined,
      clusterRoleArns: undefined,
      eksClusterArns: undefined,
      clusterCredentialSecretPrefix: undefined,
      sweepSchedule: undefined,
      vpcPlacementIds: undefined,
      logRetention: undefined,
      removalPolicy: undefined,
      watcher: { namespace: undefined, serviceAccount: undefined, oidcProviders: undefined },
      alarmTopicArn: undefined,
      rotationLatencyThresholdMs: undefined,
      minRefreshInterval: undefined,
    });
  });

  it('should read lists from -c strings (comma-separated or JSON) and from cdk.json arrays', () => {
    const props = fromContext({
      secretNamePrefixes: 'prod/, shared/',
      storeRoleArns: '["arn:aws:iam::210987654321:role/a","arn:aws:iam::210987654321:role/b"]',
      secretRegions: ['eu-west-1', 'us-east-1'],
    });
    expect(props.secretNamePrefixes).toEqual(['prod/', 'shared/']);
    expect(props.storeRoleArns).toEqual([
      'arn:aws:iam::210987654321:role/a',
      'arn:aws:iam::210987654321:role/b',
    ]);
    expect(props.secretRegions).toEqual(['eu-west-1', 'us-east-1']);
  });

  it('should read numbers, booleans, the removal policy, VPC ids and OIDC providers', () => {
    const props = fromContext({
      logRetentionDays: '90',
      rotationLatencyThresholdMs: 1500,
      removalPolicy: 'destroy',
      watcherPodIdentity: 'false',
      watcherOidcProviders:
        '[{"providerArn":"arn:aws:iam::123456789012:oidc-provider/x/id/1","issuer":"x/id/1"}]',
      vpcId: 'vpc-0123456789abcdef0',
      subnetIds: 'subnet-0123456789abcdef0,subnet-0fedcba9876543210',
      bundleDir: 'build/fns',
    });
    expect(props.logRetention).toBe(90);
    expect(props.rotationLatencyThresholdMs).toBe(1500);
    expect(props.removalPolicy).toBe(RemovalPolicy.DESTROY);
    expect(props.watcher?.podIdentity).toBe(false);
    expect(props.watcher?.oidcProviders).toEqual([
      { providerArn: 'arn:aws:iam::123456789012:oidc-provider/x/id/1', issuer: 'x/id/1' },
    ]);
    expect(props.vpcPlacementIds).toEqual({
      vpcId: 'vpc-0123456789abcdef0',
      subnetIds: ['subnet-0123456789abcdef0', 'subnet-0fedcba9876543210'],
      securityGroupIds: undefined,
    });
    expect(props.bundleDir).toBe('/project/build/fns');
  });

  it.each([
    [{ logRetentionDays: '10' }, 'fleet-secrets:logRetentionDays'],
    [{ removalPolicy: 'keep' }, 'fleet-secrets:removalPolicy'],
    [{ watcherPodIdentity: 'yes' }, 'fleet-secrets:watcherPodIdentity'],
    [{ watcherOidcProviders: '[{"arn":"x"}]' }, 'fleet-secrets:watcherOidcProviders'],
    [{ storeRoleArns: '[not json' }, 'fleet-secrets:storeRoleArns'],
    [{ subnetIds: 'subnet-0123456789abcdef0' }, 'fleet-secrets:vpcId'],
    [{ vpcId: 'vpc-0123456789abcdef0' }, 'fleet-secrets:subnetIds'],
    [{ rotationLatencyThresholdMs: 'fast' }, 'fleet-secrets:rotationLatencyThresholdMs'],
    [{ sweepSchedule: '' }, 'fleet-secrets:sweepSchedule'],
  ])('should refuse %j naming the context key', (context, key) => {
    let error: unknown;
    try {
      fromContext(context);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(InvalidStackPropsError);
    expect((error as InvalidStackPropsError).prop).toBe(key);
  });
});
