/**
 * An ingest function on the moto peer, for tests of the Lambda sink and of the watcher process. moto
 * runs without docker here (the harness sets lambda.use_docker=false), so an invocation is answered
 * by echoing its payload: enough to see the real SDK request go out and come back.
 */
import { randomBytes } from 'node:crypto';
import { CreateFunctionCommand, LambdaClient } from '@aws-sdk/client-lambda';
import { loadPeers } from '../peers.js';

export const motoCredentials = { accessKeyId: 'testing', secretAccessKey: 'testing' };

export function motoLambdaClient(options: { maxAttempts?: number } = {}): LambdaClient {
  const { moto } = loadPeers();
  return new LambdaClient({
    endpoint: moto.url,
    region: moto.region,
    credentials: motoCredentials,
    ...options,
  });
}

/** moto checks that a function's role exists; IAM's query API needs no SDK client for one call. */
async function createRole(url: string, roleName: string): Promise<string> {
  const body = new URLSearchParams({
    Action: 'CreateRole',
    Version: '2010-05-08',
    RoleName: roleName,
    AssumeRolePolicyDocument: JSON.stringify({
      Version: '2012-10-17',
      Statement: [
        { Effect: 'Allow', Principal: { Service: 'lambda.amazonaws.com' }, Action: 'sts:AssumeRole' },
      ],
    }),
  });
  const response = await fetch(`${url}/`, {
    method: 'POST',
    body,
    headers: {
      'content-type': 'application/x-www-form-urlencoded',
      // moto routes by the signing scope's service name and does not verify the signature.
      authorization:
        'AWS4-HMAC-SHA256 Credential=testing/20250101/us-east-1/iam/aws4_request, SignedHeaders=host, Signature=0',
    },
  });
  const text = await response.text();
  const arn = /<Arn>([^<]+)<\/Arn>/.exec(text)?.[1];
  if (!response.ok || !arn)
    throw new Error(`moto CreateRole failed (${response.status}): ${text.slice(0, 200)}`);
  return arn;
}

/** Creates a uniquely named function and returns its ARN. */
export async function createMotoIngestFunction(): Promise<{ functionArn: string; functionName: string }> {
  const { moto } = loadPeers();
  const suffix = randomBytes(4).toString('hex');
  const role = await createRole(moto.url, `fleet-secrets-ingest-${suffix}`);
  const client = motoLambdaClient();
  try {
    const functionName = `fleet-secrets-ingest-${suffix}`;
    const created = await client.send(
      new CreateFunctionCommand({
        FunctionName: functionName,
        Runtime: 'nodejs24.x',
        Role: role,
        Handler: 'index.handler',
        Code: { ZipFile: Buffer.from('moto does not run it') },
      }),
    );
    if (!created.FunctionArn) throw new Error('moto CreateFunction returned no FunctionArn');
    return { functionArn: created.FunctionArn, functionName };
  } finally {
    client.destroy();
  }
}
