/**
 * The HTTP layer under @kubernetes/client-node for one cluster. The library's own KubeConfig
 * authentication builds a fresh https.Agent for every request, so each call would pay a new TCP +
 * TLS handshake; here one keep-alive agent per cluster lives as long as the warm Lambda does.
 * Every request also gets a hard deadline (an unreachable cluster must fail fast, not hang the
 * pass) and is counted.
 */
import type { Agent } from 'node:https';
import {
  type HttpLibrary,
  IsomorphicFetchHttpLibrary,
  type PromiseHttpLibrary,
  type RequestContext,
  type ResponseContext,
  wrapHttpLibrary,
} from '@kubernetes/client-node';
import type { RequestCounter } from '../../lib/request-counter.js';
import { classifyRequest } from './classify-request.js';
import { KubeUnreachableError } from './errors.js';

export interface ClusterTransportOptions {
  clusterId: string;
  /** Keep-alive agent carrying the cluster's CA (and client certificate, for kubeconfig users). */
  agent: Agent;
  /** Deadline of one request, connect to last byte. */
  requestTimeoutMs: number;
  counter: RequestCounter;
  userAgent?: string;
}

export class ClusterTransport implements PromiseHttpLibrary {
  readonly #inner = new IsomorphicFetchHttpLibrary();
  readonly #options: ClusterTransportOptions;

  constructor(options: ClusterTransportOptions) {
    this.#options = options;
  }

  /** The shape the generated API classes take as `httpApi`. */
  asHttpLibrary(): HttpLibrary {
    return wrapHttpLibrary(this);
  }

  async send(request: RequestContext): Promise<ResponseContext> {
    const { clusterId, agent, requestTimeoutMs, counter, userAgent } = this.#options;
    const headers = request.getHeaders();
    const { verb, resource } = classifyRequest(
      request.getHttpMethod(),
      request.getUrl(),
      headers['Content-Type'],
    );
    counter.record(verb, resource);

    // The auth step may have set a throwaway agent of its own; ours is the one that keeps sockets.
    request.setAgent(agent);
    request.setHeaderParam('User-Agent', userAgent ?? 'fleet-secrets');
    const deadline = AbortSignal.timeout(requestTimeoutMs);
    const callerSignal = request.getSignal();
    request.setSignal(callerSignal ? AbortSignal.any([callerSignal, deadline]) : deadline);

    try {
      return await this.#inner.send(request).toPromise();
    } catch (error) {
      const timedOut = deadline.aborted;
      throw new KubeUnreachableError({
        clusterId,
        action: `${verb} ${resource}`,
        // The error's code (ECONNREFUSED, ...) or message only, no cause: loggers serialise
        // `error.cause`, and the fetch error's chain is not ours to vouch for.
        detail: timedOut ? `no answer within ${requestTimeoutMs} ms` : describeNetworkError(error),
      });
    }
  }
}

function describeNetworkError(error: unknown): string {
  if (error && typeof error === 'object') {
    const { code, message } = error as { code?: unknown; message?: unknown };
    if (typeof code === 'string') return code;
    if (typeof message === 'string') return message;
  }
  return String(error);
}
