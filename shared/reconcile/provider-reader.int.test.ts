import { randomBytes } from 'node:crypto';
import {
  CreateSecretCommand,
  DeleteSecretCommand,
  SecretsManagerClient,
} from '@aws-sdk/client-secrets-manager';
import { STSClient } from '@aws-sdk/client-sts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { countRequests, type RequestCounts } from '../../infra-tests/helpers/counting-middleware.js';
import { loadPeers } from '../../infra-tests/helpers/peers.js';
import { AssumedRoleCredentialCache } from '../adapters/aws-credentials/assumed-role-credentials.js';
import { secretsManagerCredentialSource } from '../adapters/aws-secrets-manager/control-plane-credentials.js';
import { SecretsManagerClients } from '../adapters/aws-secrets-manager/secrets-manager-clients.js';
import { CentralProviderFactory } from '../adapters/provider-factory.js';
import type { SecretStore } from '../domain/schema.js';
import type { ReadResult } from '../ports/secret-provider.js';
import { ProviderReader } from './provider-reader.js';

const run = randomBytes(4).toString('hex');
const CANARY = `canary-${randomBytes(8).toString('hex')}`;
const credentials = { accessKeyId: 'testing', secretAccessKey: 'testing' };
const smPrefix = `int-reader-${run}`;
const kvMount = `int-reader-kv-${run}`;
const credentialPrefix = `int-reader-creds-${run}/`;

let sm: SecretsManagerClient;
let vaultUrl: string;
let rootToken: string;
const createdSecrets: string[] = [];

