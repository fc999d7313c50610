import { describe, expect, it } from 'vitest';
import { matchesKeyGlob, matchesNameGlob } from './glob.js';
import { matchesLabelSelector } from './label-selector.js';
import { allowedKeyPrefixes, checkAccess, listingPrefixes } from './policy.js';
import { globNamesInternalPrefix, reservedPrefixOf } from './reserved-keys.js';
import type { AccessPolicy, LabelSelector, SecretStore } from './schema.js';

const store = (accessPolicy?: AccessPolicy): SecretStore => ({
  apiVersion: 'fleet-secrets.io/v1',
  kind: 'SecretStore',
  metadata: { name: 'aws' },
  spec: {
    provider: { awsSecretsManager: { region: 'eu-west-1' } },
    ...(accessPolicy ? { accessPolicy } : {}),
  },
});
type Cluster = { clusterId: string; labels: Record<string, string> };
const prod: Cluster = { clusterId: 'prod-eu-1', labels: { env: 'prod', region: 'eu' } };
const policy: AccessPolicy = {
  clusterSelector: { matchLabels: { env: 'prod' } },
  namespaces: ['payments', 'team-*'],
  keys: ['prod/payments/*', 'shared/**'],
};

describe('checkAccess', () => {
  it.each<[string, AccessPolicy | undefined, Cluster, string, string, boolean, string?]>([
    [
      'an exact namespace and a key under a one-level glob',
      policy,
      prod,
      'payments',
      'prod/payments/db',
      true,
    ],
    ['a namespace glob', policy, prod, 'team-a', 'shared/x', true],
    ['a deep key under **', policy, prod, 'payments', 'shared/a/b/c', true],
    ['no accessPolicy', undefined, prod, 'payments', 'prod/payments/db', false, 'has no accessPolicy'],
    [
      'no clusterSelector',
      { namespaces: ['*'], keys: ['*'] },
      prod,
      'payments',
      'k',
      false,
      'no accessPolicy.clusterSelector',
    ],
    [
      'a cluster that does not match',
      policy,
      { clusterId: 'dev-1', labels: { env: 'dev' } },
      'payments',
      'prod/payments/db',
      false,
      'cluster "dev-1" does not match',
    ],
    [
      'a namespace not listed',
      policy,
      prod,
      'kube-system',
      'prod/payments/db',
      false,
      'namespace "kube-system" is not allowed',
    ],
    [
      'no namespaces listed',
      { clusterSelector: {}, keys: ['*'] },
      prod,
      'payments',
      'k',
      false,
      'namespace "payments" is not allowed',
    ],
    [
      'a key one level too deep for *',
      policy,
      prod,
      'payments',
      'prod/payments/admin/root',
      false,
      'key "prod/payments/admin/root" is not allowed',
    ],
    ['a key escaping with ..', policy, prod, 'payments', 'prod/payments/../admin', false, 'not a plain path'],
    ['a key with a . segment', policy, prod, 'payments', 'shared/./x', false, 'not a plain path'],
    [
      'no keys listed',
      { clusterSelector: {}, namespaces: ['*'] },
      prod,
      'payments',
      'k',
      false,
      'is not allowed by accessPolicy.keys',
    ],
    [
      'everything with {} and *',
      { clusterSelector: {}, namespaces: ['*'], keys: ['*'] },
      prod,
      'any',
      'a/b/c',
      true,
    ],
  ])('should decide %s', (_name, p, cluster, ns, key, allowed, reason) => {
    const d = checkAccess(store(p), cluster, ns, key);
    expect(d.allowed).toBe(allowed);
    if (!d.allowed && reason) expect(d.reason).toContain(reason);
  });
});

describe("checkAccess on the control plane's own secrets", () => {
  const everything: AccessPolicy = { clusterSelector: {}, namespaces: ['*'], keys: ['**'] };
  it.each([
    ['a store credential', 'fleet-secrets-internal/store-credentials/vault/vault-token'],
    ['a cluster token', 'fleet-secrets-internal/clusters/edge-1/token'],
    [
      'a store credential by ARN',
      'arn:aws:secretsmanager:eu-west-1:123456789012:secret:fleet-secrets-internal/store-credentials/v-AbCdEf',
    ],
    ['a legacy store credential', 'fleet-secrets/store-credentials/vault/vault-token'],
    ['a legacy cluster token', 'fleet-secrets/clusters/edge-1/token'],
    ['a reserved key with a leading slash', '/fleet-secrets-internal/clusters/edge-1/token'],
  ])('should refuse %s to a store whose policy allows every key', (_name, key) => {
    const d = checkAccess(store(everything), prod, 'payments', key);
    expect(d).toEqual({ allowed: false, reason: expect.stringContaining('reserved for the control plane') });
  });

  it('should still allow ordinary keys beside the reserved ones', () => {
    expect(checkAccess(store(everything), prod, 'payments', 'fleet-secrets/payments/db').allowed).toBe(true);
    expect(checkAccess(store(everything), prod, 'payments', 'fleet-secrets-internals/x').allowed).toBe(true);
  });
});

