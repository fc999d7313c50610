import { randomBytes } from 'node:crypto';
import { DeleteSecretCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { afterAll, describe, expect, it } from 'vitest';
import { loadPeers } from '../../infra-tests/helpers/peers.js';
import { secretsManagerWatcherKeys } from '../../shared/adapters/aws-secrets-manager/watcher-keys.js';
import { noticeBatchSignature, verifyNoticeBatch } from '../../shared/domain/notice-signature.js';
import { storeNewWatcherKey } from './watcher-key.js';

const credentials = { accessKeyId: 'testing', secretAccessKey: 'testing' };
const clusterId = `wk-${randomBytes(4).toString('hex')}`;
const prefix = 'fleet-secrets-internal/clusters/';

afterAll(async () => {
  const { moto } = loadPeers();
  const sm = new SecretsManagerClient({ endpoint: moto.url, region: moto.region, credentials });
  await sm
    .send(
      new DeleteSecretCommand({
        SecretId: `${prefix}${clusterId}/watcher-key`,
        ForceDeleteWithoutRecovery: true,
      }),
    )
    .catch(() => undefined);
  sm.destroy();
});

describe('watcher key on moto', () => {
  it('should store a key the ingest reads back, so a batch signed in the cluster verifies; a new key replaces it', async () => {
    const { moto } = loadPeers();
    const clientConfig = { endpoint: moto.url, credentials };
    const first = await storeNewWatcherKey({ clusterId, prefix, region: moto.region, clientConfig });
    expect(first.secretName).toBe(`${prefix}${clusterId}/watcher-key`);
    expect(first.key).toMatch(/^[0-9a-f]{64}$/);

    const read = (ttlMs: number) =>
      secretsManagerWatcherKeys({
        client: new SecretsManagerClient({ region: moto.region, ...clientConfig }),
        prefix,
        ttlMs,
      }).keyOf(clusterId);
    const batch = { clusterId, issuedAt: new Date().toISOString(), notices: [] };
    const signed = { ...batch, signature: noticeBatchSignature(new TextEncoder().encode(first.key), batch) };
    expect(verifyNoticeBatch((await read(0))!, signed, new Date())).toEqual({ bound: true });

    const second = await storeNewWatcherKey({ clusterId, prefix, region: moto.region, clientConfig });
    expect(second.key).not.toBe(first.key);
    expect(verifyNoticeBatch((await read(0))!, signed, new Date())).toMatchObject({ bound: false });
  });

  it('should have no key for a cluster nobody made one for', async () => {
    const { moto } = loadPeers();
    const keys = secretsManagerWatcherKeys({
      client: new SecretsManagerClient({ endpoint: moto.url, region: moto.region, credentials }),
      prefix,
    });
    expect(await keys.keyOf(`${clusterId}-none`)).toBeUndefined();
  });
});
