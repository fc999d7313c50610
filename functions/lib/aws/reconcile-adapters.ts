import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { STSClient } from '@aws-sdk/client-sts';
import { AssumedRoleCredentialCache } from '../../../shared/adapters/aws-credentials/index.js';
import {
  SecretsManagerClients,
  secretsManagerCredentialSource,
} from '../../../shared/adapters/aws-secrets-manager/index.js';
import { CentralProviderFactory } from '../../../shared/adapters/provider-factory.js';
import { ENV } from '../../../shared/contracts/runtime-contract.js';
import type { ReconcileAdapters } from '../compose-reconcile.js';
import { awsClusterAdapters } from './cluster-adapters.js';
import { MissingConfigurationError, oncePerContainer, requiredEnv } from './configuration.js';

/** Adds provider access and the HMAC key: only reconcile-cluster reads secret values. */
export const awsReconcileAdapters = oncePerContainer(async (): Promise<ReconcileAdapters> => {
  const base = await awsClusterAdapters();
  const secretsManager = new SecretsManagerClient({ region: base.region });
  const providers = new CentralProviderFactory({
    stores: base.state,
    secretsManager: new SecretsManagerClients({
      credentials: new AssumedRoleCredentialCache({ sts: new STSClient({ region: base.region }) }),
    }),
    credentialSource: secretsManagerCredentialSource({ client: secretsManager }),
    // Tenant-driven reads never use this function's own role, which can read our credentials.
    defaultStoreRoleArn: requiredEnv(ENV.storeReaderRoleArn),
  });
  const hmacKey = oncePerContainer(() => readHmacKey(secretsManager, requiredEnv(ENV.hmacKeySecretArn)));
  return { ...base, providers, hmacKey };
});

async function readHmacKey(client: SecretsManagerClient, secretId: string): Promise<Uint8Array> {
  const out = await client.send(new GetSecretValueCommand({ SecretId: secretId }));
  if (out.SecretString) return new TextEncoder().encode(out.SecretString);
  if (out.SecretBinary) return out.SecretBinary;
  throw new MissingConfigurationError(`the HMAC key secret ${secretId} has no value`);
}
