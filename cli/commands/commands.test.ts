import { describe, expect, it } from 'vitest';
import { validateSecretStore } from '../../shared/domain/validate.js';
import { clusterIdOf } from '../dev/run-dev-mode.js';
import { relativeTime } from '../output/format.js';
import { renderTable } from '../output/table.js';
import { describeRejection } from './clusters.js';
import { versionCell } from './status.js';
import { describeProvider, storeFromFlags } from './stores.js';
import { parseSyncTarget } from './sync.js';

describe('clusters add', () => {
  it('should say in plain words that a cluster is unreachable', () => {
    expect(describeRejection(['unreachable: API server unreachable: connect ECONNREFUSED'])[0]).toBe(
      'reachable: no (API server unreachable: connect ECONNREFUSED)',
    );
  });

  it('should list each missing permission', () => {
    const lines = describeRejection(['cannot patch secrets (needed to write the synced Secrets)']);
    expect(lines).toContain('  - cannot patch secrets (needed to write the synced Secrets)');
    expect(lines[0]).toBe('reachable: yes');
  });
});

describe('stores add', () => {
  it('should build a Secrets Manager store with its access policy from flags', () => {
    const store = storeFromFlags('prod', {
      awsRegion: 'eu-west-1',
      allowClusters: 'env=prod',
      allowNamespaces: ['team-*'],
      allowKeys: ['prod/**,shared/*'],
    });
    expect(store.spec).toEqual({
      provider: { awsSecretsManager: { region: 'eu-west-1' } },
      accessPolicy: {
        clusterSelector: { matchLabels: { env: 'prod' } },
        namespaces: ['team-*'],
        keys: ['prod/**', 'shared/*'],
      },
    });
    expect(describeProvider(store)).toBe('Secrets Manager eu-west-1');
  });

  it('should ask for the Merge opt-in only when --merge-requires-opt-in is given', () => {
    expect(storeFromFlags('a', { awsRegion: 'eu-west-1' }).spec.mergeRequiresOptIn).toBeUndefined();
    const store = storeFromFlags('a', { awsRegion: 'eu-west-1', mergeRequiresOptIn: true });
    expect(store.spec.mergeRequiresOptIn).toBe(true);
    expect(validateSecretStore(store).ok).toBe(true);
  });

  it('should insist on exactly one provider and one Vault login', () => {
    expect(() => storeFromFlags('x', { awsRegion: 'eu-west-1', file: 'a.yaml' })).toThrow(
      /exactly one provider/,
    );
    expect(() => storeFromFlags('x', { vaultServer: 'https://v', vaultPath: 'secret' })).toThrow(
      /exactly one login/,
    );
  });
});

describe('sync targets', () => {
  it('should read CLUSTER, CLUSTER/NAMESPACE/NAME and --secret', () => {
    expect(parseSyncTarget('prod-1', {})).toEqual({ clusterId: 'prod-1' });
    expect(parseSyncTarget('prod-1/payments/db', {})).toEqual({
      clusterId: 'prod-1',
      namespace: 'payments',
      name: 'db',
    });
    expect(parseSyncTarget(undefined, { secret: 'k', store: 'vault' })).toEqual({
      secret: 'k',
      store: 'vault',
    });
    expect(parseSyncTarget(undefined, { secret: 'k', region: 'eu-west-1' })).toEqual({
      secret: 'k',
      region: 'eu-west-1',
    });
    expect(() => parseSyncTarget('prod-1/payments', {})).toThrow(/neither CLUSTER nor/);
  });
});

describe('tables', () => {
  it('should pad columns to the widest cell', () => {
    expect(renderTable(['A', 'LONGER'], [['value', 'x']])).toEqual(['A      LONGER', 'value  x']);
  });

  it('should show relative times and short versions', () => {
    const now = new Date('2030-01-01T12:00:00Z');
    expect(relativeTime('2030-01-01T11:59:30Z', now)).toBe('30s ago');
    expect(relativeTime('2030-01-01T13:00:00Z', now)).toBe('in 1h');
    expect(relativeTime(undefined, now)).toBe('-');
    expect(versionCell({ 'a/k': 'v1', 'a/l': 'v2' })).toBe('v1 +1');
  });
});

describe('dev mode cluster ids', () => {
  it('should turn kubeconfig context names into DNS labels', () => {
    expect(clusterIdOf('kind-dev')).toBe('kind-dev');
    expect(clusterIdOf('arn:aws:eks:eu-west-1:111122223333:cluster/Prod_EU')).toBe('prod-eu');
    expect(clusterIdOf('admin@My Cluster')).toBe('admin-my-cluster');
  });
});
