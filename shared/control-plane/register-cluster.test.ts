import { describe, expect, it } from 'vitest';
import { registrationDeps } from '../../infra-tests/helpers/register-cluster-fixture.js';
import type { ApiDeps, RegisterClusterInput } from './api.js';
import { registerCluster } from './api.js';
import { InvalidRequestError, RegistrationRejectedError } from './errors.js';

const tokenCluster = (secretId: string, extra: Partial<RegisterClusterInput> = {}): RegisterClusterInput => ({
  clusterId: 'edge-1',
  endpoint: 'https://edge-1.example:6443',
  auth: { type: 'token', secretId },
  ...extra,
});

async function refusal(input: unknown, deps = registrationDeps()) {
  const error = await registerCluster(deps, input as RegisterClusterInput).then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(InvalidRequestError);
  expect(deps.built, 'nothing was contacted').toEqual([]);
  expect(await deps.state.getCluster('edge-1')).toBeUndefined();
  return error as InvalidRequestError;
}

describe('registerCluster auth', () => {
  it("should accept a token secret under the cluster's own credential path, by name or ARN", async () => {
    for (const secretId of [
      'fleet-secrets-internal/clusters/edge-1/token',
      'arn:aws:secretsmanager:eu-west-1:123456789012:secret:fleet-secrets-internal/clusters/edge-1/token-AbCdEf',
    ]) {
      const deps = registrationDeps();
      await registerCluster(deps, tokenCluster(secretId));
      expect((await deps.state.getCluster('edge-1'))?.auth).toEqual({ type: 'token', secretId });
    }
  });

  it.each([
    ["another cluster's token", 'fleet-secrets-internal/clusters/edge-2/token'],
    ['a store credential', 'fleet-secrets-internal/store-credentials/vault/vault-token'],
    ['a tenant secret', 'fleet-secrets/payments/db'],
    ['a path escaping with ..', 'fleet-secrets-internal/clusters/edge-1/../edge-2/token'],
    ['the bare cluster path', 'fleet-secrets-internal/clusters/edge-1/'],
    ['a cluster id that only starts the same', 'fleet-secrets-internal/clusters/edge-10/token'],
  ])("should refuse a token secret outside the cluster's path: %s", async (_what, secretId) => {
    const error = await refusal(tokenCluster(secretId));
    expect(error.field).toBe('auth.secretId');
    expect(error.message).toContain('fleet-secrets-internal/clusters/edge-1/');
  });

  it("should check the path under the deployment's own cluster credential prefix", async () => {
    const deps = registrationDeps({ clusterCredentialPrefix: 'ops/clusters/' });
    await registerCluster(deps, tokenCluster('ops/clusters/edge-1/token'));
    const error = await refusal(
      tokenCluster('fleet-secrets-internal/clusters/edge-1/token'),
      registrationDeps({ clusterCredentialPrefix: 'ops/clusters/' }),
    );
    expect(error.field).toBe('auth.secretId');
  });

  it.each([
    ['no auth', { auth: undefined }, 'auth'],
    ['an unknown type', { auth: { type: 'password', secretId: 'x' } }, 'auth.type'],
    [
      'a field of another type',
      { auth: { type: 'token', secretId: 'fleet-secrets-internal/clusters/edge-1/t', path: '/etc/passwd' } },
      'auth.path',
    ],
    ['a missing field', { auth: { type: 'token' } }, 'auth.secretId'],
    ['a non-string field', { auth: { type: 'token', secretId: 42 } }, 'auth.secretId'],
    [
      'an eks cluster without a region',
      { auth: { type: 'eks', clusterName: 'prod' }, endpoint: undefined },
      'auth.region',
    ],
    [
      'an eks role that is no role ARN',
      {
        auth: { type: 'eks', clusterName: 'prod', region: 'eu-west-1', roleArn: 'admin' },
        endpoint: undefined,
      },
      'auth.roleArn',
    ],
  ])('should refuse %s, naming the field', async (_what, patch, field) => {
    const error = await refusal({
      ...tokenCluster('fleet-secrets-internal/clusters/edge-1/token'),
      ...patch,
    });
    expect(error.field).toBe(field);
  });

  it('should refuse an auth type this deployment does not serve', async () => {
    const deps = registrationDeps({ authTypes: ['eks', 'token'] });
    const error = await refusal(
      {
        clusterId: 'edge-1',
        endpoint: 'https://x.example',
        auth: { type: 'kubeconfig', path: '/proc/self/environ' },
      },
      deps,
    );
    expect(error.field).toBe('auth.type');
    expect(error.message).toContain('eks, token');
  });

  it('should refuse a caller-supplied endpoint or CA for an eks cluster, naming the field', async () => {
    const eks = { type: 'eks', clusterName: 'prod', region: 'eu-west-1' } as const;
    const withEndpoint = await refusal({
      clusterId: 'edge-1',
      endpoint: 'https://attacker.example',
      auth: eks,
    });
    expect(withEndpoint.field).toBe('endpoint');
    expect(withEndpoint.message).toContain('DescribeCluster');
    const withCa = await refusal({ clusterId: 'edge-1', caData: 'PEM', auth: eks });
    expect(withCa.field).toBe('caData');
  });
});

describe('registerCluster access check', () => {
  /** EKS access policies are not RBAC: SelfSubjectRulesReview lists nothing and says it is incomplete. */
  const accessPolicyClient = (allowed: (need: { verb: string; resource: string }) => boolean) => ({
    serverVersion: async () => 'v1.34.0',
    reviewAccessRules: async () => ({ rules: [], incomplete: true }),
    canI: async (_ns: string, need: { verb: string; resource: string }) => allowed(need),
  });
  const depsWith = (client: object) =>
    registrationDeps({
      clusters: {
        forRecord: async () => client,
        forCluster: async () => client,
      } as unknown as ApiDeps['clusters'],
    });
  const cluster = tokenCluster('fleet-secrets-internal/clusters/edge-1/token');

  it('should accept a cluster whose rights the rules review cannot list, once each one is confirmed', async () => {
    const deps = depsWith(accessPolicyClient(() => true));
    await registerCluster(deps, cluster);
    expect((await deps.state.getCluster('edge-1'))?.health?.state).toBe('Healthy');
  });

  it('should still refuse, naming it, a right the access review denies', async () => {
    const deps = depsWith(
      accessPolicyClient((need) => !(need.resource === 'secrets' && need.verb === 'delete')),
    );
    const error = await registerCluster(deps, cluster).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RegistrationRejectedError);
    expect((error as Error).message).toContain('cannot delete secrets');
    expect((error as Error).message).not.toContain('cannot list secrets');
    expect(await deps.state.getCluster('edge-1')).toBeUndefined();
  });
});
