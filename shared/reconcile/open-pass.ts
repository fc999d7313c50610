/**
 * The start of a pass: the clock, the logger and the provider reader it uses, then, once the
 * cluster's record is known, a session with its API server. A registration that cannot become a
 * client (bad kubeconfig, missing CA) still yields a context, whose session refuses every call, so
 * the pass can record that one failure on each of its objects.
 */
import type { ClusterRecord, ReconcileRequest } from '../domain/records.js';
import type { ClusterClient } from '../ports/cluster-client.js';
import { ClusterConfigError } from '../ports/cluster-client-errors.js';
import { ClusterSession } from './cluster-session.js';
import { ObjectSyncError } from './errors.js';
import { type PassContext, silentLogger } from './pass-context.js';
import { errorAttributes } from './pass-errors.js';
import type { PassStart } from './pass-summary.js';
import { ProviderReader } from './provider-reader.js';
import type { ReconcileDeps } from './types.js';

export function startPass(deps: ReconcileDeps, request: ReconcileRequest): PassStart {
  const reader =
    deps.reader ?? new ProviderReader({ factory: deps.providers, context: { clusterId: request.clusterId } });
  return {
    deps,
    request,
    startedAt: deps.clock.now(),
    log: deps.logger ?? silentLogger,
    reader,
    readerBaseline: deps.reader ? reader.stats() : undefined,
  };
}

export type Connected =
  | { ok: true; ctx: PassContext }
  | { ok: false; ctx: PassContext; error: ObjectSyncError };

export async function connectCluster(start: PassStart, record: ClusterRecord): Promise<Connected> {
  const context = (client: ClusterClient): PassContext => {
    const session = new ClusterSession(client);
    return {
      deps: start.deps,
      request: start.request,
      record,
      client: session.client,
      session,
      reader: start.reader,
      log: start.log,
      now: start.startedAt,
      live: { secrets: new Map(), failedNamespaces: new Map() },
      stores: new Map(),
    };
  };
  try {
    return { ok: true, ctx: context(await start.deps.clusters.forRecord(record)) };
  } catch (error) {
    const wrapped = error instanceof Error ? error : new Error(String(error));
    if (!(error instanceof ClusterConfigError))
      start.log.error('building the cluster client failed', errorAttributes(error));
    const failure = new ObjectSyncError('ClusterMisconfigured', wrapped.message);
    return { ok: false, ctx: context(unconnected(record.clusterId, failure)), error: failure };
  }
}

/** A client for a cluster we could not connect to: every call fails with why. */
function unconnected(clusterId: string, error: Error): ClusterClient {
  const fail = () => Promise.reject(error);
  return {
    clusterId,
    listManagedSecrets: fail,
    getSecretMeta: fail,
    applySecret: fail,
    deleteSecret: fail,
    getCustomObject: fail,
    listCustomObjects: fail,
    patchExternalSecretStatus: fail,
    createEvent: fail,
    listNamespaces: fail,
    reviewAccessRules: fail,
    canI: fail,
    serverVersion: fail,
  };
}
