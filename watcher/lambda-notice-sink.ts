/**
 * Delivers notice batches by invoking the control plane's ingest function.
 *
 * InvocationType RequestResponse, not Event: the watcher learns that the ingest actually recorded the
 * batch (a function error comes back as FunctionError and the batch is retried from the watcher's
 * bounded queue), throttling surfaces as backpressure instead of a silent 6-hour retry inside Lambda's
 * async queue, and a full digest of thousands of objects fits the 6 MB synchronous payload limit
 * where asynchronous invocations allow far less. The ingest is short (validate, record, fan out
 * asynchronously), so waiting for it costs the watcher little.
 */
import { InvokeCommand, type LambdaClient } from '@aws-sdk/client-lambda';
import type { NoticeBatch } from '../shared/contracts/notice-batch.js';
import { noticeBatchSignature } from '../shared/domain/notice-signature.js';
import { NoticeDeliveryError, NoticePayloadTooLargeError } from './errors.js';
import type { NoticeSink } from './notice-sink.js';

/** Lambda's synchronous request payload limit (6 MB), less headroom for the SDK's envelope. */
export const maxPayloadBytes = 6 * 1024 * 1024 - 64 * 1024;

export interface LambdaNoticeSinkOptions {
  client: LambdaClient;
  /** Name or ARN of the ingest function. */
  functionName: string;
  /** This cluster's watcher key; every batch is signed with it (shared/domain/notice-signature.ts). */
  signingKey: string;
  clock?: { now(): Date };
}

export class LambdaNoticeSink implements NoticeSink {
  readonly #client: LambdaClient;
  readonly #functionName: string;
  readonly #signingKey: Uint8Array;
  readonly #clock: { now(): Date };

  constructor({
    client,
    functionName,
    signingKey,
    clock = { now: () => new Date() },
  }: LambdaNoticeSinkOptions) {
    this.#client = client;
    this.#functionName = functionName;
    this.#signingKey = new TextEncoder().encode(signingKey);
    this.#clock = clock;
  }

  async send(batch: NoticeBatch): Promise<void> {
    // Signed at each attempt, so a retried batch carries a fresh issuedAt.
    const { signature: _old, ...unsigned } = { ...batch, issuedAt: this.#clock.now().toISOString() };
    const signed = { ...unsigned, signature: noticeBatchSignature(this.#signingKey, unsigned) };
    const payload = Buffer.from(JSON.stringify(signed), 'utf8');
    if (payload.byteLength > maxPayloadBytes) {
      throw new NoticePayloadTooLargeError(
        `notice batch of ${payload.byteLength} bytes exceeds the ${maxPayloadBytes}-byte invocation limit`,
      );
    }
    let functionError: string | undefined;
    try {
      const response = await this.#client.send(
        new InvokeCommand({
          FunctionName: this.#functionName,
          InvocationType: 'RequestResponse',
          Payload: payload,
        }),
      );
      functionError = response.FunctionError;
    } catch (error) {
      const name = error instanceof Error ? error.name : 'Error';
      if (name === 'RequestTooLargeException' || name === 'SerializedRequestEntityTooLargeException') {
        throw new NoticePayloadTooLargeError(`the ingest function refused the batch size (${name})`);
      }
      const status = (error as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode;
      const message = error instanceof Error ? error.message : String(error);
      throw new NoticeDeliveryError(
        `invoking ${this.#functionName} failed: ${name}${status ? ` (HTTP ${status})` : ''}: ${message}`,
        { cause: error },
      );
    }
    // The function's error payload is not echoed: only its type, to keep logs free of request data.
    if (functionError) {
      throw new NoticeDeliveryError(`the ingest function ${this.#functionName} failed: ${functionError}`);
    }
  }
}
