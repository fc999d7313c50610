import { randomBytes } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadPeers } from '../helpers/peers.js';

interface VaultAnswer {
  status: number;
  // biome-ignore lint/suspicious/noExplicitAny: Vault's JSON differs per endpoint; tests read single fields.
  body: any;
}

describe('Vault (real server)', () => {
  let url: string;
  let rootToken: string;
  const mount = `smoke-kv-${randomBytes(4).toString('hex')}`;

  async function call(method: string, path: string, token: string, body?: unknown): Promise<VaultAnswer> {
    const response = await fetch(`${url}/v1/${path}`, {
      method,
      headers: { 'x-vault-token': token, 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await response.text();
    return { status: response.status, body: text ? JSON.parse(text) : undefined };
  }

  beforeAll(async () => {
    ({ url, rootToken } = loadPeers().vault);
    const mounted = await call('POST', `sys/mounts/${mount}`, rootToken, {
      type: 'kv',
      options: { version: '2' },
    });
    expect(mounted.status).toBe(204);
  });

  it('should keep every version of a KV v2 secret readable', async () => {
    const first = await call('POST', `${mount}/data/app/db`, rootToken, { data: { password: 'one' } });
    const second = await call('POST', `${mount}/data/app/db`, rootToken, { data: { password: 'two' } });
    expect([first.body.data.version, second.body.data.version]).toEqual([1, 2]);

    const latest = await call('GET', `${mount}/data/app/db`, rootToken);
    const original = await call('GET', `${mount}/data/app/db?version=1`, rootToken);

    expect(latest.body.data).toMatchObject({ data: { password: 'two' }, metadata: { version: 2 } });
    expect(original.body.data).toMatchObject({ data: { password: 'one' }, metadata: { version: 1 } });
  });

  it('should deny a token without a policy for the secret', async () => {
    await call('POST', `${mount}/data/app/denied`, rootToken, { data: { password: 'x' } });
    const created = await call('POST', 'auth/token/create', rootToken, { policies: ['default'], ttl: '5m' });
    const token: string = created.body.auth.client_token;
    expect(created.body.auth.policies).toEqual(['default']);

    const read = await call('GET', `${mount}/data/app/denied`, token);
    const write = await call('POST', `${mount}/data/app/denied`, token, { data: { password: 'y' } });

    expect(read.status).toBe(403);
    expect(write.status).toBe(403);
  });
});
