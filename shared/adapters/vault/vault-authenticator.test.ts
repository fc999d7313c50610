import { describe, expect, it } from 'vitest';
import { VaultApiError, VaultAuthError } from './errors.js';
import type { VaultApi, VaultMethod } from './vault-api.js';
import { stsEndpointFor, type VaultAuthConfig, VaultAuthenticator } from './vault-authenticator.js';

function fakeClock() {
  let now = Date.parse('2026-01-01T00:00:00Z');
  return { clock: { now: () => new Date(now) }, advance: (ms: number) => (now += ms) };
}

/** A Vault that issues `t1`, `t2`, ... with the given TTL, and renews unless told not to. */
function fakeVault(
  opts: { ttl?: number; renewable?: boolean; refuseRenewal?: boolean; refuseLogin?: boolean } = {},
) {
  const calls: Array<{ method: VaultMethod; path: string; token?: string; body?: unknown }> = [];
  let issued = 0;
  const api: VaultApi = {
    call: async (method, path, o = {}) => {
      calls.push({ method, path, ...o });
      if (path.endsWith('/login')) {
        if (opts.refuseLogin) {
          throw new VaultApiError({
            method,
            path,
            statusCode: 400,
            errors: ['invalid role or secret ID'],
            body: {},
          });
        }
        issued++;
        return {
          auth: {
            client_token: `t${issued}`,
            lease_duration: opts.ttl ?? 60,
            renewable: opts.renewable ?? true,
          },
        };
      }
      if (path === 'auth/token/renew-self') {
        if (opts.refuseRenewal)
          throw new VaultApiError({ method, path, statusCode: 403, errors: [], body: {} });
        return { auth: { client_token: o.token, lease_duration: opts.ttl ?? 60, renewable: true } };
      }
      if (path === 'auth/token/lookup-self') return { data: { ttl: 0, renewable: false } };
      throw new Error(`unexpected ${path}`);
    },
  };
  return { api, calls };
}

const appRole: VaultAuthConfig = {
  appRole: { roleId: 'role-1', secretRef: { key: 'vault/approle-secret-id' } },
};

function credentialSource() {
  const asked: Array<{ key: string; fresh: boolean }> = [];
  const source = async (key: string, options: { fresh?: boolean } = {}) => {
    asked.push({ key, fresh: !!options.fresh });
    return `value-of-${key}`;
  };
  return { source, asked };
}

