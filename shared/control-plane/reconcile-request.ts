import { type Static, Type as T } from '@sinclair/typebox';
import { Value } from '@sinclair/typebox/value';
import type { ReconcileRequest } from '../domain/records.js';
import { InvalidRequestError } from './errors.js';

const ObjectId = T.Object({ namespace: T.String({ minLength: 1 }), name: T.String({ minLength: 1 }) });

const ReconcileRequestSchema = T.Object({
  clusterId: T.String({ minLength: 1 }),
  scope: T.Union([
    T.Object({ kind: T.Literal('all') }),
    T.Object({ kind: T.Literal('objects'), objects: T.Array(ObjectId) }),
  ]),
  reason: T.Union(
    ['rotation', 'sweep', 'drift-check', 'ingest', 'api', 'follow-up'].map((r) => T.Literal(r)),
  ),
  trigger: T.Optional(
    T.Object({
      storeName: T.Optional(T.String()),
      secretId: T.String(),
      versionId: T.Optional(T.String()),
      eventTime: T.Optional(T.String()),
    }),
  ),
});

/** Invocation payloads cross a trust boundary (the async queue); check them before acting. */
export function parseReconcileRequest(input: unknown): ReconcileRequest {
  if (Value.Check(ReconcileRequestSchema, input))
    return input as Static<typeof ReconcileRequestSchema> as ReconcileRequest;
  const first = Value.Errors(ReconcileRequestSchema, input).First();
  throw new InvalidRequestError(
    first?.path || '(root)',
    `invalid reconcile request: ${first?.message ?? 'unknown'}`,
  );
}
