import { randomBytes } from 'node:crypto';
import {
  CreateSecretCommand,
  DeleteSecretCommand,
  GetSecretValueCommand,
  PutSecretValueCommand,
  SecretsManagerClient,
} from '@aws-sdk/client-secrets-manager';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadPeers } from '../helpers/peers.js';

describe('moto (real server)', () => {
  let client: SecretsManagerClient;
  const name = `smoke/moto-${randomBytes(4).toString('hex')}`;

  beforeAll(() => {
    const { moto } = loadPeers();
    client = new SecretsManagerClient({
      endpoint: moto.url,
      region: moto.region,
      credentials: { accessKeyId: 'testing', secretAccessKey: 'testing' },
    });
  });

  afterAll(async () => {
    await client.send(new DeleteSecretCommand({ SecretId: name, ForceDeleteWithoutRecovery: true }));
    client.destroy();
  });

  it('should keep the previous version readable by stage after a new version is put', async () => {
    const created = await client.send(new CreateSecretCommand({ Name: name, SecretString: 'first' }));
    const put = await client.send(new PutSecretValueCommand({ SecretId: name, SecretString: 'second' }));
    expect(put.VersionId).not.toBe(created.VersionId);
    expect(put.VersionStages).toEqual(['AWSCURRENT']);

    const current = await client.send(
      new GetSecretValueCommand({ SecretId: name, VersionStage: 'AWSCURRENT' }),
    );
    const previous = await client.send(
      new GetSecretValueCommand({ SecretId: name, VersionStage: 'AWSPREVIOUS' }),
    );

    expect(current).toMatchObject({ SecretString: 'second', VersionId: put.VersionId });
    expect(previous).toMatchObject({ SecretString: 'first', VersionId: created.VersionId });
    expect(previous.VersionStages).toEqual(['AWSPREVIOUS']);
  });
});
