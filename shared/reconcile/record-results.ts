/**
 * The one step that writes what a pass learned: each object's status item (conditionally, and only
 * when it changed), the ExternalSecret's status subresource and an Event when users would see a
 * change, and the cluster's health at the end. An unchanged object costs no write at all.
 */
import type { ClusterHealthState, DesiredSnapshot, SyncStatus } from '../domain/records.js';
import { StatusConflictError } from '../ports/state-store-errors.js';
import type { ObjectResult, StatusToPublish } from './object-result.js';
import type { PassContext } from './pass-context.js';
import { errorAttributes, failureReasonOf, safeMessage } from './pass-errors.js';
import { externalSecretStatus, statusChanged, visibleChange } from './status-report.js';
import { targetNameOf } from './sync-object.js';

/** Records one object's result; returns it (a failed forget turns it into a failure) and the status writes made. */
export async function recordObjectResult(
  ctx: PassContext,
  result: ObjectResult,
): Promise<{ result: ObjectResult; statusWrites: number }> {
  if (result.publish) return { result, statusWrites: await publish(ctx, result.publish) };
  if (!result.forget) return { result, statusWrites: 0 };
  try {
    await ctx.deps.state.deleteStatus(result.forget);
    return { result, statusWrites: 1 };
  } catch (error) {
    // The status stays, so the next pass tries again.
    const { namespace, name } = result.report;
    return {
      result: {
        report: {
          namespace,
          name,
          outcome: 'failed',
          reason: failureReasonOf(error),
          message: safeMessage(error),
        },
      },
      statusWrites: 0,
    };
  }
}

async function publish(ctx: PassContext, publishing: StatusToPublish): Promise<number> {
  const { item, status, wroteSecret, event, clusterReachable } = publishing;
  const previous = item.status;
  let statusWrites = 0;
  if (wroteSecret || statusChanged(previous, status)) {
    await putStatus(ctx, status);
    statusWrites = 1;
  }
  const changed = wroteSecret || visibleChange(previous, status);
  if (!changed || !clusterReachable || ctx.session.down) return statusWrites;
  const { snapshot } = item;
  const ready = status.conditions?.find((c) => c.type === 'Ready');
  try {
    if (snapshot.source.kind === 'ExternalSecret') {
      await ctx.client.patchExternalSecretStatus(
        snapshot.namespace,
        snapshot.source.name,
        externalSecretStatus(status, snapshot.source.resourceVersion ?? String(snapshot.source.generation)),
      );
    }
    await ctx.client.createEvent({
      namespace: snapshot.namespace,
      involvedObject: involvedObjectOf(snapshot),
      type: event.type,
      reason: ready?.reason ?? status.reason,
      message: event.message,
    });
  } catch (error) {
    // Reporting is best effort: the Secret and the state store already tell the truth.
    ctx.log.warn('status or event not written to the cluster', {
      clusterId: snapshot.clusterId,
      namespace: snapshot.namespace,
      name: snapshot.name,
      ...errorAttributes(error),
    });
  }
  return statusWrites;
}

async function putStatus(ctx: PassContext, status: SyncStatus): Promise<void> {
  try {
    await ctx.deps.state.putStatus(status);
  } catch (error) {
    if (!(error instanceof StatusConflictError)) throw error;
    // Someone wrote in between (an ingest marking the object, a racing pass): ours is newer.
    const current = await ctx.deps.state.getStatus(status);
    await ctx.deps.state.putStatus({ ...status, version: (current?.version ?? 0) + 1 });
  }
}

function involvedObjectOf(snapshot: DesiredSnapshot) {
  switch (snapshot.source.kind) {
    case 'ExternalSecret':
      return {
        apiVersion: 'fleet-secrets.io/v1',
        kind: 'ExternalSecret',
        name: snapshot.source.name,
        namespace: snapshot.namespace,
        ...(snapshot.source.uid ? { uid: snapshot.source.uid } : {}),
      };
    default:
      // Central kinds have no object in this cluster: the Event is about the Secret itself.
      return {
        apiVersion: 'v1',
        kind: 'Secret',
        name: targetNameOf(snapshot),
        namespace: snapshot.namespace,
      };
  }
}

/** The cluster's health after the pass; written only when it changed. */
export async function recordClusterHealth(
  ctx: Pick<PassContext, 'deps' | 'record' | 'now' | 'log'>,
  state: ClusterHealthState,
  message?: string,
): Promise<void> {
  const current = ctx.record.health;
  if (current?.state === state && current.message === message) return;
  try {
    await ctx.deps.state.patchClusterState(ctx.record.clusterId, {
      health: { state, checkedAt: ctx.now.toISOString(), ...(message ? { message } : {}) },
    });
  } catch (error) {
    ctx.log.warn('cluster health not recorded', {
      clusterId: ctx.record.clusterId,
      ...errorAttributes(error),
    });
  }
}
