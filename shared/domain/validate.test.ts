import { describe, expect, it } from 'vitest';
import {
  validateClusterExternalSecret,
  validateExternalSecret,
  validateFleetExternalSecret,
  validateManifest,
  validateSecretStore,
} from './validate.js';

const CANARY = 'Canary-7f3a9c-DoNotLeak';

const api = 'fleet-secrets.io/v1';
const baseSpec = {
  secretStoreRef: { name: 'aws' },
  data: [{ secretKey: 'password', remoteRef: { key: 'db/creds', property: 'password' } }],
};
const es = (spec: unknown, metadata: unknown = { name: 'db', namespace: 'team-a' }) => ({
  apiVersion: api,
  kind: 'ExternalSecret',
  metadata,
  spec,
});
const store = (spec: unknown) => ({ apiVersion: api, kind: 'SecretStore', metadata: { name: 'aws' }, spec });
const awsStore = { provider: { awsSecretsManager: { region: 'eu-west-1' } } };

type Row = [string, unknown, string, string];

describe('validateExternalSecret', () => {
  it('should accept a minimal ExternalSecret and return it typed', () => {
    const r = validateExternalSecret(es(baseSpec));
    expect(r.ok).toBe(true);
    if (r.ok) expect(r.value.spec.data?.[0]?.secretKey).toBe('password');
  });

  it.each<[string, unknown]>([
    ['dataFrom only', { dataFrom: [{ extract: { key: 'db/creds' } }] }],
    ['find by name', { dataFrom: [{ find: { name: { regexp: '^db-' } } }] }],
    [
      'every policy pair ESO allows',
      { ...baseSpec, target: { creationPolicy: 'Owner', deletionPolicy: 'Delete' } },
    ],
    ['Merge with Merge', { ...baseSpec, target: { creationPolicy: 'Merge', deletionPolicy: 'Merge' } }],
    ['Orphan with Retain', { ...baseSpec, target: { creationPolicy: 'Orphan', deletionPolicy: 'Retain' } }],
    ['refreshInterval 0', { ...baseSpec, refreshInterval: '0' }],
    ['refreshInterval 1h30m', { ...baseSpec, refreshInterval: '1h30m' }],
    ['refreshInterval 1.5h', { ...baseSpec, refreshInterval: '1.5h' }],
    [
      'a template with pipelines',
      { ...baseSpec, target: { template: { data: { a: '{{ .password | b64enc }}' } } } },
    ],
    ['ESO store kind', { ...baseSpec, secretStoreRef: { name: 'x', kind: 'ClusterSecretStore' } }],
    [
      'rewrites',
      {
        dataFrom: [
          {
            find: { path: 'app/' },
            rewrite: [
              { regexp: { source: '(?i)^app/(.*)', target: '$1' } },
              { transform: { template: '{{ .value | upper }}' } },
            ],
          },
        ],
      },
    ],
  ])('should accept %s', (_name, spec) => {
    const r = validateExternalSecret(es(spec));
    expect(r.ok ? [] : r.issues).toEqual([]);
  });

  it.each<Row>([
    [
      'a missing remoteRef.key',
      { data: [{ secretKey: 'a', remoteRef: {} }] },
      'spec.data[0].remoteRef.key',
      'required',
    ],
    [
      'the third entry missing its key',
      { data: [0, 1, 2].map((i) => ({ secretKey: `k${i}`, remoteRef: i === 2 ? {} : { key: 'x' } })) },
      'spec.data[2].remoteRef.key',
      'required',
    ],
    [
      'no data and no dataFrom',
      { secretStoreRef: { name: 'aws' } },
      'spec.data',
      'data or dataFrom required',
    ],
    ['empty data and dataFrom', { data: [], dataFrom: [] }, 'spec.data', 'data or dataFrom required'],
    [
      'a duplicate secretKey',
      { data: [baseSpec.data[0], { secretKey: 'password', remoteRef: { key: 'other' } }] },
      'spec.data[1].secretKey',
      'duplicate secretKey (first used at spec.data[0])',
    ],
    [
      'deletionPolicy Delete with creationPolicy Orphan',
      { ...baseSpec, target: { creationPolicy: 'Orphan', deletionPolicy: 'Delete' } },
      'spec.target.deletionPolicy',
      'Delete needs creationPolicy Owner',
    ],
    [
      'deletionPolicy Delete with creationPolicy Merge',
      { ...baseSpec, target: { creationPolicy: 'Merge', deletionPolicy: 'Delete' } },
      'spec.target.deletionPolicy',
      'Delete needs creationPolicy Owner',
    ],
    [
      'deletionPolicy Merge with creationPolicy None',
      { ...baseSpec, target: { creationPolicy: 'None', deletionPolicy: 'Merge' } },
      'spec.target.deletionPolicy',
      'Merge cannot be used with creationPolicy None',
    ],
    [
      'refreshInterval "1 hour"',
      { ...baseSpec, refreshInterval: '1 hour' },
      'spec.refreshInterval',
      'Go duration',
    ],
    ['refreshInterval "10"', { ...baseSpec, refreshInterval: '10' }, 'spec.refreshInterval', 'Go duration'],
    ['refreshInterval "1d"', { ...baseSpec, refreshInterval: '1d' }, 'spec.refreshInterval', 'Go duration'],
    [
      'a negative refreshInterval',
      { ...baseSpec, refreshInterval: '-1h' },
      'spec.refreshInterval',
      'Go duration',
    ],
    [
      'a service-account-token Secret type',
      { ...baseSpec, target: { template: { type: 'kubernetes.io/service-account-token' } } },
      'spec.target.template.type',
      'ServiceAccount token',
    ],
    [
      'an unknown creationPolicy',
      { ...baseSpec, target: { creationPolicy: 'Adopt' } },
      'spec.target.creationPolicy',
      'must be one of: Owner, Orphan, Merge, None',
    ],
    [
      'an unknown decodingStrategy',
      { data: [{ secretKey: 'a', remoteRef: { key: 'k', decodingStrategy: 'Hex' } }] },
      'spec.data[0].remoteRef.decodingStrategy',
      'must be one of',
    ],
    ['an unknown field', { ...baseSpec, extra: true }, 'spec.extra', 'unknown field'],
    [
      'a secretKey with a slash',
      { data: [{ secretKey: 'a/b', remoteRef: { key: 'k' } }] },
      'spec.data[0].secretKey',
      'alphanumerics',
    ],
    ['an upper-case target name', { ...baseSpec, target: { name: 'DB' } }, 'spec.target.name', 'RFC 1123'],
    [
      'a dataFrom entry with extract and find',
      { dataFrom: [{ extract: { key: 'a' }, find: { path: 'b' } }] },
      'spec.dataFrom[0]',
      'exactly one of extract or find',
    ],
    [
      'a dataFrom entry with neither',
      { dataFrom: [{}] },
      'spec.dataFrom[0]',
      'exactly one of extract or find',
    ],
    [
      'a find with no criteria',
      { dataFrom: [{ find: {} }] },
      'spec.dataFrom[0].find',
      'set path, name or tags',
    ],
    [
      'a find regexp that does not compile',
      { dataFrom: [{ find: { name: { regexp: '(' } } }] },
      'spec.dataFrom[0].find.name.regexp',
      'does not compile',
    ],
    [
      'a rewrite regexp that does not compile',
      { dataFrom: [{ extract: { key: 'a' }, rewrite: [{ regexp: { source: '[', target: '' } }] }] },
      'spec.dataFrom[0].rewrite[0].regexp.source',
      'does not compile',
    ],
    [
      'a rewrite with both regexp and transform',
      {
        dataFrom: [
          {
            extract: { key: 'a' },
            rewrite: [{ regexp: { source: 'a', target: 'b' }, transform: { template: 'x' } }],
          },
        ],
      },
      'spec.dataFrom[0].rewrite[0]',
      'exactly one of: regexp, transform',
    ],
    [
      'a transform template that does not parse',
      { dataFrom: [{ extract: { key: 'a' }, rewrite: [{ transform: { template: '{{ .value' } }] }] },
      'spec.dataFrom[0].rewrite[0].transform.template',
      'template does not parse',
    ],
    [
      'a template data entry that does not parse',
      { ...baseSpec, target: { template: { data: { conn: '{{ if .a }}x' } } } },
      'spec.target.template.data.conn',
      'template does not parse',
    ],
    [
      'a template that calls an unknown function',
      { ...baseSpec, target: { template: { data: { conn: '{{ .a | pkcs12key }}' } } } },
      'spec.target.template.data.conn',
      'function pkcs12key not defined',
    ],
    [
      'a template data key that is not a Secret key',
      { ...baseSpec, target: { template: { data: { 'a b': 'x' } } } },
      'spec.target.template.data["a b"]',
      'not a valid Secret key',
    ],
    [
      'a label in the reserved prefix',
      { ...baseSpec, target: { template: { metadata: { labels: { 'fleet-secrets.io/owner': 'me' } } } } },
      'spec.target.template.metadata.labels["fleet-secrets.io/owner"]',
      'reserved',
    ],
    [
      'a templateFrom entry without literal',
      { ...baseSpec, target: { template: { templateFrom: [{ target: 'Data' }] } } },
      'spec.target.template.templateFrom[0].literal',
      'required',
    ],
  ])('should reject %s', (_name, spec, path, message) => {
    const r = validateExternalSecret(es(spec));
    expect(r.ok).toBe(false);
    if (!r.ok) {
      const issue = r.issues.find((i) => i.path === path);
      expect(issue, JSON.stringify(r.issues)).toBeDefined();
      expect(issue?.message).toContain(message);
    }
  });

  it('should report shape errors and cross-field errors together', () => {
    const r = validateExternalSecret(
      es({
        data: [baseSpec.data[0], baseSpec.data[0]],
        refreshInterval: 'soon',
        target: { creationPolicy: 'None', deletionPolicy: 'Merge' },
      }),
    );
    expect(r.ok).toBe(false);
    if (!r.ok) {
      expect(r.issues.map((i) => i.path).sort()).toEqual(
        ['spec.data[1].secretKey', 'spec.refreshInterval', 'spec.target.deletionPolicy'].sort(),
      );
    }
  });

  it.each<[string, unknown, string]>([
    ['a wrong apiVersion', { ...es(baseSpec), apiVersion: 'external-secrets.io/v1beta1' }, 'apiVersion'],
    ['a missing metadata.name', es(baseSpec, {}), 'metadata.name'],
    ['an invalid metadata.name', es(baseSpec, { name: 'Not_Valid' }), 'metadata.name'],
    ['a spec that is a string', es('x'), 'spec'],
  ])('should reject %s', (_name, obj, path) => {
    const r = validateExternalSecret(obj);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.issues.map((i) => i.path)).toContain(path);
  });

  it('should reject values that are not objects without throwing', () => {
    for (const v of [null, undefined, 42, 'x', [], true]) expect(validateExternalSecret(v).ok).toBe(false);
  });
});

