import { randomBytes } from 'node:crypto';
import {
  CreateSecretCommand,
  PutSecretValueCommand,
  SecretsManagerClient,
  type SecretsManagerClientConfig,
} from '@aws-sdk/client-secrets-manager';
import { WATCHER_KEY_NAME } from '../../shared/adapters/aws-secrets-manager/watcher-keys.js';
import { CliError } from '../errors.js';

/**
 * Makes a new watcher key for one cluster and stores the control plane's copy in Secrets Manager
 * (`<prefix><clusterId>/watcher-key`) with your AWS credentials; returns the key for the
 * cluster's copy (a Kubernetes Secret). A new key replaces the old one: batches signed with the
 * old key are refused once the ingest's one-minute cache expires.
 */
export async function storeNewWatcherKey(opts: {
  clusterId: string;
  prefix: string;
  region: string;
  clientConfig?: Omit<SecretsManagerClientConfig, 'region'>;
}): Promise<{ key: string; secretName: string }> {
  const key = randomBytes(32).toString('hex');
  const secretName = `${opts.prefix}${opts.clusterId}/${WATCHER_KEY_NAME}`;
  const client = new SecretsManagerClient({ ...opts.clientConfig, region: opts.region });
  try {
    try {
      await client.send(new PutSecretValueCommand({ SecretId: secretName, SecretString: key }));
    } catch (error) {
      if ((error as Error).name !== 'ResourceNotFoundException') throw error;
      await client.send(
        new CreateSecretCommand({
          Name: secretName,
          SecretString: key,
          Description: `fleet-secrets: key the watcher of cluster ${opts.clusterId} signs its batches with`,
        }),
      );
    }
  } catch (error) {
    // The key is never part of the message.
    throw new CliError(`cannot store the watcher key in ${secretName}: ${(error as Error).name}`);
  } finally {
    client.destroy();
  }
  return { key, secretName };
}