describe('reserved prefixes', () => {
  it.each<[string, string | undefined]>([
    ['fleet-secrets-internal/x', 'fleet-secrets-internal/'],
    ['fleet-secrets-internal', 'fleet-secrets-internal/'],
    ['fleet-secrets/clusters/a/token', 'fleet-secrets/clusters/'],
    ['fleet-secrets/payments/db', undefined],
  ])('should place key %s under %s', (key, prefix) => {
    expect(reservedPrefixOf(key)).toBe(prefix);
  });

  it.each<[string, boolean]>([
    ['fleet-secrets-internal/**', true],
    ['fleet-secrets-int*', true],
    ['fleet-*', true],
    ['arn:aws:secretsmanager:*:*:secret:fleet-secrets-internal/*', true],
    ['**', false],
    ['fleet-secrets/**', false],
    ['team-a/*', false],
  ])('should tell whether glob %s names the internal prefix (%s)', (glob, names) => {
    expect(globNamesInternalPrefix(glob)).toBe(names);
  });
});

describe('allowedKeyPrefixes', () => {
  const withKeys = (keys: string[]) => store({ clusterSelector: {}, namespaces: ['*'], keys });

  it('should give the literal text before each glob wildcard, without prefixes another one covers', () => {
    expect(allowedKeyPrefixes(withKeys(['team-a/*', 'team-a/db/**', 'shared/config', 'x?y']))).toEqual([
      'shared/config',
      'team-a/',
      'x',
    ]);
  });

  it('should give no restriction when a glob starts with a wildcard', () => {
    expect(allowedKeyPrefixes(withKeys(['team-a/*', '*']))).toBeUndefined();
    expect(allowedKeyPrefixes(withKeys(['**/db']))).toBeUndefined();
  });

  it('should give no prefix at all when no key is allowed', () => {
    expect(allowedKeyPrefixes(withKeys([]))).toEqual([]);
    expect(allowedKeyPrefixes(store())).toEqual([]);
  });
});

describe('listingPrefixes', () => {
  it('should list the own prefix, or the allowed prefixes, or their narrower overlap', () => {
    expect(listingPrefixes(undefined, undefined)).toBeUndefined();
    expect(listingPrefixes('app/', undefined)).toEqual(['app/']);
    expect(listingPrefixes(undefined, ['team-a/', 'shared/'])).toEqual(['team-a/', 'shared/']);
    expect(listingPrefixes('team-a/db', ['team-a/', 'shared/'])).toEqual(['team-a/db']);
    expect(listingPrefixes('team', ['team-a/', 'shared/'])).toEqual(['team-a/']);
    expect(listingPrefixes('team-b/', ['team-a/'])).toEqual([]);
  });
});

describe('matchesLabelSelector', () => {
  const labels = { env: 'prod', tier: 'gold' };
  it.each<[LabelSelector, boolean]>([
    [{}, true],
    [{ matchLabels: { env: 'prod' } }, true],
    [{ matchLabels: { env: 'dev' } }, false],
    [{ matchLabels: { missing: '' } }, false],
    [{ matchExpressions: [{ key: 'env', operator: 'In', values: ['prod', 'staging'] }] }, true],
    [{ matchExpressions: [{ key: 'env', operator: 'In', values: [] }] }, false],
    [{ matchExpressions: [{ key: 'env', operator: 'NotIn', values: ['prod'] }] }, false],
    [{ matchExpressions: [{ key: 'region', operator: 'NotIn', values: ['eu'] }] }, true],
    [{ matchExpressions: [{ key: 'tier', operator: 'Exists' }] }, true],
    [{ matchExpressions: [{ key: 'region', operator: 'Exists' }] }, false],
    [{ matchExpressions: [{ key: 'region', operator: 'DoesNotExist' }] }, true],
    [{ matchLabels: { env: 'prod' }, matchExpressions: [{ key: 'tier', operator: 'DoesNotExist' }] }, false],
  ])('should evaluate %j', (selector, expected) => {
    expect(matchesLabelSelector(selector, labels)).toBe(expected);
  });
});

describe('globs', () => {
  it.each<[string, string, boolean]>([
    ['app/*', 'app/db', true],
    ['app/*', 'app/db/x', false],
    ['app/**', 'app/db/x', true],
    ['app/?b', 'app/db', true],
    ['app/?b', 'app//b', false],
    ['app.db', 'appxdb', false],
    ['*', 'a/b', true],
    ['**', 'a/b', true],
    ['a(b)', 'a(b)', true],
  ])('key glob %s on %s', (p, k, m) => {
    expect(matchesKeyGlob(p, k)).toBe(m);
  });

  it.each<[string, string, boolean]>([
    ['team-*', 'team-a', true],
    ['team-*', 'team', false],
    ['*', 'x', true],
    ['te?m', 'team', true],
  ])('name glob %s on %s', (p, n, m) => {
    expect(matchesNameGlob(p, n)).toBe(m);
  });
});
