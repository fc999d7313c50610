import type { ReconcileRequest, ReconcileScope } from '../domain/records.js';
import type { Invoker } from '../ports/invoker.js';
import type { StateStore } from '../ports/state-store.js';
import type { ReconcileResult } from '../reconcile/types.js';

export interface LeaseRunnerDeps {
  state: Pick<StateStore, 'acquireLease' | 'renewLease' | 'releaseLease'>;
  /** Unique per invocation (the Lambda request id), so a lease can never be renewed by another. */
  holder: string;
  leaseTtlMs: number;
  /** Follow-up passes one invocation runs before it hands the rest to the next request. */
  maxPasses?: number;
  /** Hands a follow-up this invocation will not run to a new one (an async reconcile-cluster invoke). */
  requeue: (request: ReconcileRequest) => Promise<void>;
}

export type LeaseRunOutcome<R> =
  | {
      ran: true;
      passes: Array<{ request: ReconcileRequest; result: R }>;
      /** Follow-up still owed after maxPasses, re-queued as a new invocation. */
      leftOver?: ReconcileRequest;
    }
  | { ran: false; foldedInto: string };

/**
 * Runs reconcile passes for one cluster under its lease. A request that arrives while another
 * invocation holds the lease is folded into the holder's follow-up scope (by acquireLease), and
 * the holder runs that follow-up before it lets go, so two invocations never write one cluster
 * at once and no request is dropped.
 */
export async function runUnderClusterLease<R>(
  deps: LeaseRunnerDeps,
  request: ReconcileRequest,
  pass: (request: ReconcileRequest) => Promise<R>,
): Promise<LeaseRunOutcome<R>> {
  const acquired = await deps.state.acquireLease(
    request.clusterId,
    deps.holder,
    deps.leaseTtlMs,
    request.scope,
  );
  if (!acquired.acquired) return { ran: false, foldedInto: acquired.heldBy };

  const passes: Array<{ request: ReconcileRequest; result: R }> = [];
  const maxPasses = deps.maxPasses ?? 5;
  let current: ReconcileRequest | undefined = request;
  // Renew on a timer so a long pass never loses its lease half-way.
  const renew = setInterval(
    () => void deps.state.renewLease(request.clusterId, deps.holder, deps.leaseTtlMs).catch(() => undefined),
    Math.max(1000, Math.floor(deps.leaseTtlMs / 3)),
  );
  renew.unref();
  try {
    while (current) {
      passes.push({ request: current, result: await pass(current) });
      const followUp: ReconcileScope | undefined = await deps.state.releaseLease(
        request.clusterId,
        deps.holder,
      );
      if (!followUp) return { ran: true, passes };
      const next: ReconcileRequest = { clusterId: request.clusterId, scope: followUp, reason: 'follow-up' };
      // A cluster that keeps receiving requests must not keep one invocation alive forever.
      if (passes.length >= maxPasses) {
        await deps.requeue(next);
        return { ran: true, passes, leftOver: next };
      }
      const again = await deps.state.acquireLease(request.clusterId, deps.holder, deps.leaseTtlMs, followUp);
      // Someone else took it between release and re-acquire: the follow-up was folded into theirs.
      if (!again.acquired) return { ran: true, passes };
      current = next;
    }
    return { ran: true, passes };
  } catch (error) {
    await deps.state.releaseLease(request.clusterId, deps.holder).catch(() => undefined);
    throw error;
  } finally {
    clearInterval(renew);
  }
}

/** What one reconcile-cluster invocation needs: the cluster's lease, the engine, and the invoker that re-queues. */
export interface ReconcileInvocationDeps {
  lease: Omit<LeaseRunnerDeps, 'holder' | 'requeue'>;
  invoker: Invoker;
  reconcile: (request: ReconcileRequest) => Promise<ReconcileResult>;
}

/** One invocation's passes under the lease; a follow-up beyond its share goes to a new invocation. */
export function reconcileUnderLease(
  deps: ReconcileInvocationDeps,
  holder: string,
  request: ReconcileRequest,
  onPass: (request: ReconcileRequest, result: ReconcileResult) => void = () => {},
): Promise<LeaseRunOutcome<ReconcileResult>> {
  return runUnderClusterLease(
    {
      ...deps.lease,
      holder,
      requeue: (next) => deps.invoker.invokeAsync('reconcile-cluster', next),
    },
    request,
    async (req) => {
      const result = await deps.reconcile(req);
      onPass(req, result);
      return result;
    },
  );
}
