import type { Context } from 'aws-lambda';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { handler as ingestHandler } from './ingest/handler.js';
import { handler as reconcileHandler } from './reconcile-cluster/handler.js';
import { handler as rotationHandler } from './rotation/handler.js';

const context = {
  awsRequestId: 'req-1',
  functionName: 'fs-test',
  functionVersion: '$LATEST',
  invokedFunctionArn: 'arn:aws:lambda:eu-west-1:123456789012:function:fs-test',
  memoryLimitInMB: '256',
  getRemainingTimeInMillis: () => 10_000,
} as unknown as Context;

let out: string[] = [];
const realStdout = process.stdout.write.bind(process.stdout);
const realStderr = process.stderr.write.bind(process.stderr);
const capture = ((chunk: string | Uint8Array) => {
  out.push(typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8'));
  return true;
}) as typeof process.stdout.write;

// Powertools writes warnings to stderr and everything else to stdout: capture both.
beforeEach(() => {
  out = [];
  process.stdout.write = capture;
  process.stderr.write = capture;
});
afterEach(() => {
  process.stdout.write = realStdout;
  process.stderr.write = realStderr;
});

// The deployed handlers (middy + Powertools) with no AWS environment at all: input that can never
// become valid must be dropped before any AWS client is even built, and never retried.
describe('deployed handlers on bad input', () => {
  it('should drop a foreign event with a log line and an EventsDropped metric', async () => {
    const result = await rotationHandler(
      { source: 'aws.s3', 'detail-type': 'Object Created', detail: {} },
      context,
    );
    expect(result).toEqual({ dropped: 'foreign source aws.s3' });
    const logged = out.join('');
    expect(logged).toContain('"message":"event dropped"');
    expect(logged).toContain('"EventsDropped"');
  });

  it('should drop a Secrets Manager event for a label that is not synced, naming the label', async () => {
    const result = await rotationHandler(
      {
        source: 'aws.secretsmanager',
        'detail-type': 'Secret Label Updated',
        detail: { name: 'x', labelUpdated: 'CUSTOM', versionId: 'v' },
      },
      context,
    );
    expect(result).toEqual({ dropped: 'label CUSTOM is not synced' });
  });

  it('should drop a malformed notice batch with the offending path, not its content', async () => {
    const secretish = 's3cr3t-should-not-be-logged';
    const result = (await ingestHandler(
      { clusterId: 'c1', notices: [{ kind: 'Secret', name: secretish }] },
      context,
    )) as {
      dropped: string;
    };
    expect(result.dropped).toMatch(/\/notices\/0/);
    expect(out.join('')).not.toContain(secretish);
    expect(out.join('')).toContain('"NoticesDropped"');
  });

  it('should refuse a reconcile request without a cluster id, naming the field', async () => {
    await expect(reconcileHandler({ scope: { kind: 'all' }, reason: 'api' }, context)).rejects.toThrow(
      /clusterId/,
    );
  });
});