describe('VaultAuthenticator', () => {
  it('should log in with AppRole once and reuse the token', async () => {
    const { api, calls } = fakeVault();
    const { source, asked } = credentialSource();
    const auth = new VaultAuthenticator({ storeName: 'v', api, auth: appRole, credentialSource: source });
    expect(await auth.token()).toBe('t1');
    expect(await auth.token()).toBe('t1');
    expect(auth.stats).toEqual({ logins: 1, renewals: 0 });
    expect(calls[0]).toMatchObject({
      method: 'POST',
      path: 'auth/approle/login',
      body: { role_id: 'role-1', secret_id: 'value-of-vault/approle-secret-id' },
    });
    expect(asked).toEqual([{ key: 'vault/approle-secret-id', fresh: false }]);
  });

  it('should share one login among concurrent callers', async () => {
    const { api } = fakeVault();
    const { source } = credentialSource();
    const auth = new VaultAuthenticator({ storeName: 'v', api, auth: appRole, credentialSource: source });
    const tokens = await Promise.all(Array.from({ length: 20 }, () => auth.token()));
    expect(new Set(tokens)).toEqual(new Set(['t1']));
    expect(auth.stats.logins).toBe(1);
  });

  it('should renew the token once two thirds of its TTL have passed', async () => {
    const time = fakeClock();
    const { api, calls } = fakeVault({ ttl: 60 });
    const { source } = credentialSource();
    const auth = new VaultAuthenticator({
      storeName: 'v',
      api,
      auth: appRole,
      credentialSource: source,
      clock: time.clock,
    });
    await auth.token();
    time.advance(30_000);
    await auth.token();
    expect(auth.stats).toEqual({ logins: 1, renewals: 0 });
    time.advance(11_000);
    expect(await auth.token()).toBe('t1');
    expect(auth.stats).toEqual({ logins: 1, renewals: 1 });
    expect(calls.at(-1)).toMatchObject({ path: 'auth/token/renew-self', token: 't1' });
  });

  it('should log in again when renewal is refused', async () => {
    const time = fakeClock();
    const { api } = fakeVault({ ttl: 60, refuseRenewal: true });
    const { source } = credentialSource();
    const auth = new VaultAuthenticator({
      storeName: 'v',
      api,
      auth: appRole,
      credentialSource: source,
      clock: time.clock,
    });
    await auth.token();
    time.advance(45_000);
    expect(await auth.token()).toBe('t2');
    expect(auth.stats).toEqual({ logins: 2, renewals: 1 });
  });

  it('should log in again, not renew, once the token has expired', async () => {
    const time = fakeClock();
    const { api } = fakeVault({ ttl: 60 });
    const { source } = credentialSource();
    const auth = new VaultAuthenticator({
      storeName: 'v',
      api,
      auth: appRole,
      credentialSource: source,
      clock: time.clock,
    });
    await auth.token();
    time.advance(61_000);
    expect(await auth.token()).toBe('t2');
    expect(auth.stats).toEqual({ logins: 2, renewals: 0 });
  });

  it('should re-read the credential past any cache after Vault rejected the token', async () => {
    const { api } = fakeVault();
    const { source, asked } = credentialSource();
    const auth = new VaultAuthenticator({ storeName: 'v', api, auth: appRole, credentialSource: source });
    const first = await auth.token();
    auth.invalidate(first);
    auth.invalidate(first);
    expect(await auth.token()).toBe('t2');
    expect(asked.map((a) => a.fresh)).toEqual([false, true]);
    auth.invalidate(first);
    expect(await auth.token()).toBe('t2');
  });

  it('should keep a non-expiring token (TTL 0) without renewing it', async () => {
    const time = fakeClock();
    const { api, calls } = fakeVault();
    const { source } = credentialSource();
    const auth = new VaultAuthenticator({
      storeName: 'v',
      api,
      auth: { tokenSecretRef: { key: 'vault/root' } },
      credentialSource: source,
      clock: time.clock,
    });
    expect(await auth.token()).toBe('value-of-vault/root');
    time.advance(10 * 86_400_000);
    await auth.token();
    expect(calls.map((c) => c.path)).toEqual(['auth/token/lookup-self']);
  });

  it('should report a refused login as denied, naming the store and never the secret id', async () => {
    const { api } = fakeVault({ refuseLogin: true });
    const { source } = credentialSource();
    const auth = new VaultAuthenticator({
      storeName: 'vault-prod',
      api,
      auth: appRole,
      credentialSource: source,
    });
    const err = await auth.token().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(VaultAuthError);
    expect((err as VaultAuthError).denied).toBe(true);
    expect((err as Error).message).toContain('vault-prod');
    expect((err as Error).message).not.toContain('value-of-');
  });

  it('should refuse an IAM login when no AWS identity is configured', async () => {
    const { api } = fakeVault();
    const { source } = credentialSource();
    const auth = new VaultAuthenticator({
      storeName: 'v',
      api,
      auth: { iam: { role: 'r' } },
      credentialSource: source,
    });
    await expect(auth.token()).rejects.toThrow(/no AWS identity/);
  });
});

describe('stsEndpointFor', () => {
  it('should sign for the global endpoint in us-east-1 and the regional one elsewhere', () => {
    expect(stsEndpointFor(undefined)).toBe('https://sts.amazonaws.com');
    expect(stsEndpointFor('us-east-1')).toBe('https://sts.amazonaws.com');
    expect(stsEndpointFor('eu-west-1')).toBe('https://sts.eu-west-1.amazonaws.com');
  });
});
