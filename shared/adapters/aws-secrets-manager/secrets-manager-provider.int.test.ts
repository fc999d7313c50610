import { randomBytes } from 'node:crypto';
import {
  CreateSecretCommand,
  DeleteSecretCommand,
  PutSecretValueCommand,
  SecretsManagerClient,
} from '@aws-sdk/client-secrets-manager';
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { countRequests, type RequestCounts } from '../../../infra-tests/helpers/counting-middleware.js';
import { loadPeers } from '../../../infra-tests/helpers/peers.js';
import type { ReadResult } from '../../ports/secret-provider.js';
import { AssumedRoleCredentialCache } from '../aws-credentials/assumed-role-credentials.js';
import { SecretsManagerClients } from './secrets-manager-clients.js';
import { SecretsManagerProvider } from './secrets-manager-provider.js';

const credentials = { accessKeyId: 'testing', secretAccessKey: 'testing' };
const run = randomBytes(4).toString('hex');
const prefix = `int-sm-${run}`;
/** Appears in every test value: no error, message or cause may ever contain it. */
const CANARY = `canary-${randomBytes(8).toString('hex')}`;

let admin: SecretsManagerClient;
let endpoint: string;
let region: string;
const created: string[] = [];

async function createSecret(name: string, value: string | Uint8Array, tags?: Record<string, string>) {
  const out = await admin.send(
    new CreateSecretCommand({
      Name: name,
      ...(typeof value === 'string' ? { SecretString: value } : { SecretBinary: value }),
      ...(tags ? { Tags: Object.entries(tags).map(([Key, Value]) => ({ Key, Value })) } : {}),
    }),
  );
  created.push(name);
  return out;
}

function build(
  opts: { roleArn?: string; externalId?: string; beforeSend?: (client: SecretsManagerClient) => void } = {},
) {
  const sts = new STSClient({ endpoint, region, credentials });
  const assumeRoleInputs: Array<Record<string, unknown>> = [];
  sts.middlewareStack.add(
    (next) => async (args) => {
      assumeRoleInputs.push({ ...(args.input as Record<string, unknown>) });
      return next(args);
    },
    { step: 'initialize', name: 'captureAssumeRole' },
  );
  const roles = new AssumedRoleCredentialCache({ sts });
  const counters: RequestCounts[] = [];
  const clients = new SecretsManagerClients({
    credentials: roles,
    clientConfig: { endpoint, credentials },
    instrument: (client) => {
      counters.push(countRequests(client));
      opts.beforeSend?.(client);
    },
  });
  const provider = new SecretsManagerProvider({
    storeName: 'aws-int',
    region,
    clients,
    ...(opts.roleArn ? { roleArn: opts.roleArn } : {}),
    ...(opts.externalId ? { externalId: opts.externalId } : {}),
  });
  const calls = (command: string) => counters.reduce((n, c) => n + c.count(command), 0);
  const attempts = (command: string) => counters.reduce((n, c) => n + (c.attempts[command] ?? 0), 0);
  return { provider, roles, clients, calls, attempts, assumeRoleInputs };
}

const text = (r: ReadResult | undefined) =>
  r?.ok ? new TextDecoder().decode(r.payload.value) : `error:${r?.error.code ?? 'none'}`;

/** Every error a result set carries, as everything a log line or status could show of it. */
function errorSurfaces(results: ReadResult[]): string[] {
  return results.flatMap((r) =>
    r.ok
      ? []
      : [r.error.message, JSON.stringify(r.error), String(r.error.cause ?? ''), String(r.error.stack)],
  );
}

beforeAll(async () => {
  ({ url: endpoint, region } = loadPeers().moto);
  admin = new SecretsManagerClient({ endpoint, region, credentials });
  await Promise.all(
    Array.from({ length: 45 }, (_, i) =>
      createSecret(`${prefix}/bulk/k${String(i).padStart(2, '0')}`, `${CANARY}-${i}`),
    ),
  );
});

afterAll(async () => {
  await Promise.all(
    created.map((name) =>
      admin
        .send(new DeleteSecretCommand({ SecretId: name, ForceDeleteWithoutRecovery: true }))
        .catch(() => undefined),
    ),
  );
  admin.destroy();
});

