import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildCrdFiles, buildCrds, crdFileText } from './crds.js';

type Json = Record<string, unknown>;

const crdDir = join(import.meta.dirname, '..', '..', 'crds');

function walk(node: unknown, path: string, visit: (n: Json, path: string) => void): void {
  if (Array.isArray(node)) {
    for (const [i, n] of node.entries()) walk(n, `${path}[${i}]`, visit);
  } else if (node && typeof node === 'object') {
    visit(node as Json, path);
    for (const [k, v] of Object.entries(node)) walk(v, `${path}.${k}`, visit);
  }
}

function schemaOf(crd: Json): Json {
  const spec = crd.spec as Json;
  const [version] = spec.versions as Json[];
  return ((version as Json).schema as Json).openAPIV3Schema as Json;
}

describe('CRDs', () => {
  it('should match the files in crds/ (run `npm run gen:crds` when this fails)', () => {
    for (const file of buildCrdFiles()) {
      const onDisk = readFileSync(join(crdDir, file.fileName), 'utf8');
      expect(onDisk, `${file.fileName} is out of date: run npm run gen:crds`).toBe(crdFileText(file));
    }
  });

  it('should only use keywords a structural schema allows', () => {
    for (const crd of buildCrds()) {
      walk(schemaOf(crd), 'schema', (n, path) => {
        for (const banned of ['anyOf', 'oneOf', 'allOf', 'const', 'patternProperties', '$id', '$schema']) {
          expect(n[banned], `${path}.${banned}`).toBeUndefined();
        }
        if (n.properties !== undefined) {
          expect(n.type, `${path} has properties but no type`).toBe('object');
          expect(n.additionalProperties, `${path} mixes properties and additionalProperties`).toBeUndefined();
        }
        if (n.items !== undefined) expect(n.type, path).toBe('array');
      });
    }
  });

  it('should give every property schema a type', () => {
    for (const crd of buildCrds()) {
      walk(schemaOf(crd), 'schema', (n, path) => {
        for (const [k, v] of Object.entries((n.properties as Json | undefined) ?? {})) {
          expect((v as Json).type, `${path}.properties.${k}`).toBeTypeOf('string');
        }
      });
    }
  });

  it('should have the status subresource, short names that do not clash with ESO, and ESO-like columns', () => {
    const [es, ces] = buildCrds() as [Json, Json];
    const esSpec = es.spec as Json;
    const esNames = esSpec.names as Json;
    expect(esNames.shortNames).toEqual(['fses']);
    expect(((ces.spec as Json).names as Json).shortNames).toEqual(['fces']);
    expect((ces.spec as Json).scope).toBe('Cluster');
    expect(esSpec.scope).toBe('Namespaced');
    const [version] = esSpec.versions as Json[];
    expect((version as Json).subresources).toEqual({ status: {} });
    const columns = ((version as Json).additionalPrinterColumns as Json[]).map((c) => c.name);
    expect(columns).toEqual(['Store', 'Refresh Interval', 'Status', 'Ready', 'Last Sync', 'Age']);
  });

  it('should carry the cross-field rules as CEL where the apiserver can enforce them', () => {
    const rules: string[] = [];
    for (const crd of buildCrds()) {
      walk(schemaOf(crd), 'schema', (n) => {
        for (const v of (n['x-kubernetes-validations'] as Json[] | undefined) ?? [])
          rules.push(String(v.message));
      });
    }
    for (const message of [
      'data or dataFrom required',
      'deletionPolicy Delete needs creationPolicy Owner',
      'deletionPolicy Merge cannot be used with creationPolicy None',
      'a Secret of this type would have a ServiceAccount token minted into it',
      'set exactly one of extract or find',
      'set exactly one of: regexp, transform',
      'set namespaces, namespaceSelectors or namespaceSelector',
    ]) {
      expect(rules, message).toContain(message);
    }
  });

  it('should reject duplicate secretKeys in the apiserver through a list-map on data', () => {
    const [es] = buildCrds() as [Json];
    const spec = (schemaOf(es).properties as Json).spec as Json;
    const data = (spec.properties as Json).data as Json;
    expect(data['x-kubernetes-list-type']).toBe('map');
    expect(data['x-kubernetes-list-map-keys']).toEqual(['secretKey']);
  });
});