describe('refreshInterval minimum', () => {
  const issuesOf = (refreshInterval: string, options = {}) => {
    const r = validateExternalSecret(es({ ...baseSpec, refreshInterval }), options);
    return r.ok ? [] : r.issues;
  };

  it.each(['1ns', '1ms', '59s', '0.5m'])(
    'should refuse refreshInterval %s, naming the field and the minimum',
    (v) => {
      expect(issuesOf(v)).toEqual([
        {
          path: 'spec.refreshInterval',
          message: 'must be "0" (no periodic refresh) or at least 1m0s, the control plane\'s minimum',
        },
      ]);
    },
  );

  it.each(['0', '1m', '60s', '1h'])('should accept refreshInterval %s', (v) => {
    expect(issuesOf(v)).toEqual([]);
  });

  it('should apply the minimum the control plane is configured with', () => {
    expect(issuesOf('30s', { minRefreshIntervalMs: 10_000 })).toEqual([]);
    expect(issuesOf('5m', { minRefreshIntervalMs: 600_000 })[0]?.message).toContain('at least 10m0s');
  });

  it('should apply it to the spec inside ClusterExternalSecret and FleetExternalSecret too', () => {
    const inner = { ...baseSpec, refreshInterval: '1ns' };
    const ces = validateClusterExternalSecret({
      apiVersion: api,
      kind: 'ClusterExternalSecret',
      metadata: { name: 'c' },
      spec: { namespaces: ['a'], externalSecretSpec: inner },
    });
    const fes = validateFleetExternalSecret({
      apiVersion: api,
      kind: 'FleetExternalSecret',
      metadata: { name: 'f' },
      spec: { namespaces: ['a'], externalSecretSpec: inner },
    });
    for (const r of [ces, fes]) {
      expect(r.ok ? [] : r.issues.map((i) => i.path)).toEqual(['spec.externalSecretSpec.refreshInterval']);
    }
  });
});

