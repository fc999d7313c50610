/**
 * The reconcile request: what the rotation, sweep, ingest and api functions (and a lease holder
 * re-queueing a follow-up) ask of reconcile-cluster through Lambda's async queue. One schema; the
 * type is derived from it, so the payload and its check cannot drift apart.
 */
import { type Static, Type as T } from '@sinclair/typebox';
import { Value } from '@sinclair/typebox/value';

const ObjectId = T.Object({ namespace: T.String({ minLength: 1 }), name: T.String({ minLength: 1 }) });

export const ReconcileScopeSchema = T.Union([
  T.Object({ kind: T.Literal('all') }),
  T.Object({ kind: T.Literal('objects'), objects: T.Array(ObjectId) }),
]);

export const RECONCILE_REASONS = ['rotation', 'sweep', 'drift-check', 'ingest', 'api', 'follow-up'] as const;

export const ReconcileRequestSchema = T.Object({
  clusterId: T.String({ minLength: 1 }),
  scope: ReconcileScopeSchema,
  reason: T.Union(RECONCILE_REASONS.map((r) => T.Literal(r))),
  /** Set by the rotation path: which secret change started this, for latency and status. */
  trigger: T.Optional(
    T.Object({
      storeName: T.Optional(T.String()),
      secretId: T.String(),
      versionId: T.Optional(T.String()),
      eventTime: T.Optional(T.String()),
    }),
  ),
});

/** What a reconcile-cluster invocation is asked to do. */
export type ReconcileScope = Static<typeof ReconcileScopeSchema>;
export type ReconcileReason = (typeof RECONCILE_REASONS)[number];
export type ReconcileRequest = Static<typeof ReconcileRequestSchema>;

/** Checks an invocation payload; on failure, the first problem's JSON path and message. */
export function checkReconcileRequest(
  input: unknown,
): { ok: true; request: ReconcileRequest } | { ok: false; path: string; message: string } {
  if (Value.Check(ReconcileRequestSchema, input)) return { ok: true, request: input };
  const first = Value.Errors(ReconcileRequestSchema, input).First();
  return { ok: false, path: first?.path || '(root)', message: first?.message ?? 'unknown' };
}
