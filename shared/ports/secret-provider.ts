import type { ProviderError } from '../domain/provider-errors.js';
import type { FindQuery, ReadRequest, SecretPayload } from '../domain/provider-requests.js';

export type { FindQuery, ReadRequest, SecretPayload };

export type ReadResult =
  | { ok: true; request: ReadRequest; payload: SecretPayload }
  | { ok: false; request: ReadRequest; error: ProviderError };

/** Who a read is for: goes into assumed-role session names so CloudTrail shows it. */
export interface ReadContext {
  clusterId?: string;
  namespace?: string;
}

export interface SecretProvider {
  readonly storeName: string;
  /** Reads many keys in as few calls as the provider allows; one failed key never fails the others. */
  read(requests: ReadRequest[], ctx: ReadContext): Promise<ReadResult[]>;
  /** Lists the keys matching a dataFrom.find query. */
  find(query: FindQuery, ctx: ReadContext): Promise<string[]>;
  /** API calls made since the provider was built, by operation: read by coalescing stats and benchmarks. */
  callCounts?(): Readonly<Record<string, number>>;
}

/**
 * Reads a credential the control plane itself holds for a store (a Vault token, an AppRole secret
 * id) by the key the store record names: store records never carry credentials. `fresh` skips any
 * cache, for the retry after an authentication failure in case the credential was rotated.
 */
export type CredentialSource = (key: string, options?: { fresh?: boolean }) => Promise<string>;

/** Builds the provider of a central store (credentials are the control plane's, never a cluster's). */
export interface SecretProviderFactory {
  /** Rejects with StoreConfigError (domain/provider-errors) when the store cannot serve reads as configured. */
  forStore(storeName: string): Promise<SecretProvider>;
}
