import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { LambdaClient } from '@aws-sdk/client-lambda';
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { STSClient } from '@aws-sdk/client-sts';
import { ENV } from '../../cdk/runtime-contract.js';
import { AssumedRoleCredentialCache } from '../../shared/adapters/aws-credentials/index.js';
import {
  SecretsManagerClients,
  secretsManagerCredentialSource,
} from '../../shared/adapters/aws-secrets-manager/index.js';
import { DynamoDbStateStore } from '../../shared/adapters/dynamodb/dynamodb-state-store.js';
import { KubeClusterClientFactory } from '../../shared/adapters/kubernetes/index.js';
import { LambdaInvoker } from '../../shared/adapters/lambda/lambda-invoker.js';
import { CentralProviderFactory } from '../../shared/adapters/provider-factory.js';
import { systemClock } from '../../shared/ports/clock.js';
import { type ControlPlane, composeControlPlane } from './control-plane.js';

/** A setting the stack must provide is absent: the message names the variable. */
export class MissingConfigurationError extends Error {
  override readonly name = 'MissingConfigurationError';
}

function required(name: string): string {
  const value = process.env[name];
  if (!value) throw new MissingConfigurationError(`environment variable ${name} is not set`);
  return value;
}

/**
 * Builds the control plane from the Lambda environment once per container: SDK clients, assumed
 * role credentials, Vault tokens and Kubernetes connections then live across warm invocations.
 */
async function buildAwsControlPlane(): Promise<ControlPlane> {
  const region = required('AWS_REGION');
  const secretsManager = new SecretsManagerClient({ region });
  const state = new DynamoDbStateStore({
    client: new DynamoDBClient({ region }),
    tableName: required(ENV.tableName),
  });
  const sts = new STSClient({ region });
  const providers = new CentralProviderFactory({
    stores: state,
    secretsManager: new SecretsManagerClients({ credentials: new AssumedRoleCredentialCache({ sts }) }),
    credentialSource: secretsManagerCredentialSource({ client: secretsManager }),
  });
  const clusters = new KubeClusterClientFactory({ state, secretsManager });
  const invoker = new LambdaInvoker({
    client: new LambdaClient({ region }),
    functionNames: { 'reconcile-cluster': required(ENV.reconcileFunctionName) },
  });
  let hmacKey: Promise<Uint8Array> | undefined;
  return composeControlPlane({
    state,
    providers,
    clusters,
    invoker,
    clock: systemClock,
    region,
    hmacKey: () => {
      hmacKey ??= readHmacKey(secretsManager, required(ENV.hmacKeySecretArn)).catch((error) => {
        hmacKey = undefined;
        throw error;
      });
      return hmacKey;
    },
  });
}

async function readHmacKey(client: SecretsManagerClient, secretId: string): Promise<Uint8Array> {
  const out = await client.send(new GetSecretValueCommand({ SecretId: secretId }));
  if (out.SecretString) return new TextEncoder().encode(out.SecretString);
  if (out.SecretBinary) return out.SecretBinary;
  throw new MissingConfigurationError(`the HMAC key secret ${secretId} has no value`);
}

let runtime: Promise<ControlPlane> | undefined;

/** Lazily, so importing a handler (tests, cold-start measurement) needs no environment. */
export function controlPlaneRuntime(): Promise<ControlPlane> {
  runtime ??= buildAwsControlPlane().catch((error) => {
    runtime = undefined;
    throw error;
  });
  return runtime;
}
