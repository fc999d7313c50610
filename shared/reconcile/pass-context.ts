/** What every step of one reconcile pass shares. */
import type { ClusterRecord, DesiredSnapshot, ReconcileRequest, SyncStatus } from '../domain/records.js';
import type { SecretStore } from '../domain/schema.js';
import type { ClusterClient, LiveSecretMeta } from '../ports/cluster-client.js';
import type { Logger } from '../ports/logger.js';
import type { ClusterSession } from './cluster-session.js';
import type { ProviderReader } from './provider-reader.js';
import type { ReconcileDeps } from './types.js';

/** One object of the pass: desired (snapshot), or only remembered (status) once it went away. */
export interface WorkItem {
  key: string;
  namespace: string;
  name: string;
  snapshot?: DesiredSnapshot;
  status?: SyncStatus;
}

/** An object that is still declared. */
export type DesiredItem = WorkItem & { snapshot: DesiredSnapshot };

export interface LiveIndex {
  /** Managed Secrets by `${namespace}/${name}`, from the LIST. */
  secrets: Map<string, LiveSecretMeta>;
  /** Namespaces whose LIST failed for a reason that concerns only them (RBAC). */
  failedNamespaces: Map<string, Error>;
}

export interface PassContext {
  deps: ReconcileDeps;
  request: ReconcileRequest;
  record: ClusterRecord;
  /** The session's client: counted, and failing fast once the cluster is out of reach. */
  client: ClusterClient;
  session: ClusterSession;
  reader: ProviderReader;
  log: Logger;
  now: Date;
  live: LiveIndex;
  stores: Map<string, Promise<SecretStore | undefined>>;
}

export function objectKey(namespace: string, name: string): string {
  return `${namespace}/${name}`;
}

export function storeOf(ctx: PassContext, storeName: string): Promise<SecretStore | undefined> {
  let store = ctx.stores.get(storeName);
  if (!store) {
    store = ctx.deps.state.getStore(storeName);
    ctx.stores.set(storeName, store);
  }
  return store;
}

export const silentLogger: Logger = {
  debug: () => {},
  info: () => {},
  warn: () => {},
  error: () => {},
};
