import { GetSecretValueCommand, type SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { STORE_CREDENTIALS_PREFIX } from '../../domain/reserved-keys.js';
import { type Clock, systemClock } from '../../ports/clock.js';
import type { CredentialSource } from '../../ports/secret-provider.js';
import { CredentialUnavailableError } from './errors.js';

export interface SecretsManagerCredentialSourceOptions {
  /** A client with the function's own role: these are the control plane's secrets, not a tenant's. */
  client: SecretsManagerClient;
  /** Where store credentials live, default `fleet-secrets-internal/store-credentials/`; keys are appended. */
  prefix?: string;
  /** How long a read credential is reused; a rejected login re-reads it regardless. */
  ttlMs?: number;
  clock?: Clock;
}

/**
 * Store records name their Vault token or AppRole secret id by key; the value lives in the
 * control plane's own Secrets Manager under `prefix + key`, readable only by the functions'
 * role, so neither DynamoDB nor any cluster ever holds it. The prefix is outside every store's
 * reach (shared/domain/reserved-keys.ts), so no ExternalSecret can copy it into a namespace.
 */
export function secretsManagerCredentialSource({
  client,
  prefix = STORE_CREDENTIALS_PREFIX,
  ttlMs = 5 * 60_000,
  clock = systemClock,
}: SecretsManagerCredentialSourceOptions): CredentialSource {
  const cache = new Map<string, { value: Promise<string>; until: number }>();
  return async (key, options = {}) => {
    if (!/^[\w/+=.@-]+$/.test(key)) {
      throw new CredentialUnavailableError({ key, detail: 'the key has characters a secret name cannot' });
    }
    const now = clock.now().getTime();
    const hit = cache.get(key);
    if (hit && !options.fresh && now < hit.until) return hit.value;
    const value = read(client, `${prefix}${key}`, key);
    const entry = { value, until: now + ttlMs };
    cache.set(key, entry);
    value.catch(() => {
      if (cache.get(key) === entry) cache.delete(key);
    });
    return value;
  };
}

async function read(client: SecretsManagerClient, secretId: string, key: string): Promise<string> {
  let secretString: string | undefined;
  try {
    secretString = (await client.send(new GetSecretValueCommand({ SecretId: secretId }))).SecretString;
  } catch (err) {
    const code = (err as { name?: string }).name ?? 'unknown error';
    throw new CredentialUnavailableError({ key, detail: code });
  }
  if (!secretString) throw new CredentialUnavailableError({ key, detail: 'the secret has no SecretString' });
  return secretString;
}
