import { InvokeCommand, LambdaClient } from '@aws-sdk/client-lambda';
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  createMotoIngestFunction,
  motoCredentials,
  motoLambdaClient,
} from '../infra-tests/helpers/watcher/moto-lambda.js';
import { freePort } from '../infra-tests/peers/peer-process.js';
import type { NoticeBatch } from '../shared/contracts/notice-batch.js';
import { verifyNoticeBatch } from '../shared/domain/notice-signature.js';
import { NoticeDeliveryError, NoticePayloadTooLargeError } from './errors.js';
import { LambdaNoticeSink, maxPayloadBytes } from './lambda-notice-sink.js';

interface Exchange {
  invocationType: string | undefined;
  statusCode: number | undefined;
  responsePayload: string;
}

/** Records each Invoke the client makes, as the Lambda service saw and answered it. */
function recordInvokes(client: LambdaClient): Exchange[] {
  const exchanges: Exchange[] = [];
  client.middlewareStack.add(
    (next) => async (args) => {
      const result = await next(args);
      const output = result.output as { StatusCode?: number; Payload?: Uint8Array };
      const input = args.input as { InvocationType?: string };
      exchanges.push({
        invocationType: input.InvocationType,
        statusCode: output.StatusCode,
        responsePayload: Buffer.from(output.Payload ?? []).toString('utf8'),
      });
      return result;
    },
    { step: 'initialize', name: 'recordInvokes' },
  );
  return exchanges;
}

const signingKey = 'watcher-key-of-prod-eu-1-0123456789abcdef';

const batch: NoticeBatch = {
  clusterId: 'prod-eu-1',
  notices: [
    {
      kind: 'ExternalSecret',
      namespace: 'team-a',
      name: 'db',
      uid: 'a1b2',
      resourceVersion: '42',
      generation: 3,
      event: 'upsert',
    },
  ],
};

let functionArn: string;
let client: LambdaClient;

beforeAll(async () => {
  ({ functionArn } = await createMotoIngestFunction());
});

beforeEach(() => {
  client = motoLambdaClient();
});

afterEach(() => client.destroy());

describe('LambdaNoticeSink against moto', () => {
  it('should deliver the batch as JSON in a synchronous (RequestResponse) invocation', async () => {
    const exchanges = recordInvokes(client);
    await new LambdaNoticeSink({ client, functionName: functionArn, signingKey }).send(batch);

    expect(exchanges).toHaveLength(1);
    expect(exchanges[0]?.invocationType).toBe('RequestResponse');
    expect(exchanges[0]?.statusCode).toBe(200);
    // moto's docker-less Lambda answers with the payload it received: the batch, signed.
    const received = JSON.parse(exchanges[0]?.responsePayload ?? '');
    expect(received).toEqual({ ...batch, issuedAt: expect.any(String), signature: expect.any(String) });
    const key = new TextEncoder().encode(signingKey);
    expect(verifyNoticeBatch(key, received, new Date())).toEqual({ bound: true });
    const otherKey = new TextEncoder().encode('another-cluster-key-0123456789abcdef');
    expect(verifyNoticeBatch(otherKey, received, new Date())).toMatchObject({ bound: false });
  });

  it('should fail with a delivery error naming the function when the endpoint cannot be reached', async () => {
    const unreachable = new LambdaClient({
      endpoint: `http://127.0.0.1:${await freePort()}`,
      region: 'eu-west-1',
      credentials: motoCredentials,
      maxAttempts: 1,
    });
    try {
      const sink = new LambdaNoticeSink({
        client: unreachable,
        functionName: 'fleet-secrets-ingest',
        signingKey,
      });
      const error = await sink.send(batch).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(NoticeDeliveryError);
      expect((error as Error).message).toMatch(/^invoking fleet-secrets-ingest failed: /);
    } finally {
      unreachable.destroy();
    }
  });

  it('should refuse a batch above the synchronous payload limit without invoking', async () => {
    const exchanges = recordInvokes(client);
    const sink = new LambdaNoticeSink({ client, functionName: functionArn, signingKey });
    const objects = Array.from({ length: Math.ceil(maxPayloadBytes / 100) }, (_, i) => ({
      namespace: 'team-a',
      name: `external-secret-${i}`.padEnd(60, 'x'),
      uid: 'u',
      resourceVersion: '1',
      generation: 1,
    }));
    const huge: NoticeBatch = {
      clusterId: 'c1',
      notices: [],
      digest: { kind: 'ExternalSecret', objects, complete: true },
    };

    await expect(sink.send(huge)).rejects.toBeInstanceOf(NoticePayloadTooLargeError);
    expect(exchanges).toHaveLength(0);
  });

  it('should reach the function by name as well as by ARN', async () => {
    const name = functionArn.split(':').at(-1)!;
    const response = await client.send(
      new InvokeCommand({
        FunctionName: name,
        InvocationType: 'RequestResponse',
        Payload: Buffer.from('{}'),
      }),
    );
    expect(response.StatusCode).toBe(200);
    await expect(
      new LambdaNoticeSink({ client, functionName: name, signingKey }).send(batch),
    ).resolves.toBeUndefined();
  });
});