async function vault(method: string, path: string, body?: unknown) {
  const res = await fetch(`${vaultUrl}/v1/${path}`, {
    method,
    headers: { 'X-Vault-Token': rootToken, 'content-type': 'application/json' },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${await res.text()}`);
}

async function createSecret(name: string, value: string) {
  await sm.send(new CreateSecretCommand({ Name: name, SecretString: value }));
  createdSecrets.push(name);
}

/** One warm Lambda container: factory, clients and role credentials outlive the passes it serves. */
function warmContainer() {
  const { moto } = loadPeers();
  const sts = new STSClient({ endpoint: moto.url, region: moto.region, credentials });
  const stsCalls = countRequests(sts);
  const smCounters: RequestCounts[] = [];
  const stores: SecretStore[] = [
    {
      apiVersion: 'fleet-secrets.io/v1',
      kind: 'SecretStore',
      metadata: { name: 'aws-prod' },
      spec: {
        provider: {
          awsSecretsManager: {
            region: moto.region,
            role: `arn:aws:iam::123456789012:role/fs-reader-${run}`,
            externalId: 'fleet-secrets',
          },
        },
      },
    },
    {
      apiVersion: 'fleet-secrets.io/v1',
      kind: 'SecretStore',
      metadata: { name: 'vault-prod' },
      spec: {
        provider: {
          vault: { server: vaultUrl, path: kvMount, auth: { tokenSecretRef: { key: 'vault-token' } } },
        },
      },
    },
  ];
  const factory = new CentralProviderFactory({
    stores: { getStore: async (name) => stores.find((s) => s.metadata.name === name) },
    secretsManager: new SecretsManagerClients({
      credentials: new AssumedRoleCredentialCache({ sts }),
      clientConfig: { endpoint: moto.url, credentials },
      instrument: (client) => smCounters.push(countRequests(client)),
    }),
    credentialSource: secretsManagerCredentialSource({ client: sm, prefix: credentialPrefix }),
  });
  const smCalls = (command: string) => smCounters.reduce((n, c) => n + c.count(command), 0);
  return { factory, stsCalls, smCalls };
}

const text = (r: ReadResult) => (r.ok ? new TextDecoder().decode(r.payload.value) : `error:${r.error.code}`);

beforeAll(async () => {
  const peers = loadPeers();
  ({ url: vaultUrl, rootToken } = peers.vault);
  sm = new SecretsManagerClient({ endpoint: peers.moto.url, region: peers.moto.region, credentials });
  await Promise.all(
    Array.from({ length: 50 }, (_, i) => createSecret(`${smPrefix}/k${i}`, `${CANARY}-aws-${i}`)),
  );
  await createSecret(`${credentialPrefix}vault-token`, rootToken);
  await vault('POST', `sys/mounts/${kvMount}`, { type: 'kv', options: { version: '2' } });
  for (let i = 0; i < 10; i++)
    await vault('POST', `${kvMount}/data/app/k${i}`, { data: { v: `${CANARY}-vault-${i}` } });
});

afterAll(async () => {
  await vault('DELETE', `sys/mounts/${kvMount}`).catch(() => undefined);
  await Promise.all(
    createdSecrets.map((name) =>
      sm
        .send(new DeleteSecretCommand({ SecretId: name, ForceDeleteWithoutRecovery: true }))
        .catch(() => undefined),
    ),
  );
  sm.destroy();
});

describe('ProviderReader over real providers', () => {
  it('should serve 200 requests for 50 distinct Secrets Manager keys with ceil(50/20) = 3 batch calls', async () => {
    const { factory, smCalls, stsCalls } = warmContainer();
    const reader = new ProviderReader({ factory, context: { clusterId: 'prod-eu-1' } });
    // 4 namespaces x 50 ExternalSecrets, each naming one of the 50 keys.
    const asks = Array.from({ length: 200 }, (_, i) => ({
      storeName: 'aws-prod',
      request: { key: `${smPrefix}/k${i % 50}` },
    }));
    const results = await reader.readMany(asks);
    expect(results.map(text)).toEqual(asks.map((_, i) => `${CANARY}-aws-${i % 50}`));
    expect(smCalls('BatchGetSecretValue')).toBe(3);
    expect(smCalls('GetSecretValue')).toBe(0);
    expect(stsCalls.count('AssumeRole')).toBe(1);
    expect(reader.stats()).toEqual({
      requests: 200,
      hits: 150,
      misses: 50,
      calls: 1,
      finds: 0,
      findHits: 0,
      providerCalls: { 'aws-prod': { BatchGetSecretValue: 3 } },
    });
  });

  it('should batch per store and fetch each Vault key once, with one login', async () => {
    const { factory, smCalls } = warmContainer();
    const reader = new ProviderReader({ factory, context: { clusterId: 'prod-eu-1' } });
    const asks = [
      ...Array.from({ length: 30 }, (_, i) => ({
        storeName: 'vault-prod',
        request: { key: `app/k${i % 10}` },
      })),
      ...Array.from({ length: 45 }, (_, i) => ({
        storeName: 'aws-prod',
        request: { key: `${smPrefix}/k${i % 45}` },
      })),
      { storeName: 'nowhere', request: { key: 'x' } },
    ];
    const results = await reader.readMany(asks);
    expect(results.slice(0, 30).map((r) => JSON.parse(text(r)).v)).toEqual(
      Array.from({ length: 30 }, (_, i) => `${CANARY}-vault-${i % 10}`),
    );
    expect(text(results.at(-1)!)).toBe('error:InvalidRequest');
    expect(smCalls('BatchGetSecretValue')).toBe(3);
    const stats = reader.stats();
    expect(stats).toMatchObject({ requests: 76, misses: 56, hits: 20, calls: 3 });
    expect(stats.providerCalls['vault-prod']).toEqual({ read: 10, login: 1 });
  });

  it('should reuse role credentials and the Vault token in the next pass of a warm container', async () => {
    const { factory, stsCalls, smCalls } = warmContainer();
    for (const pass of [1, 2, 3]) {
      const reader = new ProviderReader({ factory, context: { clusterId: 'prod-eu-1' } });
      await reader.readMany([
        ...Array.from({ length: 20 }, (_, i) => ({
          storeName: 'aws-prod',
          request: { key: `${smPrefix}/k${i}` },
        })),
        ...Array.from({ length: 5 }, (_, i) => ({ storeName: 'vault-prod', request: { key: `app/k${i}` } })),
      ]);
      expect(reader.stats().providerCalls).toEqual({
        'aws-prod': { BatchGetSecretValue: 1 },
        'vault-prod': pass === 1 ? { read: 5, login: 1 } : { read: 5 },
      });
    }
    expect(stsCalls.count('AssumeRole')).toBe(1);
    expect(smCalls('BatchGetSecretValue')).toBe(3);
  });

  it('should let a find feed batch reads, listing once per pass', async () => {
    const { factory, smCalls } = warmContainer();
    const reader = new ProviderReader({ factory, context: { clusterId: 'prod-eu-1' } });
    const [a, b] = await Promise.all([
      reader.find('aws-prod', { path: `${smPrefix}/k1` }),
      reader.find('aws-prod', { path: `${smPrefix}/k1` }),
    ]);
    expect(b).toEqual(a);
    expect(a).toHaveLength(11);
    const results = await reader.readMany(a.map((key) => ({ storeName: 'aws-prod', request: { key } })));
    expect(results.every((r) => r.ok)).toBe(true);
    expect(smCalls('ListSecrets')).toBe(1);
    expect(smCalls('BatchGetSecretValue')).toBe(1);
  });
});
