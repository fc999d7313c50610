import type { ClusterAuth } from '../domain/records.js';
import {
  type ApiDeps,
  applyFleetExternalSecret,
  deleteFleetExternalSecret,
  fleetStatus,
  forceSync,
  putStore,
  registerCluster,
  removeCluster,
  type SyncTarget,
} from './api.js';
import { InvalidRequestError, RegistrationRejectedError, UnknownClusterError } from './errors.js';

export type ApiAction =
  | 'clusters.add'
  | 'clusters.list'
  | 'clusters.show'
  | 'clusters.remove'
  | 'stores.put'
  | 'stores.list'
  | 'stores.show'
  | 'stores.remove'
  | 'fleet.apply'
  | 'fleet.delete'
  | 'fleet.list'
  | 'sync'
  | 'status';

export type ApiResponse =
  | { ok: true; action: string; result: unknown }
  | {
      ok: false;
      action: string;
      error: { name: string; message: string; field?: string; issues?: string[] };
    };

type Params = Record<string, unknown>;

function need(params: Params, field: string): string {
  const v = params[field];
  if (typeof v !== 'string' || v.length === 0) throw new InvalidRequestError(field, 'required');
  return v;
}

const actions: Record<ApiAction, (deps: ApiDeps, p: Params) => Promise<unknown>> = {
  'clusters.add': (deps, p) =>
    registerCluster(deps, {
      clusterId: need(p, 'clusterId'),
      // Absent stays absent: for eks auth an endpoint or CA of any kind is refused.
      ...(p.endpoint !== undefined ? { endpoint: String(p.endpoint) } : {}),
      ...(p.caData !== undefined ? { caData: String(p.caData) } : {}),
      // Validated by registerCluster (validateClusterAuth), which names the offending field.
      auth: p.auth as ClusterAuth,
      labels: (p.labels as Record<string, string> | undefined) ?? {},
      namespaces: p.namespaces as string[] | undefined,
    }),
  'clusters.list': async (deps) => deps.state.listClusters(),
  'clusters.show': async (deps, p) => {
    const cluster = await deps.state.getCluster(need(p, 'clusterId'));
    if (!cluster) throw new UnknownClusterError(need(p, 'clusterId'));
    return cluster;
  },
  'clusters.remove': (deps, p) => removeCluster(deps, need(p, 'clusterId')),
  'stores.put': (deps, p) => putStore(deps, p.manifest),
  'stores.list': async (deps) => deps.state.listStores(),
  'stores.show': async (deps, p) => {
    const store = await deps.state.getStore(need(p, 'name'));
    if (!store) throw new InvalidRequestError('name', `store "${need(p, 'name')}" does not exist`);
    return store;
  },
  'stores.remove': async (deps, p) => {
    await deps.state.deleteStore(need(p, 'name'));
    return { removed: need(p, 'name') };
  },
  'fleet.apply': (deps, p) => applyFleetExternalSecret(deps, p.manifest),
  'fleet.delete': (deps, p) => deleteFleetExternalSecret(deps, need(p, 'namespace'), need(p, 'name')),
  'fleet.list': async (deps) => deps.state.listFleetExternalSecrets(),
  sync: (deps, p) => forceSync(deps, p.target as SyncTarget),
  status: (deps, p) =>
    fleetStatus(deps, {
      clusterId: typeof p.clusterId === 'string' ? p.clusterId : undefined,
      namespace: typeof p.namespace === 'string' ? p.namespace : undefined,
    }),
};

/**
 * Runs one API request. Expected failures come back as `{ ok: false, error }` with the field to
 * fix, not as a function error: the caller is a person at a terminal, and a retry would not help.
 */
export async function dispatchApiRequest(deps: ApiDeps, event: unknown): Promise<ApiResponse> {
  const request = (typeof event === 'object' && event !== null ? event : {}) as Params;
  const action = typeof request.action === 'string' ? request.action : '';
  const run = actions[action as ApiAction];
  if (!run) {
    return {
      ok: false,
      action,
      error: { name: 'InvalidRequestError', message: `action: unknown action "${action}"`, field: 'action' },
    };
  }
  try {
    return { ok: true, action, result: await run(deps, (request.params ?? {}) as Params) };
  } catch (error) {
    if (error instanceof InvalidRequestError) {
      return {
        ok: false,
        action,
        error: { name: error.name, message: error.message, field: error.field, issues: error.issues },
      };
    }
    if (error instanceof RegistrationRejectedError) {
      return {
        ok: false,
        action,
        error: { name: error.name, message: error.message, issues: error.reasons },
      };
    }
    if (error instanceof UnknownClusterError) {
      return { ok: false, action, error: { name: error.name, message: error.message, field: 'clusterId' } };
    }
    throw error;
  }
}
