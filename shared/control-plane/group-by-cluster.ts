import type { ObjectRef } from '../domain/records.js';

/** Groups object refs by cluster, dropping duplicates, in a stable order. */
export function groupByCluster(
  refs: Iterable<ObjectRef>,
): Map<string, Array<{ namespace: string; name: string }>> {
  const byCluster = new Map<string, Map<string, { namespace: string; name: string }>>();
  for (const ref of refs) {
    let objects = byCluster.get(ref.clusterId);
    if (!objects) {
      objects = new Map();
      byCluster.set(ref.clusterId, objects);
    }
    objects.set(`${ref.namespace}/${ref.name}`, { namespace: ref.namespace, name: ref.name });
  }
  const sorted = new Map<string, Array<{ namespace: string; name: string }>>();
  for (const clusterId of [...byCluster.keys()].sort()) {
    const objects = byCluster.get(clusterId)!;
    sorted.set(
      clusterId,
      [...objects.keys()].sort().map((k) => objects.get(k)!),
    );
  }
  return sorted;
}