describe('validateClusterExternalSecret / validateFleetExternalSecret', () => {
  const ces = (spec: unknown) => ({
    apiVersion: api,
    kind: 'ClusterExternalSecret',
    metadata: { name: 'c' },
    spec,
  });
  const fes = (spec: unknown) => ({
    apiVersion: api,
    kind: 'FleetExternalSecret',
    metadata: { name: 'f', namespace: 'platform' },
    spec,
  });

  it('should accept a ClusterExternalSecret with namespace selectors', () => {
    expect(
      validateClusterExternalSecret(
        ces({ externalSecretSpec: baseSpec, namespaceSelectors: [{ matchLabels: { a: 'b' } }] }),
      ).ok,
    ).toBe(true);
  });

  it('should reject a ClusterExternalSecret without namespaces or selectors', () => {
    const r = validateClusterExternalSecret(ces({ externalSecretSpec: baseSpec }));
    expect(r.ok ? [] : r.issues).toEqual([
      { path: 'spec.namespaces', message: 'set namespaces, namespaceSelectors or namespaceSelector' },
    ]);
  });

  it('should apply the ExternalSecret rules under spec.externalSecretSpec', () => {
    const r = validateClusterExternalSecret(
      ces({ externalSecretSpec: { secretStoreRef: { name: 'a' } }, namespaces: ['a'] }),
    );
    expect(r.ok ? [] : r.issues).toEqual([
      { path: 'spec.externalSecretSpec.data', message: 'data or dataFrom required' },
    ]);
  });

  it('should accept a FleetExternalSecret and reject one without namespaces', () => {
    expect(
      validateFleetExternalSecret(
        fes({
          externalSecretSpec: baseSpec,
          namespaces: ['payments'],
          clusterSelector: { matchLabels: { env: 'prod' } },
        }),
      ).ok,
    ).toBe(true);
    const r = validateFleetExternalSecret(fes({ externalSecretSpec: baseSpec }));
    expect(r.ok ? [] : r.issues.map((i) => i.path)).toEqual(['spec.namespaces']);
  });
});

