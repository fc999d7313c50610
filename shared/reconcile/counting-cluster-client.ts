/**
 * Counts what one pass asks of a cluster's API server, at the port: every ClusterClient call is one
 * request (a LIST longer than one page is the only exception, and counts once). The pass result
 * reports these numbers; the integration tests check them against the wire-level counter.
 */
import type { ClusterClient } from '../ports/cluster-client.js';
import type { ApiserverCounts } from './types.js';

export interface CountedClusterClient {
  client: ClusterClient;
  counts(): ApiserverCounts;
}

export function countingClusterClient(inner: ClusterClient): CountedClusterClient {
  const byAction = new Map<string, number>();
  let reads = 0;
  let writes = 0;
  const record = (kind: 'read' | 'write', action: string) => {
    byAction.set(action, (byAction.get(action) ?? 0) + 1);
    if (kind === 'read') reads++;
    else writes++;
  };
  const client: ClusterClient = {
    clusterId: inner.clusterId,
    listManagedSecrets: (opts) => {
      record('read', 'list secrets');
      return inner.listManagedSecrets(opts);
    },
    getSecretMeta: (namespace, name, filter) => {
      record('read', 'list secrets');
      return inner.getSecretMeta(namespace, name, filter);
    },
    applySecret: (secret, opts) => {
      record('write', 'apply secrets');
      return inner.applySecret(secret, opts);
    },
    deleteSecret: (namespace, name) => {
      record('write', 'delete secrets');
      return inner.deleteSecret(namespace, name);
    },
    getCustomObject: (kind, namespace, name) => {
      record('read', `get ${kind}`);
      return inner.getCustomObject(kind, namespace, name);
    },
    listCustomObjects: (kind, namespace) => {
      record('read', `list ${kind}`);
      return inner.listCustomObjects(kind, namespace);
    },
    patchExternalSecretStatus: (namespace, name, status) => {
      record('write', 'patch externalsecrets/status');
      return inner.patchExternalSecretStatus(namespace, name, status);
    },
    createEvent: (event) => {
      record('write', 'create events');
      return inner.createEvent(event);
    },
    listNamespaces: () => {
      record('read', 'list namespaces');
      return inner.listNamespaces();
    },
    reviewAccessRules: (namespace) => {
      record('write', 'create selfsubjectrulesreviews');
      return inner.reviewAccessRules(namespace);
    },
    serverVersion: () => {
      record('read', 'get version');
      return inner.serverVersion();
    },
  };
  return {
    client,
    counts: () => ({
      reads,
      writes,
      byAction: Object.fromEntries([...byAction.entries()].sort(([a], [b]) => a.localeCompare(b))),
    }),
  };
}
