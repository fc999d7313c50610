import { STSClient } from '@aws-sdk/client-sts';
import type { AwsCredentialIdentityProvider } from '@smithy/types';
import { StoreConfigError } from '../domain/provider-errors.js';
import type { SecretStore } from '../domain/schema.js';
import type { CredentialSource, SecretProvider, SecretProviderFactory } from '../ports/secret-provider.js';
import type { StateStore } from '../ports/state-store.js';
import type { SecretsManagerClients } from './aws-secrets-manager/secrets-manager-clients.js';
import { SecretsManagerProvider } from './aws-secrets-manager/secrets-manager-provider.js';
import { NodeVaultApi } from './vault/vault-api.js';
import { VaultAuthenticator, type VaultIamSigning } from './vault/vault-authenticator.js';
import { VaultProvider } from './vault/vault-provider.js';

export interface CentralProviderFactoryOptions {
  stores: Pick<StateStore, 'getStore'>;
  /** Module-scoped in the handler, so clients and assumed-role credentials survive warm invocations. */
  secretsManager: SecretsManagerClients;
  /** Reads Vault tokens / AppRole secret ids that store records reference by key. */
  credentialSource: CredentialSource;
  vault?: {
    /** Signs AWS IAM logins; default: the function's own identity, resolved as SDK clients resolve it. */
    iam?: VaultIamSigning;
    timeoutMs?: number;
    concurrency?: number;
  };
  secretsManagerConcurrency?: number;
  /**
   * Role for stores that name none (the deployed stack's store reader, denied the control plane's
   * own secrets); absent in dev mode and tests: the process's own identity.
   */
  defaultStoreRoleArn?: string;
}

/**
 * Builds the provider of a central store from its record, and keeps it (with its Vault token and
 * SDK clients) while the record's provider settings stay the same. Every call re-reads the
 * record, so an edited or deleted store takes effect on the next pass.
 */
export class CentralProviderFactory implements SecretProviderFactory {
  readonly #stores: Pick<StateStore, 'getStore'>;
  readonly #secretsManager: SecretsManagerClients;
  readonly #credentialSource: CredentialSource;
  readonly #vault: NonNullable<CentralProviderFactoryOptions['vault']>;
  readonly #secretsManagerConcurrency: number | undefined;
  readonly #defaultStoreRoleArn: string | undefined;
  readonly #providers = new Map<string, { fingerprint: string; provider: SecretProvider }>();

  constructor({
    stores,
    secretsManager,
    credentialSource,
    vault = {},
    secretsManagerConcurrency,
    defaultStoreRoleArn,
  }: CentralProviderFactoryOptions) {
    this.#defaultStoreRoleArn = defaultStoreRoleArn;
    this.#stores = stores;
    this.#secretsManager = secretsManager;
    this.#credentialSource = credentialSource;
    this.#vault = vault;
    this.#secretsManagerConcurrency = secretsManagerConcurrency;
  }

  /** Rejects with StoreConfigError when the store is missing or names no usable provider. */
  async forStore(storeName: string): Promise<SecretProvider> {
    const store = await this.#stores.getStore(storeName);
    if (!store) throw new StoreConfigError(storeName, 'no such store');
    const fingerprint = JSON.stringify(store.spec.provider);
    const cached = this.#providers.get(storeName);
    if (cached?.fingerprint === fingerprint) return cached.provider;
    const provider = this.#build(storeName, store);
    this.#providers.set(storeName, { fingerprint, provider });
    return provider;
  }

  #build(storeName: string, store: SecretStore): SecretProvider {
    const { awsSecretsManager: aws, vault, file } = store.spec.provider;
    // A file on someone's disk must never become a production source of secrets.
    if (file) throw new StoreConfigError(storeName, 'the file provider is served by dev mode only');
    if (aws && vault) {
      throw new StoreConfigError(storeName, 'names more than one provider');
    }
    if (aws) {
      return new SecretsManagerProvider({
        storeName,
        region: aws.region,
        ...(aws.role
          ? { roleArn: aws.role, ...(aws.externalId ? { externalId: aws.externalId } : {}) }
          : this.#defaultStoreRoleArn
            ? { roleArn: this.#defaultStoreRoleArn }
            : {}),
        clients: this.#secretsManager,
        ...(this.#secretsManagerConcurrency ? { concurrency: this.#secretsManagerConcurrency } : {}),
      });
    }
    if (vault) {
      const api = new NodeVaultApi({
        server: vault.server,
        ...(vault.namespace ? { namespace: vault.namespace } : {}),
        ...(vault.caBundle ? { caBundle: vault.caBundle } : {}),
        ...(this.#vault.timeoutMs ? { timeoutMs: this.#vault.timeoutMs } : {}),
      });
      const authenticator = new VaultAuthenticator({
        storeName,
        api,
        auth: vault.auth,
        credentialSource: this.#credentialSource,
        ...('iam' in vault.auth ? { iam: this.#vault.iam ?? { credentials: ownIdentity() } } : {}),
      });
      return new VaultProvider({
        storeName,
        api,
        authenticator,
        mount: vault.path,
        kvVersion: vault.version ?? 'v2',
        ...(this.#vault.concurrency ? { concurrency: this.#vault.concurrency } : {}),
      });
    }
    throw new StoreConfigError(storeName, 'names no provider');
  }
}

/** The Lambda execution role's credentials, through the SDK's default provider chain. */
function ownIdentity(): AwsCredentialIdentityProvider {
  let sts: STSClient | undefined;
  return () => {
    sts ??= new STSClient({});
    return sts.config.credentials();
  };
}
