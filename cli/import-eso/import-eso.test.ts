import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parseManifestText } from '../manifests/load-manifests.js';
import type { Conversion } from './conversion.js';
import { importEso } from './import-eso.js';

const fixtures = join(dirname(fileURLToPath(import.meta.url)), 'fixtures');

function convert(...files: string[]) {
  const manifests = files.flatMap(
    (f) => parseManifestText(readFileSync(join(fixtures, f), 'utf8'), f).manifests,
  );
  return importEso(manifests);
}

function find(conversions: Conversion[], fragment: string): Conversion {
  const found = conversions.find((c) => c.from.includes(fragment));
  if (!found) throw new Error(`no conversion of ${fragment}`);
  return found;
}

describe('importEso', () => {
  const { conversions } = convert('stores.yaml', 'external-secret.yaml', 'cluster-external-secret.yaml');

  it('should convert the basic ExternalSecret field for field, minus kubectl bookkeeping', () => {
    const es = find(conversions, 'ExternalSecret team-a/example');
    expect(es.ok).toBe(true);
    if (!es.ok) return;
    expect(es.destination).toBe('cluster');
    expect(es.object).toMatchObject({
      apiVersion: 'fleet-secrets.io/v1',
      kind: 'ExternalSecret',
      metadata: { name: 'example', namespace: 'team-a', labels: { app: 'billing' } },
      spec: {
        refreshInterval: '1h',
        secretStoreRef: { name: 'secretstore-sample', kind: 'SecretStore' },
        target: { name: 'secret-to-be-created', creationPolicy: 'Owner', template: { engineVersion: 'v2' } },
        data: [
          { secretKey: 'user', remoteRef: { key: 'provider-key', property: 'user' } },
          { secretKey: 'password', remoteRef: { key: 'provider-key', version: 'AWSCURRENT' } },
        ],
        dataFrom: [{ extract: { key: 'remote-key-in-the-provider' } }],
      },
    });
    expect(es.object.metadata.annotations).toBeUndefined();
  });

  it('should convert find and rewrite from v1beta1', () => {
    const es = find(conversions, 'find-by-name');
    expect(es.ok && es.object.spec).toMatchObject({
      dataFrom: [
        {
          find: { path: 'app/', name: { regexp: '^app/.*' } },
          rewrite: [{ regexp: { source: 'app/(.*)' } }],
        },
      ],
    });
  });

  it('should refuse generators and ConfigMap templates, naming each field and why', () => {
    const es = find(conversions, 'with-generator');
    expect(es.ok).toBe(false);
    if (es.ok) return;
    expect(es.reasons).toEqual([
      'spec.target.template.templateFrom[0].configMap: templates are not read from in-cluster ConfigMaps or Secrets: inline it as templateFrom[].literal',
      'spec.dataFrom[0].sourceRef.generatorRef: generators have no equivalent: the control plane only reads secrets that already exist in a store',
    ]);
  });

  it('should convert a ClusterExternalSecret and point it at the converted ClusterSecretStore', () => {
    const ces = find(conversions, 'ClusterExternalSecret hello-world');
    expect(ces.ok && ces.object.spec).toMatchObject({
      externalSecretName: 'hello-world-es',
      namespaceSelectors: [{ matchLabels: { cool: 'label' } }],
      externalSecretSpec: { secretStoreRef: { name: 'vault-backend' }, target: { creationPolicy: 'Merge' } },
    });
  });

  it('should turn an AWS SecretStore into a central store for its namespace, without its static keys', () => {
    const store = find(conversions, 'SecretStore team-a/secretstore-sample');
    expect(store.ok).toBe(true);
    if (!store.ok) return;
    expect(store.destination).toBe('control-plane');
    expect(store.object.spec).toEqual({
      provider: {
        awsSecretsManager: { region: 'eu-central-1', role: 'arn:aws:iam::123456789012:role/team-a-reader' },
      },
      accessPolicy: { clusterSelector: {}, namespaces: ['team-a'], keys: ['**'] },
    });
    expect(store.notes.join('\n')).toMatch(/own IAM identity/);
  });

  it('should turn a Vault ClusterSecretStore into a store whose token the control plane keeps', () => {
    const store = find(conversions, 'ClusterSecretStore vault-backend');
    expect(store.ok && store.object.spec).toEqual({
      provider: {
        vault: {
          server: 'http://my.vault.server:8200',
          path: 'secret',
          version: 'v2',
          auth: { tokenSecretRef: { key: 'vault-backend/vault-token' } },
        },
      },
      accessPolicy: { clusterSelector: {}, namespaces: ['team-a', 'team-b'], keys: ['**'] },
    });
    expect(store.ok && store.notes.join('\n')).toContain(
      "Kubernetes Secret external-secrets/vault-token (key token); copy it to the control plane's Secrets Manager secret fleet-secrets-internal/store-credentials/vault-backend/vault-token",
    );
  });

  it('should refuse providers and services that fleet-secrets does not read', () => {
    const ps = find(conversions, 'parameters');
    const gcp = find(conversions, 'gcp-store');
    expect(!ps.ok && ps.reasons).toEqual([
      'spec.provider.aws.service: ParameterStore has no equivalent: only SecretsManager is read',
    ]);
    expect(!gcp.ok && gcp.reasons).toEqual([
      'spec.provider.gcpsm: fleet-secrets reads AWS Secrets Manager and HashiCorp Vault only',
    ]);
  });

  it('should rename namespaced stores whose names collide, and their references with them', () => {
    const text = (ns: string) =>
      `apiVersion: external-secrets.io/v1\nkind: SecretStore\nmetadata: {name: vault, namespace: ${ns}}\nspec:\n  provider:\n    aws: {service: SecretsManager, region: eu-west-1}\n---\napiVersion: external-secrets.io/v1\nkind: ExternalSecret\nmetadata: {name: db, namespace: ${ns}}\nspec:\n  secretStoreRef: {name: vault}\n  data: [{secretKey: a, remoteRef: {key: k}}]\n`;
    const manifests = ['a', 'b'].flatMap((ns) => parseManifestText(text(ns), `${ns}.yaml`).manifests);
    const { conversions: out } = importEso(manifests);
    const names = out.map((c) =>
      c.ok
        ? `${c.object.kind}:${c.object.metadata.name}:${JSON.stringify((c.object.spec as { secretStoreRef?: unknown }).secretStoreRef ?? '')}`
        : c.reasons.join(),
    );
    expect(names).toEqual([
      'SecretStore:a-vault:""',
      'ExternalSecret:db:{"name":"a-vault","kind":"SecretStore"}',
      'SecretStore:b-vault:""',
      'ExternalSecret:db:{"name":"b-vault","kind":"SecretStore"}',
    ]);
  });

  it('should leave out manifests that are not ESO manifests', () => {
    const { manifests } = parseManifestText(
      'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: x}\n',
      'cm.yaml',
    );
    expect(importEso(manifests)).toEqual({
      conversions: [],
      skipped: ['cm.yaml:1: not an External Secrets Operator manifest (external-secrets.io/v1): left out'],
    });
  });
});
