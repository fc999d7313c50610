import { AssumeRoleCommand, type STSClient } from '@aws-sdk/client-sts';
import { describe, expect, it } from 'vitest';
import { AssumedRoleCredentialCache } from './assumed-role-credentials.js';
import { AssumeRoleFailedError } from './errors.js';

function fakeSts(opts: { lifetimeMs?: number; fail?: string; now: () => number }) {
  const sent: AssumeRoleCommand[] = [];
  const sts = {
    send: async (command: AssumeRoleCommand) => {
      sent.push(command);
      if (opts.fail) throw Object.assign(new Error('refused'), { name: opts.fail });
      return {
        Credentials: {
          AccessKeyId: `AKIA${sent.length}`,
          SecretAccessKey: 'secret',
          SessionToken: 'token',
          Expiration: new Date(opts.now() + (opts.lifetimeMs ?? 3_600_000)),
        },
      };
    },
  } as unknown as STSClient;
  return { sts, sent };
}

function fakeClock(start = Date.parse('2026-01-01T00:00:00Z')) {
  let now = start;
  return { clock: { now: () => new Date(now) }, advance: (ms: number) => (now += ms), now: () => now };
}

const params = {
  roleArn: 'arn:aws:iam::111122223333:role/reader',
  externalId: 'ext-1',
  sessionName: 'fs@c1',
};

describe('AssumedRoleCredentialCache', () => {
  it('should assume the role with the external id and session name once, then reuse the credentials', async () => {
    const time = fakeClock();
    const { sts, sent } = fakeSts({ now: time.now });
    const cache = new AssumedRoleCredentialCache({ sts, clock: time.clock });
    const first = await cache.get(params);
    time.advance(30 * 60_000);
    const second = await cache.get(params);
    expect(second).toBe(first);
    expect(cache.assumeRoleCalls).toBe(1);
    expect(sent[0]).toBeInstanceOf(AssumeRoleCommand);
    expect(sent[0]!.input).toMatchObject({
      RoleArn: params.roleArn,
      ExternalId: 'ext-1',
      RoleSessionName: 'fs@c1',
    });
  });

  it('should assume the role again shortly before the credentials expire', async () => {
    const time = fakeClock();
    const { sts } = fakeSts({ now: time.now });
    const cache = new AssumedRoleCredentialCache({
      sts,
      clock: time.clock,
      refreshBeforeExpiryMs: 5 * 60_000,
    });
    const first = await cache.get(params);
    time.advance(56 * 60_000);
    const second = await cache.get(params);
    expect(second.accessKeyId).not.toBe(first.accessKeyId);
    expect(cache.assumeRoleCalls).toBe(2);
  });

  it('should share one AssumeRole call among concurrent callers', async () => {
    const time = fakeClock();
    const { sts } = fakeSts({ now: time.now });
    const cache = new AssumedRoleCredentialCache({ sts, clock: time.clock });
    await Promise.all(Array.from({ length: 10 }, () => cache.get(params)));
    expect(cache.assumeRoleCalls).toBe(1);
  });

  it('should keep sessions of different clusters apart', async () => {
    const time = fakeClock();
    const { sts } = fakeSts({ now: time.now });
    const cache = new AssumedRoleCredentialCache({ sts, clock: time.clock });
    await cache.get(params);
    await cache.get({ ...params, sessionName: 'fs@c2' });
    expect(cache.assumeRoleCalls).toBe(2);
  });

  it('should not cache a failure and should name the role and STS code', async () => {
    const time = fakeClock();
    const failing = fakeSts({ now: time.now, fail: 'AccessDenied' });
    const cache = new AssumedRoleCredentialCache({ sts: failing.sts, clock: time.clock });
    const err = await cache.get(params).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(AssumeRoleFailedError);
    expect((err as AssumeRoleFailedError).code).toBe('AccessDenied');
    expect((err as Error).message).toContain(params.roleArn);
    await cache.get(params).catch(() => undefined);
    expect(cache.assumeRoleCalls).toBe(2);
  });

  it('should drop the least recently used session beyond maxEntries', async () => {
    const time = fakeClock();
    const { sts } = fakeSts({ now: time.now });
    const cache = new AssumedRoleCredentialCache({ sts, clock: time.clock, maxEntries: 2 });
    await cache.get({ ...params, sessionName: 'a' });
    await cache.get({ ...params, sessionName: 'b' });
    await cache.get({ ...params, sessionName: 'a' });
    await cache.get({ ...params, sessionName: 'c' });
    expect(cache.assumeRoleCalls).toBe(3);
    await cache.get({ ...params, sessionName: 'a' });
    expect(cache.assumeRoleCalls).toBe(3);
    await cache.get({ ...params, sessionName: 'b' });
    expect(cache.assumeRoleCalls).toBe(4);
  });
});