describe('SecretsManagerProvider against moto', () => {
  it('should read 45 keys with 3 BatchGetSecretValue calls and return version ids and stages', async () => {
    const { provider, calls } = build();
    const keys = Array.from({ length: 45 }, (_, i) => `${prefix}/bulk/k${String(i).padStart(2, '0')}`);
    const results = await provider.read(
      keys.map((key) => ({ key })),
      { clusterId: 'c1' },
    );
    expect(results.map(text)).toEqual(keys.map((_, i) => `${CANARY}-${i}`));
    expect(calls('BatchGetSecretValue')).toBe(3);
    expect(calls('GetSecretValue')).toBe(0);
    expect(provider.callCounts()).toEqual({ BatchGetSecretValue: 3 });
    for (const r of results) {
      expect(r.ok && r.payload.versionId).toMatch(/^[0-9a-f-]{36}$/);
      expect(r.ok && r.payload.versionStages).toEqual(['AWSCURRENT']);
      expect(r.ok && r.payload.isBinary).toBe(false);
    }
  });

  it('should read a key asked for many times in one call once', async () => {
    const { provider, calls } = build();
    const key = `${prefix}/bulk/k00`;
    const results = await provider.read(
      Array.from({ length: 30 }, () => ({ key })),
      {},
    );
    expect(new Set(results.map(text))).toEqual(new Set([`${CANARY}-0`]));
    expect(calls('BatchGetSecretValue')).toBe(1);
  });

  it('should fail only the missing and the deleted key of a batch', async () => {
    const deleted = `${prefix}/deleted`;
    await createSecret(deleted, `${CANARY}-deleted`);
    await admin.send(new DeleteSecretCommand({ SecretId: deleted }));
    const { provider, calls } = build();
    const results = await provider.read(
      [
        { key: `${prefix}/bulk/k01` },
        { key: `${prefix}/missing` },
        { key: deleted },
        { key: `${prefix}/bulk/k02` },
      ],
      {},
    );
    expect(results.map(text)).toEqual([
      `${CANARY}-1`,
      'error:NotFound',
      'error:InvalidRequest',
      `${CANARY}-2`,
    ]);
    expect(calls('BatchGetSecretValue')).toBe(1);
    const missing = results[1]!;
    expect(!missing.ok && missing.error.message).toContain(`key "${prefix}/missing" in store "aws-int"`);
    expect(!missing.ok && missing.error.transient).toBe(false);
    expect(errorSurfaces(results).join('\n')).not.toContain(CANARY);
  });

  it('should return a SecretBinary as its bytes', async () => {
    const bytes = new Uint8Array([0, 1, 2, 250, 255]);
    const key = `${prefix}/binary`;
    await createSecret(key, bytes);
    const { provider } = build();
    const [result] = await provider.read([{ key }], {});
    expect(result!.ok && result!.payload.isBinary).toBe(true);
    expect(result!.ok && Array.from(result!.payload.value)).toEqual(Array.from(bytes));
  });

  it('should read pinned versions and stages with GetSecretValue and the current one in a batch', async () => {
    const key = `${prefix}/rotating`;
    const first = await createSecret(key, `${CANARY}-v1`);
    const second = await admin.send(
      new PutSecretValueCommand({ SecretId: key, SecretString: `${CANARY}-v2` }),
    );
    const { provider, calls } = build();
    const results = await provider.read(
      [
        { key },
        { key, version: 'AWSCURRENT' },
        { key, version: 'AWSPREVIOUS' },
        { key, version: `uuid/${first.VersionId}` },
        { key, version: second.VersionId! },
        { key, version: 'NO_SUCH_STAGE' },
      ],
      {},
    );
    expect(results.map(text)).toEqual([
      `${CANARY}-v2`,
      `${CANARY}-v2`,
      `${CANARY}-v1`,
      `${CANARY}-v1`,
      `${CANARY}-v2`,
      'error:NotFound',
    ]);
    expect(results[2]!.ok && results[2]!.payload).toMatchObject({
      versionId: first.VersionId,
      versionStages: ['AWSPREVIOUS'],
    });
    expect(calls('BatchGetSecretValue')).toBe(1);
    expect(calls('GetSecretValue')).toBe(4);
    expect(errorSurfaces(results).join('\n')).not.toContain(CANARY);
  });

  it('should add tags from DescribeSecret only for reads that ask for metadata', async () => {
    const key = `${prefix}/tagged`;
    await createSecret(key, `${CANARY}-tagged`, { team: 'payments', env: 'prod' });
    const { provider, calls } = build();
    const [plain, tagged, again] = await provider.read(
      [{ key }, { key, fetchMetadata: true }, { key, fetchMetadata: true }],
      {},
    );
    expect(plain!.ok && plain!.payload.tags).toBeUndefined();
    expect(tagged!.ok && tagged!.payload.tags).toEqual({ team: 'payments', env: 'prod' });
    expect(again!.ok && again!.payload.tags).toEqual({ team: 'payments', env: 'prod' });
    expect(calls('DescribeSecret')).toBe(1);
    expect(calls('BatchGetSecretValue')).toBe(1);
  });

  it('should find keys by name prefix, tags and name regexp, then read them in one batch', async () => {
    const base = `${prefix}/find`;
    await Promise.all([
      createSecret(`${base}/app-a`, `${CANARY}-a`, { team: 'a', tier: 'web' }),
      createSecret(`${base}/app-b`, `${CANARY}-b`, { team: 'a', tier: 'db' }),
      createSecret(`${base}/app-c`, `${CANARY}-c`, { team: 'b', tier: 'web' }),
      createSecret(`${base}/other`, `${CANARY}-o`, { team: 'a', tier: 'web' }),
    ]);
    const { provider, calls } = build();
    expect(await provider.find({ path: `${base}/` }, {})).toEqual([
      `${base}/app-a`,
      `${base}/app-b`,
      `${base}/app-c`,
      `${base}/other`,
    ]);
    // team=b and tier=db exist separately on other secrets: only the exact pairs may match.
    expect(await provider.find({ path: `${base}/`, tags: { team: 'a', tier: 'web' } }, {})).toEqual([
      `${base}/app-a`,
      `${base}/other`,
    ]);
    const found = await provider.find({ path: `${base}/`, nameRegexp: 'app-[ab]$' }, {});
    expect(found).toEqual([`${base}/app-a`, `${base}/app-b`]);
    expect(calls('ListSecrets')).toBe(3);
    const results = await provider.read(
      found.map((key) => ({ key })),
      {},
    );
    expect(results.map(text)).toEqual([`${CANARY}-a`, `${CANARY}-b`]);
    expect(calls('BatchGetSecretValue')).toBe(1);
  });

  it('should match find names with Go (RE2) syntax in linear time, even for a catastrophic pattern', async () => {
    const base = `${prefix}/re2`;
    const long = `${base}/${'a'.repeat(40)}`;
    await Promise.all([createSecret(long, CANARY), createSecret(`${base}/Team-A_`, CANARY)]);
    const { provider } = build();
    // Backtracks exponentially in JavaScript's RegExp on the 40-character name that fails to match.
    expect(await provider.find({ path: `${base}/`, nameRegexp: '^(([a-z0-9/-]+-?)*)*_$' }, {})).toEqual([]);
    // Go-only syntax: a leading (?i), (?P<name>) and \z.
    expect(await provider.find({ path: `${base}/`, nameRegexp: '(?i)/(?P<team>team-a)_\\z' }, {})).toEqual([
      `${base}/Team-A_`,
    ]);
  });

  it('should list only under the reader policy prefixes, with a name filter per listing', async () => {
    const base = `${prefix}/within`;
    await Promise.all([
      createSecret(`${base}/team-a/db`, CANARY),
      createSecret(`${base}/team-a-extra/db`, CANARY),
      createSecret(`${base}/team-b/stripe`, CANARY),
    ]);
    const listInputs: Array<Record<string, unknown>> = [];
    const { provider, calls } = build({
      beforeSend: (client) =>
        client.middlewareStack.add(
          (next, context) => async (args) => {
            if (context.commandName === 'ListSecretsCommand') listInputs.push({ ...(args.input as object) });
            return next(args);
          },
          { step: 'initialize', name: 'captureListSecrets' },
        ),
    });
    const found = await provider.find({ nameRegexp: 'db$', within: [`${base}/team-a/`] }, {});
    expect(found).toEqual([`${base}/team-a/db`]);
    expect(listInputs.map((i) => i.Filters)).toEqual([[{ Key: 'name', Values: [`${base}/team-a/`] }]]);
    // A path outside every allowed prefix lists nothing at all.
    expect(await provider.find({ path: `${base}/team-b/`, within: [`${base}/team-a/`] }, {})).toEqual([]);
    expect(calls('ListSecrets')).toBe(1);
  });

  it('should refuse a find with an invalid regexp, naming the query', async () => {
    const { provider } = build();
    await expect(provider.find({ nameRegexp: '(' }, {})).rejects.toThrow(/InvalidRequest: key "find\(.*\(/);
  });

  it('should assume the store role with its external id and a session naming the cluster, once per session', async () => {
    const roleArn = `arn:aws:iam::123456789012:role/fs-reader-${run}`;
    const { provider, roles, assumeRoleInputs } = build({ roleArn, externalId: 'ext-123' });
    await provider.read([{ key: `${prefix}/bulk/k03` }], { clusterId: 'prod-eu-1', namespace: 'payments' });
    await provider.read([{ key: `${prefix}/bulk/k04` }], { clusterId: 'prod-eu-1', namespace: 'payments' });
    expect(roles.assumeRoleCalls).toBe(1);
    await provider.read([{ key: `${prefix}/bulk/k05` }], { clusterId: 'prod-us-1' });
    expect(roles.assumeRoleCalls).toBe(2);
    expect(assumeRoleInputs).toEqual([
      expect.objectContaining({
        RoleArn: roleArn,
        ExternalId: 'ext-123',
        RoleSessionName: 'fleet-secrets@prod-eu-1.payments',
      }),
      expect.objectContaining({ RoleSessionName: 'fleet-secrets@prod-us-1' }),
    ]);
    // What CloudTrail would show: the assumed-role ARN ends with the session name.
    const assumed = await roles.get({
      roleArn,
      externalId: 'ext-123',
      sessionName: 'fleet-secrets@prod-eu-1.payments',
    });
    const sts = new STSClient({ endpoint, region, credentials: assumed });
    const identity = await sts.send(new GetCallerIdentityCommand({}));
    expect(identity.Arn).toBe(
      `arn:aws:sts::123456789012:assumed-role/fs-reader-${run}/fleet-secrets@prod-eu-1.payments`,
    );
    expect(assumed.expiration!.getTime()).toBeGreaterThan(Date.now());
  });

  it('should retry a throttled BatchGetSecretValue with backoff and then succeed', async () => {
    let throttles = 2;
    const { provider, calls, attempts } = build({
      beforeSend: (client) =>
        // moto never throttles: answer the first attempts as the service does over quota.
        client.middlewareStack.add(
          (next, context) => async (args) => {
            if (context.commandName === 'BatchGetSecretValueCommand' && throttles-- > 0) {
              throw Object.assign(new Error('Rate exceeded'), {
                name: 'ThrottlingException',
                $fault: 'client',
                $metadata: { httpStatusCode: 400 },
              });
            }
            return next(args);
          },
          { step: 'deserialize', name: 'injectThrottling', priority: 'low' },
        ),
    });
    const results = await provider.read([{ key: `${prefix}/bulk/k06` }], {});
    expect(results.map(text)).toEqual([`${CANARY}-6`]);
    expect(calls('BatchGetSecretValue')).toBe(1);
    expect(attempts('BatchGetSecretValue')).toBe(3);
  });

  it('should report keys as Throttled (transient) once retries are exhausted', async () => {
    const { provider, attempts } = build({
      beforeSend: (client) =>
        client.middlewareStack.add(
          (next, context) => async (args) => {
            if (context.commandName === 'BatchGetSecretValueCommand') {
              throw Object.assign(new Error('Rate exceeded'), {
                name: 'ThrottlingException',
                $fault: 'client',
                $metadata: { httpStatusCode: 400 },
              });
            }
            return next(args);
          },
          { step: 'deserialize', name: 'injectThrottling', priority: 'low' },
        ),
    });
    const results = await provider.read([{ key: `${prefix}/bulk/k07` }, { key: `${prefix}/bulk/k08` }], {});
    expect(results.map(text)).toEqual(['error:Throttled', 'error:Throttled']);
    expect(results.every((r) => !r.ok && r.error.transient)).toBe(true);
    expect(attempts('BatchGetSecretValue')).toBe(5);
  });

  it('should reuse one client per role session across reads', async () => {
    const { provider, clients } = build({ roleArn: `arn:aws:iam::123456789012:role/r-${run}` });
    for (let i = 0; i < 3; i++) await provider.read([{ key: `${prefix}/bulk/k09` }], { clusterId: 'c1' });
    await provider.read([{ key: `${prefix}/bulk/k09` }], { clusterId: 'c2' });
    expect(clients.size).toBe(2);
  });
});
