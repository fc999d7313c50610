import type { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { describe, expect, it } from 'vitest';
import { secretsManagerCredentialSource } from './control-plane-credentials.js';
import { CredentialUnavailableError } from './errors.js';

function fakeClient(values: Record<string, string>) {
  const asked: string[] = [];
  const client = {
    send: async (command: GetSecretValueCommand) => {
      const id = command.input.SecretId!;
      asked.push(id);
      if (!(id in values)) throw Object.assign(new Error('not found'), { name: 'ResourceNotFoundException' });
      return { SecretString: values[id] };
    },
  } as unknown as SecretsManagerClient;
  return { client, asked };
}

describe('secretsManagerCredentialSource', () => {
  it('should read the credential under the prefix and reuse it within its TTL', async () => {
    let now = 0;
    const { client, asked } = fakeClient({ 'fs/creds/vault-token': 's.abc' });
    const source = secretsManagerCredentialSource({
      client,
      prefix: 'fs/creds/',
      ttlMs: 1000,
      clock: { now: () => new Date(now) },
    });
    expect(await source('vault-token')).toBe('s.abc');
    expect(await source('vault-token')).toBe('s.abc');
    expect(asked).toEqual(['fs/creds/vault-token']);
    now = 1001;
    await source('vault-token');
    expect(asked).toHaveLength(2);
  });

  it('should skip the cache when asked for a fresh value', async () => {
    const { client, asked } = fakeClient({ 'p/k': 'v' });
    const source = secretsManagerCredentialSource({ client, prefix: 'p/' });
    await source('k');
    await source('k', { fresh: true });
    expect(asked).toHaveLength(2);
  });

  it('should name the key and the AWS error, not cache the failure', async () => {
    const { client, asked } = fakeClient({});
    const source = secretsManagerCredentialSource({ client, prefix: 'p/' });
    const err = await source('missing').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(CredentialUnavailableError);
    expect((err as Error).message).toBe(
      'control-plane credential "missing" could not be read: ResourceNotFoundException',
    );
    await source('missing').catch(() => undefined);
    expect(asked).toHaveLength(2);
  });

  it('should refuse a key that cannot be a secret name', async () => {
    const { client } = fakeClient({});
    const source = secretsManagerCredentialSource({ client });
    await expect(source('a b')).rejects.toThrow(/characters a secret name cannot/);
  });
});
