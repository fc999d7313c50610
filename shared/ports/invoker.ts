import type { FunctionName } from '../contracts/function-names.js';
import type { ReconcileRequest } from '../contracts/reconcile-request.js';

export type { FunctionName };

/** Payloads each function accepts when invoked by another one. */
export interface InvocationPayloads {
  'reconcile-cluster': ReconcileRequest;
}

/**
 * Fire-and-forget invocation of another control-plane function (Lambda InvocationType Event in
 * AWS; an in-process call in tests and dev mode). Resolves once the invocation is queued.
 */
export interface Invoker {
  invokeAsync<F extends keyof InvocationPayloads>(fn: F, payload: InvocationPayloads[F]): Promise<void>;
}
