import { describe, expect, it } from 'vitest';
import { expandClusterExternalSecret, expandFleetExternalSecret, type NamespaceInfo } from './expand.js';
import type { ClusterExternalSecret, ExternalSecretSpec, FleetExternalSecret } from './schema.js';

const spec: ExternalSecretSpec = {
  secretStoreRef: { name: 'aws' },
  data: [{ secretKey: 'a', remoteRef: { key: 'k' } }],
};
const namespaces: NamespaceInfo[] = [
  { name: 'team-b', labels: { team: 'b' } },
  { name: 'team-a', labels: { team: 'a', tier: 'gold' } },
  { name: 'kube-system', labels: {} },
];

const ces = (over: Partial<ClusterExternalSecret['spec']>): ClusterExternalSecret => ({
  apiVersion: 'fleet-secrets.io/v1',
  kind: 'ClusterExternalSecret',
  metadata: { name: 'shared' },
  spec: { externalSecretSpec: spec, ...over },
});
const fes = (over: Partial<FleetExternalSecret['spec']>): FleetExternalSecret => ({
  apiVersion: 'fleet-secrets.io/v1',
  kind: 'FleetExternalSecret',
  metadata: { name: 'fleet', namespace: 'platform' },
  spec: { externalSecretSpec: spec, ...over },
});

describe('expandClusterExternalSecret', () => {
  it.each<[string, Partial<ClusterExternalSecret['spec']>, string[]]>([
    ['by name', { namespaces: ['team-a', 'missing'] }, ['team-a']],
    [
      'by selectors (any matches)',
      { namespaceSelectors: [{ matchLabels: { team: 'a' } }, { matchLabels: { team: 'b' } }] },
      ['team-a', 'team-b'],
    ],
    [
      'by the deprecated single selector',
      { namespaceSelector: { matchLabels: { tier: 'gold' } } },
      ['team-a'],
    ],
    [
      'by names and selectors together, once each',
      { namespaces: ['team-a'], namespaceSelectors: [{ matchLabels: { team: 'a' } }] },
      ['team-a'],
    ],
    ['by an empty selector (everything)', { namespaceSelectors: [{}] }, ['kube-system', 'team-a', 'team-b']],
    ['by nothing', {}, []],
  ])('should select namespaces %s', (_name, over, expected) => {
    expect(expandClusterExternalSecret(ces(over), namespaces).map((o) => o.namespace)).toEqual(expected);
  });

  it('should name objects after externalSecretName or the ClusterExternalSecret, with a copy of the spec', () => {
    const [a] = expandClusterExternalSecret(
      ces({ namespaces: ['team-a'], externalSecretName: 'creds' }),
      namespaces,
    );
    expect(a?.name).toBe('creds');
    expect(a?.spec).toEqual(spec);
    expect(a?.spec).not.toBe(spec);
    expect(expandClusterExternalSecret(ces({ namespaces: ['team-a'] }), namespaces)[0]?.name).toBe('shared');
  });
});

describe('expandFleetExternalSecret', () => {
  const cluster = { clusterId: 'prod-eu-1', labels: { env: 'prod' } };

  it('should land only in selected clusters', () => {
    expect(
      expandFleetExternalSecret(
        fes({ clusterSelector: { matchLabels: { env: 'dev' } }, namespaces: ['team-a'] }),
        cluster,
        namespaces,
      ),
    ).toEqual([]);
    expect(
      expandFleetExternalSecret(
        fes({ clusterSelector: { matchLabels: { env: 'prod' } }, namespaces: ['team-a'] }),
        cluster,
        namespaces,
      ),
    ).toHaveLength(1);
  });

  it('should treat an absent cluster selector as every cluster', () => {
    expect(
      expandFleetExternalSecret(
        fes({ namespaceSelector: { matchLabels: { team: 'b' } } }),
        cluster,
        namespaces,
      ).map((o) => o.namespace),
    ).toEqual(['team-b']);
  });
});
