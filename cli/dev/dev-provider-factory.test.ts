import { describe, expect, it } from 'vitest';
import { FileSecretProvider } from '../../shared/adapters/file-provider/index.js';
import { LocalStateStore } from '../../shared/adapters/local-state/index.js';
import { CentralProviderFactory } from '../../shared/adapters/provider-factory.js';
import { API_GROUP_VERSION, type SecretStore } from '../../shared/domain/schema.js';
import type { SecretProvider, SecretProviderFactory } from '../../shared/ports/secret-provider.js';
import { DevProviderFactory } from './dev-provider-factory.js';

const store = (name: string, provider: SecretStore['spec']['provider']): SecretStore => ({
  apiVersion: API_GROUP_VERSION,
  kind: 'SecretStore',
  metadata: { name },
  spec: { provider },
});

describe('DevProviderFactory', () => {
  it('should serve file stores itself and hand every other store to the AWS factory, built once', async () => {
    const state = new LocalStateStore();
    await state.putStore(store('files', { file: { path: '/tmp/secrets.yaml' } }));
    await state.putStore(store('sm', { awsSecretsManager: { region: 'eu-west-1' } }));
    const central: SecretProvider = { storeName: 'sm', read: async () => [], find: async () => [] };
    let built = 0;
    const factory = new DevProviderFactory({
      stores: state,
      central: (): SecretProviderFactory => {
        built++;
        return { forStore: async () => central };
      },
    });
    expect(await factory.forStore('files')).toBeInstanceOf(FileSecretProvider);
    expect(await factory.forStore('files')).toBe(await factory.forStore('files'));
    expect(built).toBe(0);
    expect(await factory.forStore('sm')).toBe(central);
    expect(await factory.forStore('sm')).toBe(central);
    expect(built).toBe(1);
    await expect(factory.forStore('nope')).rejects.toThrow('SecretStore "nope": no such store');
  });

  it('should leave the AWS runtime refusing file stores', async () => {
    const state = new LocalStateStore();
    await state.putStore(store('files', { file: { path: '/tmp/secrets.yaml' } }));
    const aws = new CentralProviderFactory({
      stores: state,
      secretsManager: {} as never,
      credentialSource: async () => '',
    });
    await expect(aws.forStore('files')).rejects.toThrow(
      'SecretStore "files": the file provider is served by dev mode only',
    );
  });
});
