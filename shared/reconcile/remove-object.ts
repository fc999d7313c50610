/**
 * An object that went away (its snapshot is gone, its status still remembers what we wrote). What
 * happens to its Secret follows the creationPolicy recorded with our last write:
 * Owner deletes it (the in-cluster GC does the same through the ownerReference), Orphan keeps it,
 * Merge gives back only our keys (an apply of nothing under our field manager removes exactly the
 * fields we owned), None never wrote anything.
 */
import { OWNER_LABEL, ownerLabelValue } from '../domain/labels.js';
import type { SourceKind, SyncStatus } from '../domain/records.js';
import { objectKey, type PassContext } from './pass-context.js';

export type RemovalAction = 'deleted' | 'released' | 'kept' | 'nothing';

const SOURCE_KINDS: SourceKind[] = ['ExternalSecret', 'ClusterExternalSecret', 'FleetExternalSecret'];

function ownedByThisObject(status: SyncStatus, labels: Record<string, string>): boolean {
  const owner = labels[OWNER_LABEL];
  return (
    owner !== undefined &&
    SOURCE_KINDS.some(
      (kind) => ownerLabelValue({ kind, namespace: status.namespace, name: status.name }) === owner,
    )
  );
}

export async function removeGoneObject(ctx: PassContext, status: SyncStatus): Promise<RemovalAction> {
  const targetName = status.targetName ?? status.name;
  const failedNamespace = ctx.live.failedNamespaces.get(status.namespace);
  if (failedNamespace) throw failedNamespace;
  if (status.writtenResourceVersion === undefined) return 'nothing';
  const live = ctx.live.secrets.get(objectKey(status.namespace, targetName));

  switch (status.creationPolicy ?? 'Owner') {
    case 'Owner': {
      // Only a Secret still carrying this object's owner label: never one someone else took over.
      if (!live || !ownedByThisObject(status, live.labels)) return 'nothing';
      await ctx.client.deleteSecret(status.namespace, targetName);
      return 'deleted';
    }
    case 'Merge': {
      if (!live || !status.fieldManager) return 'nothing';
      await ctx.client.applySecret(
        { namespace: status.namespace, name: targetName, type: '', labels: {}, annotations: {}, data: {} },
        { fieldManager: status.fieldManager },
      );
      return 'released';
    }
    default:
      return 'kept';
  }
}
