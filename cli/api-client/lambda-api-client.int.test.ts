/**
 * The Lambda transport against moto's Lambda. moto runs no function code here and answers an
 * invocation with its own payload, which is enough to see the real SDK request go out (function,
 * invocation type, JSON body) and come back, and to see the CLI refuse an answer that is not the
 * api function's.
 */
import { spawn } from 'node:child_process';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { LambdaClient } from '@aws-sdk/client-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadPeers } from '../../infra-tests/helpers/peers.js';
import {
  createMotoIngestFunction,
  motoCredentials,
  motoLambdaClient,
} from '../../infra-tests/helpers/watcher/moto-lambda.js';
import { ControlPlaneUnavailableError } from '../errors.js';
import { LambdaApiClient } from './lambda-api-client.js';

const bin = join(resolve(dirname(fileURLToPath(import.meta.url)), '..', '..'), 'bin', 'fleet-secrets.js');
let functionArn: string;
const lambda = motoLambdaClient();

beforeAll(async () => {
  ({ functionArn } = await createMotoIngestFunction());
});
afterAll(() => lambda.destroy());

describe('LambdaApiClient', () => {
  it('should invoke the function synchronously with the request as its JSON payload', async () => {
    const client = new LambdaApiClient({ functionName: functionArn, client: lambda });
    const echoed = await client.send({ action: 'status', params: { clusterId: 'prod-eu-1' } });
    expect(echoed).toEqual({ action: 'status', params: { clusterId: 'prod-eu-1' } });
  });

  it('should say which function could not be invoked, and why', async () => {
    const unreachable = new LambdaClient({
      endpoint: 'http://127.0.0.1:1',
      region: 'eu-west-1',
      credentials: motoCredentials,
      maxAttempts: 1,
    });
    const client = new LambdaApiClient({ functionName: 'fleet-secrets-api', client: unreachable });
    const error = await client.send({ action: 'status', params: {} }).catch((e: unknown) => e);
    unreachable.destroy();
    expect(error).toBeInstanceOf(ControlPlaneUnavailableError);
    expect((error as Error).message).toMatch(
      /^cannot invoke Lambda function fleet-secrets-api: .*ECONNREFUSED/,
    );
  });

  it('should make the CLI refuse an answer that is not the api function’s', async () => {
    const { moto } = loadPeers();
    const run = await new Promise<{ code: number | null; stderr: string }>((done) => {
      const child = spawn(process.execPath, [bin, '--api-function', functionArn, 'status'], {
        env: {
          ...process.env,
          NO_COLOR: '1',
          AWS_ENDPOINT_URL_LAMBDA: moto.url,
          AWS_ACCESS_KEY_ID: motoCredentials.accessKeyId,
          AWS_SECRET_ACCESS_KEY: motoCredentials.secretAccessKey,
        },
        stdio: ['ignore', 'ignore', 'pipe'],
      });
      let stderr = '';
      child.stderr.on('data', (chunk: Buffer) => {
        stderr += chunk.toString();
      });
      child.once('exit', (code) => done({ code, stderr }));
    });
    expect(run.code).toBe(1);
    expect(run.stderr).toContain(
      `error: Lambda function ${functionArn} (${moto.region}) did not answer like the fleet-secrets api function`,
    );
  });
});
