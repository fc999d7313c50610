import {
  BatchGetSecretValueCommand,
  GetSecretValueCommand,
  type SecretsManagerClient,
} from '@aws-sdk/client-secrets-manager';
import { describe, expect, it } from 'vitest';
import type { ReadResult } from '../../ports/secret-provider.js';
import type { SecretsManagerClients } from './secrets-manager-clients.js';
import { SecretsManagerProvider } from './secrets-manager-provider.js';

const ARN_BASE = 'arn:aws:secretsmanager:eu-west-1:111122223333:secret:';

/** A fake service that knows `existing` names; ids containing a space are malformed, as the real API says. */
function fakeService(existing: string[], opts: { denyBatch?: boolean } = {}) {
  const batches: string[][] = [];
  const singles: string[] = [];
  const entry = (name: string) => ({
    Name: name,
    ARN: `${ARN_BASE}${name}-AbCdEf`,
    SecretString: `value-of-${name}`,
    VersionId: 'v1',
    VersionStages: ['AWSCURRENT'],
  });
  const find = (id: string) =>
    existing.find((n) => n === id || id === `${ARN_BASE}${n}` || id === `${ARN_BASE}${n}-AbCdEf`);
  const client = {
    send: async (command: unknown) => {
      if (command instanceof BatchGetSecretValueCommand) {
        const ids = command.input.SecretIdList ?? [];
        batches.push(ids);
        if (opts.denyBatch)
          throw Object.assign(new Error('not authorized'), { name: 'AccessDeniedException' });
        if (ids.length > 20 || ids.some((id) => id.includes(' '))) {
          throw Object.assign(new Error('Member must satisfy constraint'), {
            name: 'InvalidParameterException',
          });
        }
        const found = ids.map(find).filter((n): n is string => !!n);
        return {
          SecretValues: found.map(entry),
          Errors: ids
            .filter((id) => !find(id))
            .map((id) => ({ SecretId: id, ErrorCode: 'ResourceNotFoundException', Message: 'not found' })),
        };
      }
      if (command instanceof GetSecretValueCommand) {
        const id = command.input.SecretId!;
        singles.push(id);
        if (id.includes(' ')) throw Object.assign(new Error('bad id'), { name: 'InvalidParameterException' });
        const name = find(id);
        if (!name) throw Object.assign(new Error('not found'), { name: 'ResourceNotFoundException' });
        return entry(name);
      }
      throw new Error('unexpected command');
    },
  } as unknown as SecretsManagerClient;
  const clients = { clientFor: () => client } as unknown as SecretsManagerClients;
  return { clients, batches, singles };
}

const text = (r: ReadResult) => (r.ok ? new TextDecoder().decode(r.payload.value) : `error:${r.error.code}`);

describe('SecretsManagerProvider', () => {
  it('should chunk 45 keys into batches of 20, 20 and 5', async () => {
    const names = Array.from({ length: 45 }, (_, i) => `k${i}`);
    const { clients, batches } = fakeService(names);
    const provider = new SecretsManagerProvider({ storeName: 's', region: 'eu-west-1', clients });
    const results = await provider.read(
      names.map((key) => ({ key })),
      {},
    );
    expect(batches.map((b) => b.length).sort((a, b) => b - a)).toEqual([20, 20, 5]);
    expect(results.map(text)).toEqual(names.map((n) => `value-of-${n}`));
  });

  it('should read a chunk one by one when a malformed id fails the whole call, so only that id fails', async () => {
    const { clients, batches, singles } = fakeService(['a', 'b']);
    const provider = new SecretsManagerProvider({ storeName: 's', region: 'eu-west-1', clients });
    const results = await provider.read([{ key: 'a' }, { key: 'bad id' }, { key: 'b' }], {});
    expect(results.map(text)).toEqual(['value-of-a', 'error:InvalidRequest', 'value-of-b']);
    expect(batches).toHaveLength(1);
    expect(singles).toEqual(['a', 'bad id', 'b']);
  });

  it('should fail every key of a chunk the caller may not batch-read, without a fallback', async () => {
    const { clients, singles } = fakeService(['a', 'b'], { denyBatch: true });
    const provider = new SecretsManagerProvider({ storeName: 's', region: 'eu-west-1', clients });
    const results = await provider.read([{ key: 'a' }, { key: 'b' }], {});
    expect(results.map(text)).toEqual(['error:AccessDenied', 'error:AccessDenied']);
    expect(singles).toEqual([]);
  });

  it('should match values to keys given as full or partial ARNs', async () => {
    const { clients } = fakeService(['app/db']);
    const provider = new SecretsManagerProvider({ storeName: 's', region: 'eu-west-1', clients });
    const results = await provider.read(
      [{ key: `${ARN_BASE}app/db-AbCdEf` }, { key: `${ARN_BASE}app/db` }, { key: 'app/db' }],
      {},
    );
    expect(results.map(text)).toEqual(['value-of-app/db', 'value-of-app/db', 'value-of-app/db']);
    expect(results.map((r) => r.ok && r.payload.key)).toEqual([
      `${ARN_BASE}app/db-AbCdEf`,
      `${ARN_BASE}app/db`,
      'app/db',
    ]);
  });

  it('should refuse an empty key and a batch size the API does not allow', async () => {
    const { clients } = fakeService([]);
    const provider = new SecretsManagerProvider({ storeName: 's', region: 'eu-west-1', clients });
    const [result] = await provider.read([{ key: '' }], {});
    expect(text(result!)).toBe('error:InvalidRequest');
    expect(() => new SecretsManagerProvider({ storeName: 's', region: 'r', clients, batchSize: 21 })).toThrow(
      /between 1 and 20/,
    );
  });
});
