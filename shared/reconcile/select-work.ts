/** The objects of one pass: the requested ones, or every desired and every remembered one. */
import type { DesiredSnapshot, ReconcileRequest, SyncStatus } from '../domain/records.js';
import { objectKey, type WorkItem } from './pass-context.js';

export function selectWork(
  request: ReconcileRequest,
  snapshots: DesiredSnapshot[],
  statuses: SyncStatus[],
): WorkItem[] {
  const items = new Map<string, WorkItem>();
  const add = (namespace: string, name: string) => {
    const key = objectKey(namespace, name);
    let item = items.get(key);
    if (!item) {
      item = { key, namespace, name };
      items.set(key, item);
    }
    return item;
  };
  const wanted =
    request.scope.kind === 'objects'
      ? new Set(request.scope.objects.map((o) => objectKey(o.namespace, o.name)))
      : undefined;
  for (const s of snapshots)
    if (!wanted || wanted.has(objectKey(s.namespace, s.name))) add(s.namespace, s.name).snapshot = s;
  for (const s of statuses)
    if (!wanted || wanted.has(objectKey(s.namespace, s.name))) add(s.namespace, s.name).status = s;
  return [...items.values()].sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
}
