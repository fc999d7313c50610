import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { ClusterRecord } from '../../domain/records.js';
import type { ClusterStatePatch } from '../../ports/state-store.js';
import { ClusterNotFoundError } from '../../ports/state-store-errors.js';
import { validateCluster, validateLeaseRequest } from '../state-store-rules.js';
import { CLUSTERS_PK, clusterKey, clusterPartition, type ItemKey, ItemKind } from './item-keys.js';
import { removeSnapshot } from './snapshot-items.js';
import type { StateTable } from './state-table.js';

export async function putCluster(t: StateTable, cluster: ClusterRecord): Promise<void> {
  validateCluster(cluster);
  await t.put({
    ...clusterKey(cluster.clusterId),
    kind: ItemKind.cluster,
    clusterId: cluster.clusterId,
    doc: cluster,
  });
}

export async function getCluster(t: StateTable, clusterId: string): Promise<ClusterRecord | undefined> {
  const item = await t.get(clusterKey(clusterId));
  return item ? t.docOf<ClusterRecord>(item) : undefined;
}

export async function listClusters(t: StateTable): Promise<ClusterRecord[]> {
  return t.listCatalogue<ClusterRecord>(CLUSTERS_PK);
}

export async function patchClusterState(
  t: StateTable,
  clusterId: string,
  patch: ClusterStatePatch,
): Promise<void> {
  validateLeaseRequest(clusterId, 'patch');
  const sets: string[] = [];
  const removes: string[] = [];
  const names: Record<string, string> = { '#pk': 'pk', '#doc': 'doc' };
  const values: Record<string, unknown> = {};
  for (const field of ['health', 'nextDriftCheckAt'] as const) {
    if (!(field in patch)) continue;
    names[`#${field}`] = field;
    if (patch[field] === undefined) {
      removes.push(`#doc.#${field}`);
    } else {
      sets.push(`#doc.#${field} = :${field}`);
      values[`:${field}`] = patch[field];
    }
  }
  if (sets.length + removes.length === 0) {
    if (!(await getCluster(t, clusterId))) throw new ClusterNotFoundError({ clusterId });
    return;
  }
  try {
    await t.call(() =>
      t.doc.send(
        new UpdateCommand({
          TableName: t.tableName,
          Key: clusterKey(clusterId),
          UpdateExpression: [
            sets.length ? `SET ${sets.join(', ')}` : '',
            removes.length ? `REMOVE ${removes.join(', ')}` : '',
          ].join(' '),
          ConditionExpression: 'attribute_exists(#pk)',
          ExpressionAttributeNames: names,
          ExpressionAttributeValues: sets.length ? values : undefined,
        }),
      ),
    );
  } catch (err) {
    if (err instanceof ConditionalCheckFailedException) throw new ClusterNotFoundError({ clusterId });
    throw err;
  }
}

export async function deleteCluster(t: StateTable, clusterId: string): Promise<void> {
  validateLeaseRequest(clusterId, 'delete');
  // The cluster item goes last: if this fails half-way the cluster stays registered and a retry
  // finishes the job (every step is idempotent).
  const items = await t.queryAll({
    KeyConditionExpression: '#pk = :pk',
    ExpressionAttributeNames: { '#pk': 'pk' },
    ExpressionAttributeValues: { ':pk': clusterPartition(clusterId) },
    ConsistentRead: true,
  });
  const plainDeletes: ItemKey[] = [];
  for (const item of items) {
    if (item.kind === ItemKind.snapshot && !item.tomb) {
      await removeSnapshot(t, t.refOf(item), { tombstone: false });
    } else {
      plainDeletes.push({ pk: String(item.pk), sk: String(item.sk) });
    }
  }
  await t.batchDelete(plainDeletes);
  await t.delete(clusterKey(clusterId));
}
