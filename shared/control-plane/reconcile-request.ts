import { checkReconcileRequest, type ReconcileRequest } from '../contracts/reconcile-request.js';
import { InvalidRequestError } from './errors.js';

/** Invocation payloads cross a trust boundary (the async queue); check them before acting. */
export function parseReconcileRequest(input: unknown): ReconcileRequest {
  const checked = checkReconcileRequest(input);
  if (checked.ok) return checked.request;
  throw new InvalidRequestError(checked.path, `invalid reconcile request: ${checked.message}`);
}
