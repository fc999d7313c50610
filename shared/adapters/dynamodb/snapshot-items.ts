/**
 * Desired snapshots and the reverse index written with them (docs/state-model.md: older never
 * overwrites newer, tombstones, one transaction per snapshot and its index entries).
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { PutCommand } from '@aws-sdk/lib-dynamodb';
import type { DesiredSnapshot, ObjectRef, RemoteKeyRef } from '../../domain/records.js';
import type { SnapshotWriteResult } from '../../ports/state-store.js';
import { SnapshotContentionError } from '../../ports/state-store-errors.js';
import {
  compareObjectRefs,
  diffRefs,
  isStaleSnapshot,
  type SnapshotOrder,
  snapshotOrder,
  uniqueRefs,
  validateObjectRef,
  validateSnapshot,
} from '../state-store-rules.js';
import { dependentKey, dependentsPartition, ItemKind, SNAPSHOT_PREFIX, snapshotKey } from './item-keys.js';
import { absentCondition, newerSnapshotCondition } from './snapshot-conditions.js';
import {
  backoffMs,
  type Item,
  isWriteRace,
  MAX_TRANSACTION_ITEMS,
  MAX_WRITE_ATTEMPTS,
  type StateTable,
} from './state-table.js';
import { STATE_TABLE_DESIGN } from './table-design.js';

export async function putSnapshot(t: StateTable, snapshot: DesiredSnapshot): Promise<SnapshotWriteResult> {
  validateSnapshot(snapshot);
  const refs = uniqueRefs(snapshot.refs);
  const doc: DesiredSnapshot = { ...snapshot, refs };
  const order = snapshotOrder(snapshot);
  const key = snapshotKey(snapshot);
  let lastError: unknown;
  for (let attempt = 1; attempt <= MAX_WRITE_ATTEMPTS; attempt++) {
    const current = (await t.get(key)) as SnapshotItem | undefined;
    if (isStaleSnapshot(order, current && storedOrder(current))) return 'stale';
    const previousRefs = current && !current.tomb ? t.docOf<DesiredSnapshot>(current).refs : [];
    const { added, removed } = diffRefs(previousRefs, refs);
    const item: SnapshotItem = {
      ...key,
      kind: ItemKind.snapshot,
      clusterId: snapshot.clusterId,
      namespace: snapshot.namespace,
      name: snapshot.name,
      seq: (current?.seq ?? 0) + 1,
      gen: order.generation,
      rvNum: order.resourceVersion,
      srcUid: order.uid,
      doc,
    };
    const condition = current ? newerSnapshotCondition(order, current.seq) : absentCondition();
    try {
      if (added.length + removed.length === 0) {
        await t.call(() => t.doc.send(new PutCommand({ TableName: t.tableName, Item: item, ...condition })));
      } else if (1 + added.length + removed.length <= MAX_TRANSACTION_ITEMS) {
        await t.transact([
          { Put: { TableName: t.tableName, Item: item, ...condition } },
          ...removed.map((r) => ({
            Delete: { TableName: t.tableName, Key: dependentKey(r, snapshot) },
          })),
          ...added.map((r) => ({
            Put: { TableName: t.tableName, Item: dependentItem(r, snapshot) },
          })),
        ]);
      } else {
        // More changes than one transaction holds (only when a spec swaps most of a large ref list):
        // new entries first, then the snapshot with the removals. In between, the index is a
        // superset of the truth, which costs at most a redundant reconcile, never a missed one.
        await t.transact([
          ...(current ? [{ ConditionCheck: { TableName: t.tableName, Key: key, ...condition } }] : []),
          ...added.map((r) => ({
            Put: { TableName: t.tableName, Item: dependentItem(r, snapshot) },
          })),
        ]);
        await t.transact([
          { Put: { TableName: t.tableName, Item: item, ...condition } },
          ...removed.map((r) => ({
            Delete: { TableName: t.tableName, Key: dependentKey(r, snapshot) },
          })),
        ]);
      }
      return 'written';
    } catch (err) {
      if (!isWriteRace(err)) throw err;
      lastError = err;
      await sleep(backoffMs(attempt));
    }
  }
  throw new SnapshotContentionError({ ref: snapshot, attempts: MAX_WRITE_ATTEMPTS, cause: lastError });
}

export async function getSnapshot(t: StateTable, ref: ObjectRef): Promise<DesiredSnapshot | undefined> {
  validateObjectRef(ref);
  const item = await t.get(snapshotKey(ref));
  return item && !item.tomb ? t.docOf<DesiredSnapshot>(item) : undefined;
}

export async function listSnapshots(t: StateTable, clusterId: string): Promise<DesiredSnapshot[]> {
  const items = await t.queryPrefix(clusterId, SNAPSHOT_PREFIX);
  return items.filter((i) => !i.tomb).map((i) => t.docOf<DesiredSnapshot>(i));
}

export async function deleteSnapshot(t: StateTable, ref: ObjectRef): Promise<void> {
  validateObjectRef(ref);
  await removeSnapshot(t, ref, { tombstone: true });
}

export async function findDependents(t: StateTable, storeName: string, key: string): Promise<ObjectRef[]> {
  const items = await t.queryAll({
    KeyConditionExpression: '#pk = :pk',
    ExpressionAttributeNames: { '#pk': 'pk' },
    ExpressionAttributeValues: { ':pk': dependentsPartition({ storeName, key }) },
  });
  return items.map((i) => t.refOf(i)).sort(compareObjectRefs);
}

/** Deletes a snapshot and its index entries in one transaction, leaving a tombstone if asked. */
export async function removeSnapshot(
  t: StateTable,
  ref: ObjectRef,
  { tombstone }: { tombstone: boolean },
): Promise<void> {
  const key = snapshotKey(ref);
  let lastError: unknown;
  for (let attempt = 1; attempt <= MAX_WRITE_ATTEMPTS; attempt++) {
    const current = (await t.get(key)) as SnapshotItem | undefined;
    if (!current || current.tomb) return;
    const refs = t.docOf<DesiredSnapshot>(current).refs;
    const unchanged = {
      ConditionExpression: '#seq = :seq',
      ExpressionAttributeNames: { '#seq': 'seq' },
      ExpressionAttributeValues: { ':seq': current.seq },
    };
    const snapshotWrite = tombstone
      ? {
          Put: {
            TableName: t.tableName,
            Item: {
              ...key,
              kind: ItemKind.snapshot,
              clusterId: ref.clusterId,
              namespace: ref.namespace,
              name: ref.name,
              seq: current.seq + 1,
              gen: current.gen,
              rvNum: current.rvNum,
              srcUid: current.srcUid,
              tomb: true,
              [STATE_TABLE_DESIGN.timeToLiveAttribute]: t.purgeAt(t.clock.now().getTime()),
            },
            ...unchanged,
          },
        }
      : { Delete: { TableName: t.tableName, Key: key, ...unchanged } };
    try {
      await t.transact([
        snapshotWrite,
        ...refs.map((r) => ({ Delete: { TableName: t.tableName, Key: dependentKey(r, ref) } })),
      ]);
      return;
    } catch (err) {
      if (!isWriteRace(err)) throw err;
      lastError = err;
      await sleep(backoffMs(attempt));
    }
  }
  throw new SnapshotContentionError({ ref, attempts: MAX_WRITE_ATTEMPTS, cause: lastError });
}

function dependentItem(ref: RemoteKeyRef, object: ObjectRef): Item {
  return {
    ...dependentKey(ref, object),
    kind: ItemKind.dependent,
    storeName: ref.storeName,
    key: ref.key,
    clusterId: object.clusterId,
    namespace: object.namespace,
    name: object.name,
  };
}

export interface SnapshotItem extends Item {
  seq: number;
  gen: number;
  rvNum?: number;
  srcUid?: string;
  tomb?: boolean;
  doc?: DesiredSnapshot;
}

function storedOrder(item: SnapshotItem): SnapshotOrder & { tombstone: boolean } {
  const order: SnapshotOrder & { tombstone: boolean } = {
    generation: item.gen,
    tombstone: item.tomb === true,
  };
  if (item.rvNum !== undefined) order.resourceVersion = item.rvNum;
  if (item.srcUid !== undefined) order.uid = item.srcUid;
  return order;
}
