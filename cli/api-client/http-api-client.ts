import type { ApiResponse } from '../../shared/control-plane/api-dispatch.js';
import { ControlPlaneUnavailableError } from '../errors.js';
import type { ApiClient, ApiRequest } from './api-client.js';

export interface HttpApiClientOptions {
  /** Base URL of a dev-mode control plane, e.g. http://127.0.0.1:41234 */
  url: string;
  /** The bearer token dev mode wrote to its state file. */
  token?: string;
  timeoutMs?: number;
}

/** POST /api to a dev-mode control plane: the same request and response as the api function. */
export class HttpApiClient implements ApiClient {
  readonly target: string;
  readonly #endpoint: string;
  readonly #token: string | undefined;
  readonly #timeoutMs: number;

  constructor({ url, token, timeoutMs = 300_000 }: HttpApiClientOptions) {
    this.#endpoint = new URL('/api', url).toString();
    this.#token = token;
    this.#timeoutMs = timeoutMs;
    this.target = `dev mode at ${url}`;
  }

  async send(request: ApiRequest, options: { signal?: AbortSignal } = {}): Promise<ApiResponse> {
    const timeout = AbortSignal.timeout(this.#timeoutMs);
    let response: Response;
    try {
      response = await fetch(this.#endpoint, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          ...(this.#token ? { authorization: `Bearer ${this.#token}` } : {}),
        },
        body: JSON.stringify(request),
        signal: options.signal ? AbortSignal.any([options.signal, timeout]) : timeout,
      });
    } catch (error) {
      const cause = (error as { cause?: { code?: string } }).cause?.code;
      throw new ControlPlaneUnavailableError(
        `cannot reach ${this.target}${cause ? ` (${cause})` : ''}: is \`fleet-secrets dev\` still running?`,
      );
    }
    const text = await response.text();
    if (response.status !== 200) {
      // Dev mode answers a failed request the way Lambda reports a function error.
      let detail = `HTTP ${response.status}`;
      try {
        const body = JSON.parse(text) as { errorType?: string; errorMessage?: string };
        if (body.errorType) detail = `${body.errorType}: ${body.errorMessage ?? ''}`;
      } catch {
        // Not JSON: the status says enough.
      }
      throw new ControlPlaneUnavailableError(`${this.target} failed: ${detail}`);
    }
    return JSON.parse(text) as ApiResponse;
  }

  close(): void {}
}
