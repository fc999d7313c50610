import type { ApiAction, ApiResponse } from '../../shared/control-plane/api-dispatch.js';
import { ApiRequestError, ControlPlaneUnavailableError } from '../errors.js';

export interface ApiRequest {
  action: ApiAction;
  params: Record<string, unknown>;
}

/**
 * How the CLI reaches the control plane's api function: a Lambda RequestResponse invoke of the
 * deployed stack, or HTTP to a running dev mode. Both carry the same request and response.
 */
export interface ApiClient {
  /** Where requests go, for messages: "Lambda function X (eu-west-1)", "dev mode at http://...". */
  readonly target: string;
  /** Resolves with the api function's answer; rejects with ControlPlaneUnavailableError if none came. */
  send(request: ApiRequest, options?: { signal?: AbortSignal }): Promise<ApiResponse>;
  close(): void;
}

/** Sends a request and returns its result, or throws ApiRequestError naming the field to fix. */
export async function callApi<T>(
  client: ApiClient,
  action: ApiAction,
  params: Record<string, unknown> = {},
  options: { signal?: AbortSignal } = {},
): Promise<T> {
  const response = await client.send({ action, params }, options);
  if (response?.ok === true) return response.result as T;
  if (response?.ok !== false || typeof response.error?.message !== 'string') {
    // A function by that name that is not our api function (or an older one) answered.
    throw new ControlPlaneUnavailableError(
      `${client.target} did not answer like the fleet-secrets api function`,
    );
  }
  const { name, message, field, issues } = response.error;
  return Promise.reject(new ApiRequestError(action, name, message, field, issues ?? []));
}