describe('validateSecretStore', () => {
  it('should accept an AWS store with a role and an access policy', () => {
    const r = validateSecretStore(
      store({
        provider: {
          awsSecretsManager: { region: 'eu-west-1', role: 'arn:aws:iam::123456789012:role/reader' },
        },
        accessPolicy: {
          clusterSelector: { matchLabels: { env: 'prod' } },
          namespaces: ['team-*'],
          keys: ['team/**'],
        },
      }),
    );
    expect(r.ok ? [] : r.issues).toEqual([]);
  });

  it('should accept a Vault store with appRole auth', () => {
    const r = validateSecretStore(
      store({
        provider: {
          vault: {
            server: 'https://vault:8200',
            path: 'secret',
            version: 'v2',
            auth: { appRole: { roleId: 'r', secretRef: { key: 'vault/secret-id' } } },
          },
        },
      }),
    );
    expect(r.ok ? [] : r.issues).toEqual([]);
  });

  it.each<Row>([
    ['no provider', { provider: {} }, 'spec.provider', 'exactly one of awsSecretsManager, vault or file'],
    [
      'two providers',
      {
        provider: {
          awsSecretsManager: { region: 'eu-west-1' },
          vault: { server: 'https://v', path: 'p', auth: { tokenSecretRef: { key: 'k' } } },
        },
      },
      'spec.provider',
      'exactly one of awsSecretsManager, vault or file',
    ],
    [
      'a malformed region',
      { provider: { awsSecretsManager: { region: 'Europe' } } },
      'spec.provider.awsSecretsManager.region',
      'must match',
    ],
    [
      'a role that is not an ARN',
      { provider: { awsSecretsManager: { region: 'eu-west-1', role: 'reader' } } },
      'spec.provider.awsSecretsManager.role',
      'must match',
    ],
    [
      'vault auth with no method',
      { provider: { vault: { server: 'https://v', path: 'p', auth: {} } } },
      'spec.provider.vault.auth',
      'exactly one of: tokenSecretRef, appRole, iam',
    ],
    [
      'vault appRole without secretRef',
      { provider: { vault: { server: 'https://v', path: 'p', auth: { appRole: { roleId: 'r' } } } } },
      'spec.provider.vault.auth.appRole.secretRef',
      'required',
    ],
    [
      'a vault server that is not a URL',
      { provider: { vault: { server: 'vault', path: 'p', auth: { tokenSecretRef: { key: 'k' } } } } },
      'spec.provider.vault.server',
      'http(s) URL',
    ],
    [
      'a vault URL with credentials',
      {
        provider: {
          vault: {
            server: `https://user:${CANARY}@vault`,
            path: 'p',
            auth: { tokenSecretRef: { key: 'k' } },
          },
        },
      },
      'spec.provider.vault.server',
      'must not carry credentials',
    ],
    [
      'a key glob that climbs',
      { ...awsStore, accessPolicy: { keys: ['team/../admin'] } },
      'spec.accessPolicy.keys[0]',
      '..',
    ],
  ])('should reject %s', (_name, spec, path, message) => {
    const r = validateSecretStore(store(spec));
    expect(r.ok).toBe(false);
    if (!r.ok) {
      const issue = r.issues.find((i) => i.path === path);
      expect(issue, JSON.stringify(r.issues)).toBeDefined();
      expect(issue?.message).toContain(message);
    }
  });
});

