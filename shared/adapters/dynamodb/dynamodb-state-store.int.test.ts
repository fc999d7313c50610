import { randomBytes } from 'node:crypto';
import {
  type AttributeValue,
  DescribeTableCommand,
  DescribeTimeToLiveCommand,
  DynamoDBClient,
  QueryCommand,
  ScanCommand,
  type ScanCommandOutput,
} from '@aws-sdk/client-dynamodb';
import { BatchWriteCommand, DynamoDBDocumentClient, PutCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import {
  describeStateStoreContract,
  ManualClock,
} from '../../../infra-tests/contracts/state-store-contract.js';
import { loadPeers } from '../../../infra-tests/helpers/peers.js';
import { dynamoDbLocalCredentials } from '../../../infra-tests/peers/dynamodb.js';
import type { ObjectRef, SyncStatus } from '../../domain/records.js';
import { isStaleSnapshot, type SnapshotOrder } from '../state-store-rules.js';
import { createStateTable, deleteStateTable } from './create-table.js';
import { DynamoDbStateStore } from './dynamodb-state-store.js';
import { StateTableNotFoundError } from './errors.js';
import { newerSnapshotCondition } from './snapshot-conditions.js';
import { dueShardOf, STATE_TABLE_DESIGN } from './table-design.js';

const runId = randomBytes(4).toString('hex');
const tables: string[] = [];
const clients: DynamoDBClient[] = [];

/** A client that counts the DynamoDB operations it sends, by name. */
function countingClient(): { client: DynamoDBClient; calls: Map<string, number> } {
  const { dynamodb } = loadPeers();
  const client = new DynamoDBClient({
    endpoint: dynamodb.url,
    region: dynamodb.region,
    credentials: dynamoDbLocalCredentials,
  });
  const calls = new Map<string, number>();
  client.middlewareStack.add(
    (next, context) => async (args) => {
      const name = String(context.commandName).replace(/Command$/, '');
      calls.set(name, (calls.get(name) ?? 0) + 1);
      return next(args);
    },
    { step: 'initialize', name: 'countCalls' },
  );
  clients.push(client);
  return { client, calls };
}

/** A fresh table with the deployed design (one per test, so tests never see each other's items). */
async function freshTable(client: DynamoDBClient): Promise<string> {
  const name = `state-${runId}-${tables.length}`;
  tables.push(name);
  await createStateTable(client, name);
  return name;
}

async function scanRaw(client: DynamoDBClient, tableName: string): Promise<Record<string, AttributeValue>[]> {
  const items: Record<string, AttributeValue>[] = [];
  let start: ScanCommandOutput['LastEvaluatedKey'];
  do {
    const out = await client.send(new ScanCommand({ TableName: tableName, ExclusiveStartKey: start }));
    items.push(...(out.Items ?? []));
    start = out.LastEvaluatedKey;
  } while (start);
  return items;
}

afterAll(async () => {
  const admin = countingClient().client;
  await Promise.all(tables.map((t) => deleteStateTable(admin, t)));
  for (const c of clients) c.destroy();
});

describeStateStoreContract('DynamoDB (DynamoDB Local)', {
  async create(clock) {
    const { client } = countingClient();
    return new DynamoDbStateStore({ client, tableName: await freshTable(client), clock });
  },
  async dumpEverythingWritten() {
    const { client } = countingClient();
    // Raw attribute values, exactly as stored: nothing the SDK's unmarshalling could hide.
    const dumps = await Promise.all(tables.map(async (t) => JSON.stringify(await scanRaw(client, t))));
    return dumps.join('\n');
  },
});

describe('DynamoDbStateStore on DynamoDB Local', () => {
  let client: DynamoDBClient;
  let calls: Map<string, number>;
  let tableName: string;
  let store: DynamoDbStateStore;
  let clock: ManualClock;

  beforeEach(async () => {
    ({ client, calls } = countingClient());
    tableName = await freshTable(client);
    clock = new ManualClock();
    store = new DynamoDbStateStore({ client, tableName, clock, purgeAfterMs: 3600_000 });
    calls.clear();
  });

  const status = (ref: ObjectRef, nextRefreshAt?: string): SyncStatus => ({
    ...ref,
    version: 1,
    ready: 'True',
    reason: 'SecretSynced',
    attempts: 0,
    conditions: [{ type: 'Ready', status: 'True' }],
    nextRefreshAt,
  });

  it('should create the table the CDK stack deploys: keys, the due index and TTL', async () => {
    const { Table } = await client.send(new DescribeTableCommand({ TableName: tableName }));
    const d = STATE_TABLE_DESIGN;
    expect(Table?.KeySchema).toEqual([
      { AttributeName: d.partitionKey.name, KeyType: 'HASH' },
      { AttributeName: d.sortKey.name, KeyType: 'RANGE' },
    ]);
    const due = Table?.GlobalSecondaryIndexes?.find((i) => i.IndexName === d.dueIndex.indexName);
    expect(due?.KeySchema).toEqual([
      { AttributeName: d.dueIndex.partitionKey.name, KeyType: 'HASH' },
      { AttributeName: d.dueIndex.sortKey.name, KeyType: 'RANGE' },
    ]);
    expect(due?.Projection?.ProjectionType).toBe('INCLUDE');
    const ttl = await client.send(new DescribeTimeToLiveCommand({ TableName: tableName }));
    expect(ttl.TimeToLiveDescription?.AttributeName).toBe(d.timeToLiveAttribute);
    await expect(createStateTable(client, tableName)).resolves.toBeUndefined();
  });

  it('should query every due shard exactly once when each fits in one page, and merge them in due order', async () => {
    const refs = Array.from({ length: 64 }, (_, i) => ({
      clusterId: `c-${i % 8}`,
      namespace: 'apps',
      name: `o-${i}`,
    }));
    const shards = new Set(refs.map((r) => dueShardOf(r)));
    expect(shards.size).toBeGreaterThan(STATE_TABLE_DESIGN.dueShardCount / 2);
    const base = Date.parse('2030-01-01T00:00:00.000Z');
    for (const [i, r] of refs.entries())
      await store.putStatus(status(r, new Date(base + (63 - i) * 1000).toISOString()));
    calls.clear();

    const due = await store.listDue(new Date(base + 64_000));

    expect(calls.get('Query')).toBe(STATE_TABLE_DESIGN.dueShardCount);
    expect(due).toEqual([...refs].reverse());
  });

  it('should keep status details out of the due index', async () => {
    const ref = { clusterId: 'c-1', namespace: 'apps', name: 'db' };
    await store.putStatus(status(ref, '2030-01-01T00:00:00.000Z'));
    const { dueIndex } = STATE_TABLE_DESIGN;
    const out = await client.send(
      new QueryCommand({
        TableName: tableName,
        IndexName: dueIndex.indexName,
        KeyConditionExpression: '#s = :s',
        ExpressionAttributeNames: { '#s': dueIndex.partitionKey.name },
        ExpressionAttributeValues: { ':s': { N: String(dueShardOf(ref)) } },
      }),
    );
    expect(out.Items).toHaveLength(1);
    expect(Object.keys(out.Items![0]!).sort()).toEqual(
      ['clusterId', 'dueAtMs', 'dueShard', 'name', 'namespace', 'pk', 'sk'].sort(),
    );
  });

  it('should write a snapshot whose refs did not change with one PutItem, and a ref change with one transaction', async () => {
    const ref = { clusterId: 'c-1', namespace: 'apps', name: 'db' };
    const snapshot = (generation: number, keys: string[]) => ({
      ...ref,
      source: { kind: 'ExternalSecret' as const, name: 'db', generation },
      spec: {},
      refs: keys.map((key) => ({ storeName: 'aws', key })),
      updatedAt: '2030-01-01T00:00:00.000Z',
    });
    await store.putSnapshot(snapshot(1, ['a', 'b']));
    calls.clear();
    await store.putSnapshot(snapshot(2, ['b', 'a']));
    expect(Object.fromEntries(calls)).toEqual({ GetItem: 1, PutItem: 1 });
    calls.clear();
    await store.putSnapshot(snapshot(3, ['a', 'c']));
    expect(Object.fromEntries(calls)).toEqual({ GetItem: 1, TransactWriteItems: 1 });
  });

  it('should give leases and tombstones a TTL attribute, and nothing else an expiry', async () => {
    const ref = { clusterId: 'c-1', namespace: 'apps', name: 'db' };
    await store.putSnapshot({
      ...ref,
      source: { kind: 'ExternalSecret', name: 'db', generation: 1, resourceVersion: '5' },
      spec: {},
      refs: [{ storeName: 'aws', key: 'k' }],
      updatedAt: '2030-01-01T00:00:00.000Z',
    });
    await store.deleteSnapshot(ref);
    await store.putStatus(status(ref));
    await store.acquireLease('c-1', 'w', 60_000, { kind: 'all' });

    const ttl = STATE_TABLE_DESIGN.timeToLiveAttribute;
    const withTtl = (await scanRaw(client, tableName)).filter((i) => ttl in i);
    const kinds = withTtl.map((i) => `${i.kind?.S}${i.tomb?.BOOL ? ' tombstone' : ''}`).sort();
    expect(kinds).toEqual(['lease', 'snapshot tombstone']);
    const nowS = clock.now().getTime() / 1000;
    for (const i of withTtl) {
      expect(Number(i[ttl]?.N)).toBeGreaterThanOrEqual(nowS + 3600);
      expect(Number(i[ttl]?.N)).toBeLessThanOrEqual(nowS + 3600 + 61);
    }
  });

  it('should name the table when it does not exist', async () => {
    const missing = new DynamoDbStateStore({ client, tableName: `missing-${runId}` });
    await expect(missing.listClusters()).rejects.toThrow(StateTableNotFoundError);
    await expect(missing.getCluster('x')).rejects.toThrow(`missing-${runId}`);
  });

  it('should enforce in DynamoDB itself the same snapshot ordering rule the code applies, for every combination', async () => {
    const doc = DynamoDBDocumentClient.from(client, { marshallOptions: { removeUndefinedValues: true } });
    const orders: SnapshotOrder[] = [];
    for (const resourceVersion of [undefined, 10, 20]) {
      for (const generation of [1, 2]) {
        for (const uid of [undefined, 'a', 'b']) orders.push({ generation, resourceVersion, uid });
      }
    }
    const cases = orders.flatMap((stored) =>
      [false, true].flatMap((tombstone) =>
        orders.map((incoming) => ({ stored: { ...stored, tombstone }, incoming })),
      ),
    );
    const itemOf = (i: number, o: SnapshotOrder & { tombstone?: boolean }, seq: number) => ({
      pk: 'MATRIX',
      sk: `case-${i}`,
      seq,
      gen: o.generation,
      rvNum: o.resourceVersion,
      srcUid: o.uid,
      tomb: o.tombstone ? true : undefined,
    });
    for (let i = 0; i < cases.length; i += 25) {
      const chunk = cases
        .slice(i, i + 25)
        .map((c, k) => ({ PutRequest: { Item: itemOf(i + k, c.stored, 1) } }));
      await doc.send(new BatchWriteCommand({ RequestItems: { [tableName]: chunk } }));
    }
    const accepted = async (i: number): Promise<boolean> => {
      const { incoming } = cases[i]!;
      try {
        await doc.send(
          new PutCommand({
            TableName: tableName,
            Item: itemOf(i, incoming, 2),
            ...newerSnapshotCondition(incoming, 1),
          }),
        );
        return true;
      } catch (err) {
        if ((err as Error).name === 'ConditionalCheckFailedException') return false;
        throw err;
      }
    };
    const verdicts: boolean[] = [];
    for (let i = 0; i < cases.length; i += 16) {
      verdicts.push(...(await Promise.all(cases.slice(i, i + 16).map((_, k) => accepted(i + k)))));
    }
    const mismatches = cases.filter((c, i) => verdicts[i] === isStaleSnapshot(c.incoming, c.stored));
    expect(cases).toHaveLength(648);
    expect(mismatches).toEqual([]);
    expect(verdicts.filter((v) => !v).length).toBeGreaterThan(100);
  });
});
