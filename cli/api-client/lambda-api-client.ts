import { InvokeCommand, type InvokeCommandOutput, LambdaClient } from '@aws-sdk/client-lambda';
import type { ApiResponse } from '../../shared/control-plane/api-dispatch.js';
import { ControlPlaneUnavailableError } from '../errors.js';
import type { ApiClient, ApiRequest } from './api-client.js';

export interface LambdaApiClientOptions {
  /** Name or ARN of the deployed api function. */
  functionName: string;
  region?: string;
  client?: LambdaClient;
}

/**
 * Invokes the api function synchronously (RequestResponse) with the user's own AWS credentials,
 * so IAM decides who may run which command and CloudTrail records who did.
 */
export class LambdaApiClient implements ApiClient {
  readonly target: string;
  readonly #functionName: string;
  readonly #client: LambdaClient;

  constructor({ functionName, region, client }: LambdaApiClientOptions) {
    this.#functionName = functionName;
    this.#client =
      client ??
      new LambdaClient({
        ...(region ? { region } : {}),
        // A registration checks a cluster with timeouts of its own; leave it room.
        requestHandler: { connectionTimeout: 10_000, requestTimeout: 300_000 },
      });
    this.target = `Lambda function ${functionName}${region ? ` (${region})` : ''}`;
  }

  async send(request: ApiRequest, options: { signal?: AbortSignal } = {}): Promise<ApiResponse> {
    let response: InvokeCommandOutput;
    try {
      response = await this.#client.send(
        new InvokeCommand({
          FunctionName: this.#functionName,
          InvocationType: 'RequestResponse',
          Payload: new TextEncoder().encode(JSON.stringify(request)),
        }),
        options.signal ? { abortSignal: options.signal } : {},
      );
    } catch (error) {
      const name = error instanceof Error ? error.name : 'Error';
      const message = error instanceof Error ? error.message : String(error);
      throw new ControlPlaneUnavailableError(`cannot invoke ${this.target}: ${name}: ${message}`);
    }
    const text = new TextDecoder().decode(response.Payload ?? new Uint8Array());
    if (response.FunctionError) {
      // Lambda's error payload is { errorType, errorMessage, trace }: the trace stays out of the terminal.
      let detail = response.FunctionError;
      try {
        const body = JSON.parse(text) as { errorType?: string; errorMessage?: string };
        detail = `${body.errorType ?? 'Error'}: ${body.errorMessage ?? ''}`;
      } catch {
        // Not JSON: report the error kind alone.
      }
      throw new ControlPlaneUnavailableError(`${this.target} failed: ${detail}`);
    }
    try {
      return JSON.parse(text) as ApiResponse;
    } catch {
      throw new ControlPlaneUnavailableError(`${this.target} answered something that is not JSON`);
    }
  }

  close(): void {
    this.#client.destroy();
  }
}
