import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { request as httpRequest, type IncomingHttpHeaders } from 'node:http';
import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  CreateSecretCommand,
  DeleteSecretCommand,
  SecretsManagerClient,
} from '@aws-sdk/client-secrets-manager';
import { AssumeRoleCommand, STSClient } from '@aws-sdk/client-sts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadPeers } from '../../../infra-tests/helpers/peers.js';
import type { SecretStore } from '../../domain/schema.js';
import type { CredentialSource, ReadResult } from '../../ports/secret-provider.js';
import { AssumedRoleCredentialCache } from '../aws-credentials/assumed-role-credentials.js';
import { secretsManagerCredentialSource } from '../aws-secrets-manager/control-plane-credentials.js';
import { SecretsManagerClients } from '../aws-secrets-manager/secrets-manager-clients.js';
import { CentralProviderFactory } from '../provider-factory.js';
import { iamLoginBody } from './aws-iam-login.js';
import { NodeVaultApi } from './vault-api.js';
import { VaultAuthenticator } from './vault-authenticator.js';
import { VaultProvider } from './vault-provider.js';

const run = randomBytes(4).toString('hex');
const CANARY = `canary-${randomBytes(8).toString('hex')}`;
const awsCredentials = { accessKeyId: 'testing', secretAccessKey: 'testing' };
const kv2 = `int-kv2-${run}`;
const kv1 = `int-kv1-${run}`;
const approlePath = `int-approle-${run}`;
const credentialPrefix = `int-vault-creds-${run}/`;
const readerPolicy = `int-reader-${run}`;

let vaultUrl: string;
let rootToken: string;
let motoUrl: string;
let region: string;
let sm: SecretsManagerClient;
let credentialSource: CredentialSource;
let roleId: string;