describe('validateManifest', () => {
  it('should dispatch on kind', () => {
    expect(validateManifest(es(baseSpec)).ok).toBe(true);
    expect(validateManifest(store(awsStore)).ok).toBe(true);
  });

  it.each<[unknown, string]>([
    [
      { kind: 'Secret' },
      'must be one of: ExternalSecret, ClusterExternalSecret, SecretStore, FleetExternalSecret',
    ],
    [{}, 'required'],
    [null, 'required'],
  ])('should reject an unknown or missing kind', (obj, message) => {
    const r = validateManifest(obj);
    expect(r.ok ? [] : r.issues).toEqual([{ path: 'kind', message }]);
  });
});

describe('issue messages', () => {
  it('should never repeat a value from the manifest, wherever the canary sits', () => {
    const manifests: unknown[] = [
      es({
        ...baseSpec,
        target: { template: { data: { a: `{{ "${CANARY}" | nosuchfn }}`, b: `{{ if "${CANARY}" }}` } } },
      }),
      es({
        ...baseSpec,
        target: { creationPolicy: CANARY, name: CANARY, template: { type: CANARY, engineVersion: CANARY } },
      }),
      es({ data: [{ secretKey: CANARY, remoteRef: { key: 'k', decodingStrategy: CANARY, version: 5 } }] }),
      es({ ...baseSpec, refreshInterval: CANARY }),
      es({
        dataFrom: [
          {
            find: { name: { regexp: `(${CANARY}` } },
            rewrite: [{ regexp: { source: `[${CANARY}`, target: CANARY } }],
          },
        ],
      }),
      es({ ...baseSpec, [CANARY]: CANARY }),
      store({
        provider: {
          vault: {
            server: `https://u:${CANARY}@v`,
            path: 'p',
            auth: { tokenSecretRef: { key: 'k' }, [CANARY]: 1 },
          },
        },
      }),
      store({ provider: { awsSecretsManager: { region: CANARY, role: CANARY, externalId: 7 } } }),
      { kind: CANARY },
      { apiVersion: CANARY, kind: 'ExternalSecret', metadata: { name: CANARY }, spec: CANARY },
    ];
    for (const m of manifests) {
      const r = validateManifest(m);
      expect(r.ok).toBe(false);
      if (!r.ok) {
        for (const issue of r.issues) expect(issue.message).not.toContain(CANARY.slice(0, 10));
      }
    }
  });
});
