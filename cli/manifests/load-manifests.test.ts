import { describe, expect, it } from 'vitest';
import { parseFieldPath } from './field-path.js';
import { parseManifestText } from './load-manifests.js';

const text = `# a comment
apiVersion: fleet-secrets.io/v1
kind: FleetExternalSecret
metadata:
  name: db
spec:
  namespaces: [payments]
  externalSecretSpec:
    data:
      - secretKey: password
        remoteRef:
          key: prod/db
          kee: typo
---
apiVersion: fleet-secrets.io/v1
kind: SecretStore
metadata:
  name: "x.y"
  labels:
    "a.b/c": d
`;

describe('parseFieldPath', () => {
  it('should split dotted names, indexes and quoted keys', () => {
    expect(parseFieldPath('spec.data[2].remoteRef.key')).toEqual(['spec', 'data', 2, 'remoteRef', 'key']);
    expect(parseFieldPath('metadata.labels["a.b/c"]')).toEqual(['metadata', 'labels', 'a.b/c']);
    expect(parseFieldPath('(root)')).toEqual([]);
  });
});

describe('parseManifestText', () => {
  const { manifests, problems } = parseManifestText(text, 'fleet.yaml');

  it('should read every document with the line it starts on', () => {
    expect(problems).toEqual([]);
    expect(manifests.map((m) => m.line)).toEqual([2, 15]);
  });

  it('should find the line of the field a validation issue names', () => {
    const [fes, store] = manifests;
    expect(fes?.lineOf('spec.externalSecretSpec.data[0].remoteRef.kee')).toBe(13);
    expect(fes?.lineOf('spec.externalSecretSpec.data[0]')).toBe(10);
    expect(store?.lineOf('metadata.labels["a.b/c"]')).toBe(20);
  });

  it('should fall back to the deepest parent that exists for a missing field', () => {
    expect(manifests[0]?.lineOf('spec.externalSecretSpec.target.name')).toBe(8);
    expect(manifests[0]?.lineOf('spec.externalSecretSpec.data[3].secretKey')).toBe(9);
  });

  it('should report YAML errors at file:line without quoting the source', () => {
    const broken = parseManifestText('a: 1\nb: "hunter2\n', 'bad.yaml');
    expect(broken.manifests).toEqual([]);
    expect(broken.problems).toHaveLength(1);
    expect(broken.problems[0]).toMatch(/^bad\.yaml:\d+: /);
    expect(broken.problems[0]).not.toContain('hunter2');
  });
});
