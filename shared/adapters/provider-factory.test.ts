import type { STSClient } from '@aws-sdk/client-sts';
import { describe, expect, it } from 'vitest';
import { StoreConfigError } from '../domain/provider-errors.js';
import type { SecretStore } from '../domain/schema.js';
import { AssumedRoleCredentialCache } from './aws-credentials/assumed-role-credentials.js';
import { SecretsManagerClients } from './aws-secrets-manager/secrets-manager-clients.js';
import { SecretsManagerProvider } from './aws-secrets-manager/secrets-manager-provider.js';
import { CentralProviderFactory } from './provider-factory.js';
import { VaultProvider } from './vault/vault-provider.js';

function store(name: string, provider: SecretStore['spec']['provider']): SecretStore {
  return { apiVersion: 'fleet-secrets.io/v1', kind: 'SecretStore', metadata: { name }, spec: { provider } };
}

function factoryOver(records: SecretStore[]) {
  let reads = 0;
  const factory = new CentralProviderFactory({
    stores: {
      getStore: async (name) => {
        reads++;
        return records.find((s) => s.metadata.name === name);
      },
    },
    secretsManager: new SecretsManagerClients({
      credentials: new AssumedRoleCredentialCache({ sts: {} as STSClient }),
    }),
    credentialSource: async () => 'unused',
  });
  return { factory, reads: () => reads };
}

const aws = store('aws', { awsSecretsManager: { region: 'eu-west-1', role: 'arn:aws:iam::1:role/r' } });
const vault = store('vault', {
  vault: { server: 'https://vault.example.com', path: 'secret', auth: { tokenSecretRef: { key: 't' } } },
});

describe('CentralProviderFactory', () => {
  it('should build the provider the store record names, under the store name', async () => {
    const { factory } = factoryOver([aws, vault]);
    const a = await factory.forStore('aws');
    const v = await factory.forStore('vault');
    expect(a).toBeInstanceOf(SecretsManagerProvider);
    expect(v).toBeInstanceOf(VaultProvider);
    expect([a.storeName, v.storeName]).toEqual(['aws', 'vault']);
  });

  it('should keep a provider (and its token) while the record is unchanged, re-reading the record each time', async () => {
    const records = [aws];
    const { factory, reads } = factoryOver(records);
    const first = await factory.forStore('aws');
    expect(await factory.forStore('aws')).toBe(first);
    expect(reads()).toBe(2);
    records[0] = store('aws', { awsSecretsManager: { region: 'us-east-1' } });
    expect(await factory.forStore('aws')).not.toBe(first);
  });

  it('should reject a missing store, or one naming no or several providers, with StoreConfigError', async () => {
    const { factory } = factoryOver([
      store('none', {}),
      store('both', { ...aws.spec.provider, ...vault.spec.provider }),
    ]);
    for (const [name, why] of [
      ['missing', /"missing": no such store/],
      ['none', /"none": names no provider/],
      ['both', /"both": names more than one provider/],
    ] as const) {
      const err = await factory.forStore(name).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(StoreConfigError);
      expect((err as Error).message).toMatch(why);
    }
  });
});
