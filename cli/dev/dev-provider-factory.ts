import { FileSecretProvider } from '../../shared/adapters/file-provider/index.js';
import { StoreConfigError } from '../../shared/domain/provider-errors.js';
import type { SecretProvider, SecretProviderFactory } from '../../shared/ports/secret-provider.js';
import type { StateStore } from '../../shared/ports/state-store.js';

export interface DevProviderFactoryOptions {
  stores: Pick<StateStore, 'getStore'>;
  /** The AWS runtime's factory, built on first use: only stores that name AWS or Vault need it. */
  central: () => SecretProviderFactory;
}

/**
 * Dev mode's providers: file stores from their local file, every other store exactly as the
 * AWS runtime would (real Secrets Manager or Vault, when credentials are configured).
 */
export class DevProviderFactory implements SecretProviderFactory {
  readonly #stores: Pick<StateStore, 'getStore'>;
  readonly #central: () => SecretProviderFactory;
  #centralFactory: SecretProviderFactory | undefined;
  readonly #files = new Map<string, FileSecretProvider>();

  constructor({ stores, central }: DevProviderFactoryOptions) {
    this.#stores = stores;
    this.#central = central;
  }

  async forStore(storeName: string): Promise<SecretProvider> {
    const store = await this.#stores.getStore(storeName);
    if (!store) throw new StoreConfigError(storeName, 'no such store');
    const file = store.spec.provider.file;
    if (!file) {
      this.#centralFactory ??= this.#central();
      return this.#centralFactory.forStore(storeName);
    }
    const id = `${storeName}\u0000${file.path}`;
    let provider = this.#files.get(id);
    if (!provider) {
      provider = new FileSecretProvider({ storeName, path: file.path });
      this.#files.set(id, provider);
    }
    return provider;
  }
}
