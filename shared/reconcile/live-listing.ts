/**
 * The live side of the diff: one metadata-only, label-selector LIST of the Secrets we manage, per
 * cluster, or per namespace when the registration says the control plane's RBAC is namespaced.
 * Live Secret data never enters the function; drift shows as a resourceVersion we did not write.
 */
import { MANAGED_SELECTOR } from '../domain/labels.js';
import type { ClusterRecord, ReconcileScope } from '../domain/records.js';
import type { ClusterClient } from '../ports/cluster-client.js';
import { isClusterWideFailure } from '../ports/cluster-client-errors.js';
import { NamespaceNotRegisteredError } from './errors.js';
import { type LiveIndex, objectKey, type WorkItem } from './pass-context.js';

export type Listing = { ok: true; live: LiveIndex } | { ok: false; error: Error };

export async function listLiveSecrets(
  client: ClusterClient,
  record: ClusterRecord,
  scope: ReconcileScope,
  work: WorkItem[],
): Promise<Listing> {
  const live: LiveIndex = { secrets: new Map(), failedNamespaces: new Map() };
  const needed = [...new Set(work.map((w) => w.namespace))].sort();
  if (needed.length === 0) return { ok: true, live };

  const add = (items: Awaited<ReturnType<ClusterClient['listManagedSecrets']>>) => {
    for (const s of items) live.secrets.set(objectKey(s.namespace, s.name), s);
  };

  if (record.namespaces) {
    const registered = new Set(record.namespaces);
    for (const ns of needed) {
      if (!registered.has(ns))
        live.failedNamespaces.set(ns, new NamespaceNotRegisteredError(record.clusterId, ns));
    }
    const results = await Promise.allSettled(
      needed
        .filter((ns) => registered.has(ns))
        .map(async (namespace) => {
          try {
            add(await client.listManagedSecrets({ labelSelector: MANAGED_SELECTOR, namespace }));
          } catch (error) {
            if (isClusterWideFailure(error)) throw error;
            // RBAC (or anything else) in one namespace fails only that namespace's objects.
            live.failedNamespaces.set(namespace, error as Error);
          }
        }),
    );
    const fatal = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
    return fatal ? { ok: false, error: fatal.reason as Error } : { ok: true, live };
  }

  // Cluster-wide RBAC: one LIST for the whole cluster, unless the pass concerns a single namespace.
  const single = scope.kind === 'objects' && needed.length === 1 ? needed[0] : undefined;
  try {
    add(
      await client.listManagedSecrets({
        labelSelector: MANAGED_SELECTOR,
        ...(single ? { namespace: single } : {}),
      }),
    );
    return { ok: true, live };
  } catch (error) {
    if (single && !isClusterWideFailure(error)) {
      live.failedNamespaces.set(single, error as Error);
      return { ok: true, live };
    }
    return { ok: false, error: error as Error };
  }
}
