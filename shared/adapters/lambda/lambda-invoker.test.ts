import { InvokeCommand, type LambdaClient } from '@aws-sdk/client-lambda';
import { describe, expect, it } from 'vitest';
import type { ReconcileRequest } from '../../domain/records.js';
import { LambdaInvoker, splitPayload } from './lambda-invoker.js';

function recordingClient(statusCode = 202) {
  const sent: InvokeCommand[] = [];
  const client = {
    send: async (command: InvokeCommand) => {
      sent.push(command);
      return { StatusCode: statusCode };
    },
  } as unknown as LambdaClient;
  return { client, sent };
}

const request: ReconcileRequest = {
  clusterId: 'prod-eu-1',
  scope: { kind: 'objects', objects: [{ namespace: 'payments', name: 'db' }] },
  reason: 'rotation',
  trigger: { secretId: 'prod/db', versionId: 'v2' },
};

describe('LambdaInvoker', () => {
  it('should send one asynchronous InvokeCommand to the configured function with the JSON payload', async () => {
    const { client, sent } = recordingClient();
    const invoker = new LambdaInvoker({
      client,
      functionNames: { 'reconcile-cluster': 'fs-reconcile-cluster' },
    });
    await invoker.invokeAsync('reconcile-cluster', request);
    expect(sent).toHaveLength(1);
    const input = sent[0]!.input;
    expect(sent[0]).toBeInstanceOf(InvokeCommand);
    expect(input.FunctionName).toBe('fs-reconcile-cluster');
    expect(input.InvocationType).toBe('Event');
    expect(JSON.parse(new TextDecoder().decode(input.Payload as Uint8Array))).toEqual(request);
  });

  it('should fail when Lambda does not queue the event', async () => {
    const { client } = recordingClient(500);
    const invoker = new LambdaInvoker({ client, functionNames: { 'reconcile-cluster': 'fn' } });
    await expect(invoker.invokeAsync('reconcile-cluster', request)).rejects.toThrow(/answered 500/);
  });

  it('should name the target when no function is configured for it', async () => {
    const { client } = recordingClient();
    const invoker = new LambdaInvoker({ client, functionNames: {} });
    await expect(invoker.invokeAsync('reconcile-cluster', request)).rejects.toThrow(/reconcile-cluster/);
  });

  it('should split an object list too large for one event into several, losing none', () => {
    const objects = Array.from({ length: 5000 }, (_, i) => ({
      namespace: `team-${i % 40}`,
      name: `secret-${i}`,
    }));
    const big: ReconcileRequest = {
      clusterId: 'c1',
      scope: { kind: 'objects', objects },
      reason: 'rotation',
    };
    const parts = splitPayload(big, 20_000);
    expect(parts.length).toBeGreaterThan(1);
    for (const part of parts) expect(Buffer.byteLength(JSON.stringify(part))).toBeLessThanOrEqual(20_000);
    const rejoined = parts.flatMap((p) => (p.scope.kind === 'objects' ? p.scope.objects : []));
    expect(rejoined).toEqual(objects);
  });
});
