import { describe, expect, it } from 'vitest';
import { classifyForApply, classifyForDelete } from './classify.js';
import { parseManifestText } from './load-manifests.js';

const one = (text: string, file = 'm.yaml') => {
  const m = parseManifestText(text, file).manifests[0];
  if (!m) throw new Error('no manifest');
  return m;
};

const fes = `apiVersion: fleet-secrets.io/v1
kind: FleetExternalSecret
metadata:
  name: db
spec:
  namespaces: [payments]
  externalSecretSpec:
    secretStoreRef: { name: prod }
    data:
      - secretKey: password
        remoteRef: { key: prod/db }
`;

describe('classifyForApply', () => {
  it('should accept a valid FleetExternalSecret in namespace default', () => {
    const c = classifyForApply(one(fes));
    expect(c.ok && { kind: c.object.kind, name: c.object.name }).toEqual({
      kind: 'FleetExternalSecret',
      name: 'db',
    });
    expect(c.ok && c.object.kind === 'FleetExternalSecret' && c.object.namespace).toBe('default');
  });

  it('should name file, line, object and field path of every issue', () => {
    const bad = fes
      .replace('remoteRef: { key: prod/db }', 'remoteRef: { key: prod/db, kee: x }')
      .replace('namespaces: [payments]', 'namespace: payments');
    const c = classifyForApply(one(bad, 'fleet/db.yaml'));
    expect(c.ok).toBe(false);
    expect(!c.ok && c.problems).toEqual([
      'fleet/db.yaml:6: FleetExternalSecret db: spec.namespace: unknown field',
      'fleet/db.yaml:11: FleetExternalSecret db: spec.externalSecretSpec.data[0].remoteRef.kee: unknown field',
      'fleet/db.yaml:5: FleetExternalSecret db: spec.namespaces: set namespaces or namespaceSelector',
    ]);
  });

  it('should resolve a file store path against the manifest folder', () => {
    const store = `apiVersion: fleet-secrets.io/v1
kind: SecretStore
metadata: { name: dev }
spec:
  provider: { file: { path: secrets.yaml } }
`;
    const c = classifyForApply(one(store, '/repo/examples/store.yaml'));
    expect(c.ok && c.object.kind === 'SecretStore' && c.object.manifest.spec.provider.file?.path).toBe(
      '/repo/examples/secrets.yaml',
    );
  });

  it('should say where in-cluster kinds and ESO manifests belong instead', () => {
    const es = classifyForApply(one(fes.replace('FleetExternalSecret', 'ExternalSecret')));
    expect(!es.ok && es.problems[0]).toMatch(
      /ExternalSecrets live in member clusters: kubectl apply it there/,
    );
    const eso = classifyForApply(one(fes.replace('fleet-secrets.io/v1', 'external-secrets.io/v1')));
    expect(!eso.ok && eso.problems[0]).toMatch(/fleet-secrets import-eso -f m\.yaml$/);
    const other = classifyForApply(one('apiVersion: v1\nkind: ConfigMap\nmetadata: {name: x}\n'));
    expect(!other.ok && other.problems[0]).toMatch(/SecretStores and FleetExternalSecrets/);
  });
});

describe('classifyForDelete', () => {
  it('should need only the identity of the object', () => {
    const c = classifyForDelete(
      one('apiVersion: fleet-secrets.io/v1\nkind: SecretStore\nmetadata: {name: old}\n'),
    );
    expect(c.ok && c.object.name).toBe('old');
    const nameless = classifyForDelete(
      one('apiVersion: fleet-secrets.io/v1\nkind: SecretStore\nmetadata: {}\n'),
    );
    expect(!nameless.ok && nameless.problems[0]).toMatch(/metadata\.name: required$/);
  });
});
