import { InvokeCommand, type LambdaClient } from '@aws-sdk/client-lambda';
import type { ReconcileRequest } from '../../domain/records.js';
import type { InvocationPayloads, Invoker } from '../../ports/invoker.js';
import { InvocationRejectedError } from './errors.js';

/**
 * Lambda's asynchronous invocation accepts at most 256 KB; stay well below so headers and
 * future fields never tip a payload over.
 */
export const MAX_ASYNC_PAYLOAD_BYTES = 200 * 1024;

export interface LambdaInvokerOptions {
  client: LambdaClient;
  /** Function name or ARN per logical function (from the stack's environment variables). */
  functionNames: Partial<Record<keyof InvocationPayloads, string>>;
  maxPayloadBytes?: number;
}

/** Fans out with InvocationType Event: the caller never waits for, or is slowed by, the target. */
export class LambdaInvoker implements Invoker {
  readonly #client: LambdaClient;
  readonly #functionNames: LambdaInvokerOptions['functionNames'];
  readonly #maxPayloadBytes: number;

  constructor({ client, functionNames, maxPayloadBytes = MAX_ASYNC_PAYLOAD_BYTES }: LambdaInvokerOptions) {
    this.#client = client;
    this.#functionNames = functionNames;
    this.#maxPayloadBytes = maxPayloadBytes;
  }

  async invokeAsync<F extends keyof InvocationPayloads>(
    fn: F,
    payload: InvocationPayloads[F],
  ): Promise<void> {
    const functionName = this.#functionNames[fn];
    if (!functionName) throw new InvocationRejectedError(`no function name configured for "${fn}"`);
    for (const part of splitPayload(payload, this.#maxPayloadBytes)) {
      const response = await this.#client.send(
        new InvokeCommand({
          FunctionName: functionName,
          InvocationType: 'Event',
          Payload: new TextEncoder().encode(JSON.stringify(part)),
        }),
      );
      // Async invocations answer 202 once queued; anything else means it was not queued.
      if (response.StatusCode !== 202) {
        throw new InvocationRejectedError(`${fn} (${functionName}) answered ${String(response.StatusCode)}`);
      }
    }
  }
}

/**
 * A rotation can touch thousands of objects in one cluster; rather than send manifests, the
 * payload carries object ids, and an id list too large for one event is split across several
 * invocations (the per-cluster lease folds them into one follow-up pass).
 */
export function splitPayload(payload: ReconcileRequest, maxBytes: number): ReconcileRequest[] {
  const size = Buffer.byteLength(JSON.stringify(payload));
  if (size <= maxBytes || payload.scope.kind !== 'objects' || payload.scope.objects.length < 2)
    return [payload];
  const objects = payload.scope.objects;
  const half = Math.ceil(objects.length / 2);
  return [
    ...splitPayload({ ...payload, scope: { kind: 'objects', objects: objects.slice(0, half) } }, maxBytes),
    ...splitPayload({ ...payload, scope: { kind: 'objects', objects: objects.slice(half) } }, maxBytes),
  ];
}
