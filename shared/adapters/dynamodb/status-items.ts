import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { PutCommand, type PutCommandInput } from '@aws-sdk/lib-dynamodb';
import type { ObjectRef, SyncStatus } from '../../domain/records.js';
import { StatusConflictError } from '../../ports/state-store-errors.js';
import { compareObjectRefs, validateObjectRef, validateStatus } from '../state-store-rules.js';
import { ItemKind, STATUS_PREFIX, statusKey } from './item-keys.js';
import type { Item, StateTable } from './state-table.js';
import { dueShardOf, STATE_TABLE_DESIGN } from './table-design.js';

export async function getStatus(t: StateTable, ref: ObjectRef): Promise<SyncStatus | undefined> {
  validateObjectRef(ref);
  const item = await t.get(statusKey(ref));
  return item ? t.docOf<SyncStatus>(item) : undefined;
}

export async function listStatuses(t: StateTable, clusterId: string): Promise<SyncStatus[]> {
  const items = await t.queryPrefix(clusterId, STATUS_PREFIX);
  return items.map((i) => t.docOf<SyncStatus>(i));
}

export async function putStatus(t: StateTable, status: SyncStatus): Promise<void> {
  validateStatus(status);
  const item: Item = {
    ...statusKey(status),
    kind: ItemKind.status,
    clusterId: status.clusterId,
    namespace: status.namespace,
    name: status.name,
    version: status.version,
    doc: status,
  };
  if (status.nextRefreshAt !== undefined) {
    // Only statuses with a due time enter the (sparse) due index.
    item[STATE_TABLE_DESIGN.dueIndex.partitionKey.name] = dueShardOf(status);
    item[STATE_TABLE_DESIGN.dueIndex.sortKey.name] = Date.parse(status.nextRefreshAt);
  }
  const condition: Pick<
    PutCommandInput,
    'ConditionExpression' | 'ExpressionAttributeNames' | 'ExpressionAttributeValues'
  > =
    status.version === 1
      ? { ConditionExpression: 'attribute_not_exists(#pk)', ExpressionAttributeNames: { '#pk': 'pk' } }
      : {
          ConditionExpression: '#version = :previous',
          ExpressionAttributeNames: { '#version': 'version' },
          ExpressionAttributeValues: { ':previous': status.version - 1 },
        };
  try {
    await t.call(() => t.doc.send(new PutCommand({ TableName: t.tableName, Item: item, ...condition })));
  } catch (err) {
    if (err instanceof ConditionalCheckFailedException) {
      throw new StatusConflictError({ ref: status, expectedVersion: status.version - 1 });
    }
    throw err;
  }
}

export async function deleteStatus(t: StateTable, ref: ObjectRef): Promise<void> {
  validateObjectRef(ref);
  await t.delete(statusKey(ref));
}

export async function listDue(t: StateTable, before: Date, limit?: number): Promise<ObjectRef[]> {
  const beforeMs = before.getTime();
  if (Number.isNaN(beforeMs)) throw new TypeError('listDue: before must be a valid Date');
  if (limit !== undefined && (!Number.isSafeInteger(limit) || limit < 1)) {
    throw new TypeError('listDue: limit must be an integer >= 1');
  }
  const { dueIndex, dueShardCount } = STATE_TABLE_DESIGN;
  const shards = Array.from({ length: dueShardCount }, (_, shard) => shard);
  // Each shard returns its oldest first, so the global oldest `limit` are among each shard's first `limit`.
  const perShard = await Promise.all(
    shards.map((shard) =>
      t.queryAll(
        {
          IndexName: dueIndex.indexName,
          KeyConditionExpression: '#shard = :shard AND #due < :before',
          ExpressionAttributeNames: { '#shard': dueIndex.partitionKey.name, '#due': dueIndex.sortKey.name },
          ExpressionAttributeValues: { ':shard': shard, ':before': beforeMs },
        },
        limit,
      ),
    ),
  );
  const due = perShard
    .flat()
    .map((i) => ({ ref: t.refOf(i), at: Number(i[dueIndex.sortKey.name]) }))
    .sort((a, b) => a.at - b.at || compareObjectRefs(a.ref, b.ref));
  return (limit === undefined ? due : due.slice(0, limit)).map((d) => d.ref);
}