async function sys(
  method: string,
  path: string,
  body?: unknown,
): Promise<Record<string, unknown> | undefined> {
  const res = await fetch(`${vaultUrl}/v1/${path}`, {
    method,
    headers: { 'X-Vault-Token': rootToken, 'content-type': 'application/json' },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  if (res.status === 204) return undefined;
  const json = (await res.json()) as Record<string, unknown>;
  if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${JSON.stringify(json)}`);
  return json;
}

async function putV2(key: string, data: Record<string, string>) {
  return sys('POST', `${kv2}/data/${key}`, { data });
}

/** A store record as an operator would register it centrally. */
function vaultStore(name: string, vault: NonNullable<SecretStore['spec']['provider']['vault']>): SecretStore {
  return {
    apiVersion: 'fleet-secrets.io/v1',
    kind: 'SecretStore',
    metadata: { name },
    spec: { provider: { vault } },
  };
}

function factoryFor(stores: SecretStore[]) {
  const sts = new STSClient({ endpoint: motoUrl, region, credentials: awsCredentials });
  return new CentralProviderFactory({
    stores: { getStore: async (name) => stores.find((s) => s.metadata.name === name) },
    secretsManager: new SecretsManagerClients({
      credentials: new AssumedRoleCredentialCache({ sts }),
      clientConfig: { endpoint: motoUrl, credentials: awsCredentials },
    }),
    credentialSource,
  });
}

async function appRoleProvider(extra: Partial<NonNullable<SecretStore['spec']['provider']['vault']>> = {}) {
  const name = `vault-approle-${randomBytes(3).toString('hex')}`;
  const store = vaultStore(name, {
    server: vaultUrl,
    path: kv2,
    version: 'v2',
    auth: { appRole: { path: approlePath, roleId, secretRef: { key: 'approle-secret-id' } } },
    ...extra,
  });
  return factoryFor([store]).forStore(name);
}

const text = (r: ReadResult | undefined) =>
  r?.ok ? new TextDecoder().decode(r.payload.value) : `error:${r?.error.code ?? 'none'}`;

function errorSurfaces(results: ReadResult[]): string {
  return results
    .flatMap((r) =>
      r.ok
        ? []
        : [r.error.message, JSON.stringify(r.error), String(r.error.cause ?? ''), String(r.error.stack)],
    )
    .join('\n');
}

beforeAll(async () => {
  const peers = loadPeers();
  ({ url: vaultUrl, rootToken } = peers.vault);
  ({ url: motoUrl, region } = peers.moto);
  sm = new SecretsManagerClient({ endpoint: motoUrl, region, credentials: awsCredentials });
  credentialSource = secretsManagerCredentialSource({ client: sm, prefix: credentialPrefix });

  await sys('POST', `sys/mounts/${kv2}`, { type: 'kv', options: { version: '2' } });
  await sys('POST', `sys/mounts/${kv1}`, { type: 'kv', options: { version: '1' } });
  await sys('PUT', `sys/policies/acl/${readerPolicy}`, {
    policy: [
      `path "${kv2}/data/app/*" { capabilities = ["read"] }`,
      `path "${kv2}/metadata/*" { capabilities = ["read", "list"] }`,
      `path "${kv1}/*" { capabilities = ["read", "list"] }`,
    ].join('\n'),
  });
  await sys('POST', `sys/auth/${approlePath}`, { type: 'approle' });
  await sys('POST', `auth/${approlePath}/role/reader`, {
    token_policies: [readerPolicy],
    token_ttl: '1h',
    token_max_ttl: '4h',
  });
  roleId = ((await sys('GET', `auth/${approlePath}/role/reader/role-id`))!.data as { role_id: string })
    .role_id;
  const secretId = (
    (await sys('POST', `auth/${approlePath}/role/reader/secret-id`, {}))!.data as { secret_id: string }
  ).secret_id;
  const token = (
    (await sys('POST', 'auth/token/create', { policies: [readerPolicy], ttl: '1h' }))!.auth as {
      client_token: string;
    }
  ).client_token;
  // Credentials live in the control plane's own Secrets Manager; store records only name them.
  await sm.send(
    new CreateSecretCommand({ Name: `${credentialPrefix}approle-secret-id`, SecretString: secretId }),
  );
  await sm.send(new CreateSecretCommand({ Name: `${credentialPrefix}reader-token`, SecretString: token }));

  await Promise.all(
    Array.from({ length: 20 }, (_, i) =>
      putV2(`app/bulk/k${i}`, { password: `${CANARY}-${i}`, user: `u${i}` }),
    ),
  );
  await sys('POST', `${kv1}/app/legacy`, { password: `${CANARY}-legacy` });
});

afterAll(async () => {
  for (const path of [kv2, kv1]) await sys('DELETE', `sys/mounts/${path}`).catch(() => undefined);
  await sys('DELETE', `sys/auth/${approlePath}`).catch(() => undefined);
  for (const name of ['approle-secret-id', 'reader-token']) {
    await sm
      .send(
        new DeleteSecretCommand({ SecretId: `${credentialPrefix}${name}`, ForceDeleteWithoutRecovery: true }),
      )
      .catch(() => undefined);
  }
  sm.destroy();
});

describe('VaultProvider against a real Vault', () => {
  it('should read KV v2 keys as JSON documents with their version, after one AppRole login', async () => {
    const provider = await appRoleProvider();
    const results = await provider.read(
      Array.from({ length: 20 }, (_, i) => ({ key: `app/bulk/k${i}` })),
      { clusterId: 'c1' },
    );
    expect(results.map((r) => JSON.parse(text(r)))).toEqual(
      Array.from({ length: 20 }, (_, i) => ({ password: `${CANARY}-${i}`, user: `u${i}` })),
    );
    expect(results.every((r) => r.ok && r.payload.versionId === '1' && !r.payload.isBinary)).toBe(true);
    expect(provider.callCounts?.()).toEqual({ read: 20, login: 1, renew: 0 });
  });

  it('should accept the key with the mount and data/ in front, as the Vault CLI shows it', async () => {
    const provider = await appRoleProvider();
    const results = await provider.read(
      [
        { key: 'app/bulk/k1' },
        { key: `${kv2}/app/bulk/k1` },
        { key: `${kv2}/data/app/bulk/k1` },
        { key: `/app/bulk/k1` },
      ],
      {},
    );
    expect(new Set(results.map(text))).toEqual(
      new Set([JSON.stringify({ password: `${CANARY}-1`, user: 'u1' })]),
    );
  });

  it('should pin versions and report deleted and destroyed versions as VersionDeleted, a missing key as NotFound', async () => {
    const key = 'app/versions';
    for (const n of [1, 2, 3, 4]) await putV2(key, { password: `${CANARY}-v${n}` });
    await sys('POST', `${kv2}/delete/${key}`, { versions: [2] });
    await sys('POST', `${kv2}/destroy/${key}`, { versions: [1] });
    const provider = await appRoleProvider();
    const results = await provider.read(
      [
        { key },
        { key, version: '3' },
        { key, version: '2' },
        { key, version: '1' },
        { key, version: '99' },
        { key: 'app/no-such-key' },
        { key, version: 'AWSPREVIOUS' },
        { key: '../../sys/policies/acl/root' },
      ],
      {},
    );
    expect(results.map(text)).toEqual([
      JSON.stringify({ password: `${CANARY}-v4` }),
      JSON.stringify({ password: `${CANARY}-v3` }),
      'error:VersionDeleted',
      'error:VersionDeleted',
      'error:NotFound',
      'error:NotFound',
      'error:InvalidRequest',
      'error:InvalidRequest',
    ]);
    expect(results[0]!.ok && results[0]!.payload.versionId).toBe('4');
    expect(!results[2]!.ok && results[2]!.error.message).toMatch(/version 2 was deleted at/);
    expect(!results[3]!.ok && results[3]!.error.message).toMatch(/version 1 was destroyed/);
    expect(errorSurfaces(results)).not.toContain(CANARY);
  });

  it('should report the newest version as VersionDeleted once it is soft-deleted', async () => {
    const key = 'app/deleted-latest';
    await putV2(key, { password: `${CANARY}-gone` });
    await sys('DELETE', `${kv2}/data/${key}`);
    const provider = await appRoleProvider();
    const results = await provider.read([{ key }], {});
    expect(results.map(text)).toEqual(['error:VersionDeleted']);
    expect(errorSurfaces(results)).not.toContain(CANARY);
  });

  it('should return custom metadata as tags when asked', async () => {
    const key = 'app/tagged';
    await putV2(key, { password: `${CANARY}-t` });
    await sys('POST', `${kv2}/metadata/${key}`, { custom_metadata: { team: 'payments' } });
    const provider = await appRoleProvider();
    const [plain, tagged] = await provider.read([{ key }, { key, fetchMetadata: true }], {});
    expect(plain!.ok && plain!.payload.tags).toBeUndefined();
    expect(tagged!.ok && tagged!.payload.tags).toEqual({ team: 'payments' });
    expect(provider.callCounts?.()).toMatchObject({ read: 1 });
  });

  it('should read KV v1 and refuse a version pin there', async () => {
    const name = `vault-kv1-${run}`;
    const store = vaultStore(name, {
      server: vaultUrl,
      path: kv1,
      version: 'v1',
      auth: { appRole: { path: approlePath, roleId, secretRef: { key: 'approle-secret-id' } } },
    });
    const provider = await factoryFor([store]).forStore(name);
    const results = await provider.read(
      [{ key: 'app/legacy' }, { key: `${kv1}/app/legacy` }, { key: 'app/legacy', version: '2' }],
      {},
    );
    expect(results.map(text)).toEqual([
      JSON.stringify({ password: `${CANARY}-legacy` }),
      JSON.stringify({ password: `${CANARY}-legacy` }),
      'error:InvalidRequest',
    ]);
    expect(results[0]!.ok && results[0]!.payload.versionId).toBeUndefined();
    expect(await provider.find({ path: 'app' }, {})).toEqual(['app/legacy']);
  });

  it('should find v2 keys recursively by folder, name regexp and custom metadata', async () => {
    await putV2('app/find/one', { v: `${CANARY}` });
    await putV2('app/find/two', { v: `${CANARY}` });
    await putV2('app/find/deep/three', { v: `${CANARY}` });
    await sys('POST', `${kv2}/metadata/app/find/two`, { custom_metadata: { team: 'a' } });
    await sys('POST', `${kv2}/metadata/app/find/deep/three`, { custom_metadata: { team: 'a', tier: 'db' } });
    const provider = await appRoleProvider();
    expect(await provider.find({ path: 'app/find' }, {})).toEqual([
      'app/find/deep/three',
      'app/find/one',
      'app/find/two',
    ]);
    expect(await provider.find({ path: `${kv2}/data/app/find`, nameRegexp: 'o$' }, {})).toEqual([
      'app/find/two',
    ]);
    expect(await provider.find({ path: 'app/find', tags: { team: 'a' } }, {})).toEqual([
      'app/find/deep/three',
      'app/find/two',
    ]);
    expect(await provider.find({ path: 'app/nothing-here' }, {})).toEqual([]);
  });

  it('should match find names with Go (RE2) syntax in linear time, even for a catastrophic pattern', async () => {
    await putV2(`app/re2/${'a'.repeat(40)}`, { v: CANARY });
    await putV2('app/re2/Team-A_', { v: CANARY });
    const provider = await appRoleProvider();
    // Backtracks exponentially in JavaScript's RegExp on the 40-character name that fails to match.
    expect(await provider.find({ path: 'app/re2', nameRegexp: '^(([a-z0-9/-]+-?)*)*_$' }, {})).toEqual([]);
    expect(await provider.find({ path: 'app/re2', nameRegexp: '(?i)/(?P<team>team-a)_\\z' }, {})).toEqual([
      'app/re2/Team-A_',
    ]);
  });

  it('should LIST only under the reader policy prefixes, never the other folders', async () => {
    await putV2('app/within/team-a/db', { v: CANARY });
    await putV2('app/within/team-a-extra/db', { v: CANARY });
    await putV2('app/within/team-b/stripe', { v: CANARY });
    const provider = await appRoleProvider();
    const lists = () => provider.callCounts?.().list ?? 0;

    const before = lists();
    expect(await provider.find({ nameRegexp: 'db$', within: ['app/within/team-a/'] }, {})).toEqual([
      'app/within/team-a/db',
    ]);
    // One LIST of the allowed folder: the mount root, app/, app/within/ and team-b/ are never listed.
    expect(lists() - before).toBe(1);

    // A partial segment lists its parent folder once and descends only into matching folders.
    const mid = lists();
    expect(
      await provider.find({ path: 'app/within', within: [`${kv2}/data/app/within/team-a`] }, {}),
    ).toEqual(['app/within/team-a-extra/db', 'app/within/team-a/db']);
    expect(lists() - mid).toBe(3);

    // A folder outside every allowed prefix lists nothing.
    const last = lists();
    expect(await provider.find({ path: 'app/within/team-b', within: ['app/within/team-a/'] }, {})).toEqual(
      [],
    );
    expect(lists()).toBe(last);
  });

  it('should log in with a token read through the credential source and deny keys outside its policy', async () => {
    const name = `vault-token-${run}`;
    const store = vaultStore(name, {
      server: vaultUrl,
      path: kv2,
      auth: { tokenSecretRef: { key: 'reader-token' } },
    });
    const provider = await factoryFor([store]).forStore(name);
    await putV2('outside/secret', { password: `${CANARY}-outside` });
    const results = await provider.read([{ key: 'app/bulk/k2' }, { key: 'outside/secret' }], {});
    expect(text(results[0])).toBe(JSON.stringify({ password: `${CANARY}-2`, user: 'u2' }));
    expect(text(results[1])).toBe('error:AccessDenied');
    // The 403 re-authenticated once (re-reading the credential) before the key failed.
    expect(provider.callCounts?.()).toMatchObject({ login: 2 });
    expect(errorSurfaces(results)).not.toContain(CANARY);
  });

  it('should log in again once when Vault revokes the token, and go on reading', async () => {
    const provider = (await appRoleProvider()) as VaultProvider;
    await provider.read([{ key: 'app/bulk/k3' }], {});
    const accessors = ((await sys('GET', 'auth/token/accessors?list=true'))!.data as { keys: string[] }).keys;
    // Revoke every token of the AppRole's policy, which includes this provider's.
    for (const accessor of accessors) {
      const info = (await sys('POST', 'auth/token/lookup-accessor', { accessor }))!.data as {
        policies?: string[];
        meta?: Record<string, string>;
      };
      if (info.policies?.includes(readerPolicy) && info.meta?.role_name === 'reader') {
        await sys('POST', 'auth/token/revoke-accessor', { accessor });
      }
    }
    const results = await provider.read([{ key: 'app/bulk/k4' }], {});
    expect(text(results[0])).toBe(JSON.stringify({ password: `${CANARY}-4`, user: 'u4' }));
    expect(provider.callCounts()).toMatchObject({ login: 2, read: 3 });
  });

  it('should renew its token with Vault once two thirds of the TTL have passed', async () => {
    let now = Date.now();
    const clock = { now: () => new Date(now) };
    const api = new NodeVaultApi({ server: vaultUrl });
    const authenticator = new VaultAuthenticator({
      storeName: 'renewing',
      api,
      auth: { appRole: { path: approlePath, roleId, secretRef: { key: 'approle-secret-id' } } },
      credentialSource,
      clock,
    });
    const provider = new VaultProvider({ storeName: 'renewing', api, authenticator, mount: kv2 });
    await provider.read([{ key: 'app/bulk/k5' }], {});
    now += 41 * 60_000;
    const results = await provider.read([{ key: 'app/bulk/k5' }], {});
    expect(text(results[0])).toBe(JSON.stringify({ password: `${CANARY}-5`, user: 'u5' }));
    expect(authenticator.stats).toEqual({ logins: 1, renewals: 1 });
  });

  it('should fail every key as AccessDenied when the AppRole secret id is wrong, without echoing it', async () => {
    const wrong = `${CANARY}-not-a-secret-id`;
    await sm.send(
      new CreateSecretCommand({ Name: `${credentialPrefix}wrong-secret-id`, SecretString: wrong }),
    );
    try {
      const provider = await appRoleProvider({
        auth: { appRole: { path: approlePath, roleId, secretRef: { key: 'wrong-secret-id' } } },
      });
      const results = await provider.read([{ key: 'app/bulk/k6' }, { key: 'app/bulk/k7' }], {});
      expect(results.map(text)).toEqual(['error:AccessDenied', 'error:AccessDenied']);
      expect(provider.callCounts?.()).toEqual({ login: 1, renew: 0 });
      expect(errorSurfaces(results)).not.toContain(CANARY);
    } finally {
      await sm.send(
        new DeleteSecretCommand({
          SecretId: `${credentialPrefix}wrong-secret-id`,
          ForceDeleteWithoutRecovery: true,
        }),
      );
    }
  });

  it('should report an unreachable Vault as Unavailable (transient)', async () => {
    const provider = await appRoleProvider({ server: 'http://127.0.0.1:1' });
    const results = await provider.read([{ key: 'app/bulk/k1' }], {});
    expect(results.map(text)).toEqual(['error:Unavailable']);
    expect(!results[0]!.ok && results[0]!.error.transient).toBe(true);
  });
});

describe('AWS IAM login payload replayed to moto STS as Vault replays it', () => {
  // The Vault-API peer (OpenBao) ships without the aws auth method, so Vault's own check is run
  // here by hand: decode the login fields and send the request to STS the way Vault's aws auth
  // does (POST to its sts_endpoint, Host as signed, every signed header), then read the caller.
  const roleName = `fs-control-plane-${run}`;

  async function replay(
    body: Record<string, string>,
  ): Promise<{ status: number; type: string; text: string }> {
    const decode = (field: string) => Buffer.from(body[field]!, 'base64').toString('utf8');
    const url = new URL(decode('iam_request_url'));
    const headers = JSON.parse(decode('iam_request_headers')) as Record<string, string[]>;
    const target = new URL(motoUrl);
    return new Promise((resolve, reject) => {
      const req = httpRequest(
        {
          host: target.hostname,
          port: target.port,
          method: body.iam_http_request_method,
          path: url.pathname,
          headers: {
            ...Object.fromEntries(Object.entries(headers).map(([k, v]) => [k, v.join(',')])),
            host: url.host,
          },
        },
        (res) => {
          let text = '';
          res.on('data', (chunk: Buffer) => {
            text += chunk.toString('utf8');
          });
          res.on('end', () =>
            resolve({ status: res.statusCode ?? 0, type: String(res.headers['content-type']), text }),
          );
        },
      );
      req.on('error', reject);
      req.end(decode('iam_request_body'));
    });
  }

  it('should be answered by STS with the ARN of the role the function runs as', async () => {
    const sts = new STSClient({ endpoint: motoUrl, region, credentials: awsCredentials });
    const out = await sts.send(
      new AssumeRoleCommand({
        RoleArn: `arn:aws:iam::123456789012:role/${roleName}`,
        RoleSessionName: 'fs-lambda',
      }),
    );
    const body = await iamLoginBody({
      credentials: {
        accessKeyId: out.Credentials!.AccessKeyId!,
        secretAccessKey: out.Credentials!.SecretAccessKey!,
        sessionToken: out.Credentials!.SessionToken!,
      },
      role: 'control-plane',
      stsEndpoint: motoUrl,
      serverIdHeader: 'vault.fleet-secrets.test',
    });
    const answer = await replay(body);
    expect(answer.status).toBe(200);
    // Vault refuses anything but exactly text/xml.
    expect(answer.type).toBe('text/xml');
    expect(answer.text).toContain(`<Arn>arn:aws:sts::123456789012:assumed-role/${roleName}/fs-lambda</Arn>`);
    expect(body.role).toBe('control-plane');
  });
});

describe('Vault behind TLS with a private CA, in a namespace', () => {
  let dir: string;
  let proxy: Server;
  let proxyUrl: string;
  let caPem: string;
  let nsRoleId: string;
  const namespace = `int-ns-${run}`;
  const seen: IncomingHttpHeaders[] = [];

  async function inNamespace(method: string, path: string, body?: unknown) {
    const res = await fetch(`${vaultUrl}/v1/${path}`, {
      method,
      headers: {
        'X-Vault-Token': rootToken,
        'X-Vault-Namespace': namespace,
        'content-type': 'application/json',
      },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    if (!res.ok) throw new Error(`${method} ${namespace}/${path}: ${res.status} ${await res.text()}`);
    return res.status === 204 ? undefined : ((await res.json()) as { data?: Record<string, string> });
  }

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'fs-vault-tls-'));
    const ssl = (...args: string[]) => execFileSync('openssl', args, { cwd: dir, stdio: 'pipe' });
    ssl(
      'req',
      '-x509',
      '-newkey',
      'rsa:2048',
      '-nodes',
      '-keyout',
      'ca.key',
      '-out',
      'ca.pem',
      '-days',
      '1',
      '-subj',
      '/CN=fleet-secrets test CA',
    );
    ssl(
      'req',
      '-newkey',
      'rsa:2048',
      '-nodes',
      '-keyout',
      'server.key',
      '-out',
      'server.csr',
      '-subj',
      '/CN=127.0.0.1',
    );
    writeFileSync(join(dir, 'san.ext'), 'subjectAltName=IP:127.0.0.1\n');
    ssl(
      'x509',
      '-req',
      '-in',
      'server.csr',
      '-CA',
      'ca.pem',
      '-CAkey',
      'ca.key',
      '-CAcreateserial',
      '-out',
      'server.pem',
      '-days',
      '1',
      '-extfile',
      'san.ext',
    );
    caPem = readFileSync(join(dir, 'ca.pem'), 'utf8');
    // A TLS front for the dev server (which speaks plain HTTP), recording what reaches it.
    const target = new URL(vaultUrl);
    proxy = createServer(
      { key: readFileSync(join(dir, 'server.key')), cert: readFileSync(join(dir, 'server.pem')) },
      (req, res) => {
        seen.push(req.headers);
        const upstream = httpRequest(
          {
            host: target.hostname,
            port: target.port,
            method: req.method,
            path: req.url,
            headers: req.headers,
          },
          (up) => {
            res.writeHead(up.statusCode ?? 502, up.headers);
            up.pipe(res);
          },
        );
        upstream.on('error', () => res.destroy());
        req.pipe(upstream);
      },
    );
    await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', resolve));
    proxyUrl = `https://127.0.0.1:${(proxy.address() as AddressInfo).port}`;

    // A tenant namespace with its own KV mount and AppRole, as on Vault Enterprise / OpenBao.
    await sys('POST', `sys/namespaces/${namespace}`, {});
    await inNamespace('POST', 'sys/mounts/kv', { type: 'kv', options: { version: '2' } });
    await inNamespace('POST', 'kv/data/app/db', { data: { password: `${CANARY}-ns` } });
    await inNamespace('PUT', 'sys/policies/acl/reader', {
      policy: 'path "kv/data/*" { capabilities = ["read"] }',
    });
    await inNamespace('POST', 'sys/auth/approle', { type: 'approle' });
    await inNamespace('POST', 'auth/approle/role/reader', { token_policies: ['reader'] });
    nsRoleId = (await inNamespace('GET', 'auth/approle/role/reader/role-id'))!.data!.role_id!;
    const secretId = (await inNamespace('POST', 'auth/approle/role/reader/secret-id', {}))!.data!.secret_id!;
    await sm.send(
      new CreateSecretCommand({ Name: `${credentialPrefix}ns-secret-id`, SecretString: secretId }),
    );
  });

  afterAll(async () => {
    await new Promise<void>((resolve) => proxy.close(() => resolve()));
    rmSync(dir, { recursive: true, force: true });
    await sys('DELETE', `sys/namespaces/${namespace}`).catch(() => undefined);
    await sm
      .send(
        new DeleteSecretCommand({
          SecretId: `${credentialPrefix}ns-secret-id`,
          ForceDeleteWithoutRecovery: true,
        }),
      )
      .catch(() => undefined);
  });

  function namespacedStore(extra: Partial<NonNullable<SecretStore['spec']['provider']['vault']>>) {
    const name = `vault-ns-${randomBytes(3).toString('hex')}`;
    const store = vaultStore(name, {
      server: proxyUrl,
      path: 'kv',
      namespace,
      caBundle: caPem,
      auth: { appRole: { roleId: nsRoleId, secretRef: { key: 'ns-secret-id' } } },
      ...extra,
    });
    return factoryFor([store]).forStore(name);
  }

  it('should trust the store caBundle and log in and read inside the store namespace', async () => {
    seen.length = 0;
    const provider = await namespacedStore({});
    const results = await provider.read([{ key: 'app/db' }], {});
    expect(text(results[0])).toBe(JSON.stringify({ password: `${CANARY}-ns` }));
    expect(seen).toHaveLength(2);
    expect(seen.every((h) => h['x-vault-namespace'] === namespace)).toBe(true);
  });

  it('should find nothing of the namespace from the root namespace', async () => {
    const provider = await namespacedStore({ namespace: '' });
    const results = await provider.read([{ key: 'app/db' }], {});
    expect(results.map(text)).toEqual(['error:AccessDenied']);
  });

  it('should refuse a server whose certificate the store does not trust', async () => {
    const provider = await namespacedStore({ caBundle: '' });
    const results = await provider.read([{ key: 'app/db' }], {});
    expect(results.map(text)).toEqual(['error:Unavailable']);
    expect(!results[0]!.ok && results[0]!.error.message).toMatch(/certificate/i);
    expect(errorSurfaces(results)).not.toContain(CANARY);
  });
});
