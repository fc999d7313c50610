/**
 * The state table as the record modules use it: the document client, the clock, and the few
 * operations every record kind shares (get/put/delete, paginated queries, transactions, batch
 * deletes), each reporting a missing table by name.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import {
  ConditionalCheckFailedException,
  type DynamoDBClient,
  ResourceNotFoundException,
} from '@aws-sdk/client-dynamodb';
import {
  BatchWriteCommand,
  DeleteCommand,
  DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  QueryCommand,
  type QueryCommandInput,
  TransactWriteCommand,
  type TransactWriteCommandInput,
} from '@aws-sdk/lib-dynamodb';
import type { ObjectRef } from '../../domain/records.js';
import { type BackoffPolicy, backoffDelay } from '../../lib/backoff.js';
import { type Clock, systemClock } from '../../ports/clock.js';
import { MalformedStateItemError, StateTableNotFoundError } from './errors.js';
import { clusterPartition, type ItemKey } from './item-keys.js';

export type Item = Record<string, unknown>;

/** Transactions and conditional writes that lose to a concurrent writer are retried this often. */
export const MAX_WRITE_ATTEMPTS = 8;
/** TransactWriteItems accepts at most 100 items. */
export const MAX_TRANSACTION_ITEMS = 100;
/** BatchWriteItem accepts at most 25 requests. */
const MAX_BATCH_WRITE = 25;

const DEFAULT_PURGE_AFTER_MS = 24 * 60 * 60 * 1000;

export interface StateTableOptions {
  client: DynamoDBClient;
  tableName: string;
  clock?: Clock;
  /**
   * How long expired leases and snapshot tombstones stay before TTL removes them. Correctness never
   * depends on TTL (conditions compare expiry times): it only keeps the table tidy.
   */
  purgeAfterMs?: number;
}

export class StateTable {
  readonly tableName: string;
  readonly doc: DynamoDBDocumentClient;
  readonly clock: Clock;
  readonly purgeAfterMs: number;

  constructor({
    client,
    tableName,
    clock = systemClock,
    purgeAfterMs = DEFAULT_PURGE_AFTER_MS,
  }: StateTableOptions) {
    this.tableName = tableName;
    this.doc = DynamoDBDocumentClient.from(client, {
      marshallOptions: { removeUndefinedValues: true, convertClassInstanceToMap: false },
    });
    this.clock = clock;
    this.purgeAfterMs = purgeAfterMs;
  }

  async get(key: ItemKey): Promise<Item | undefined> {
    // Strongly consistent: callers read-modify-write, and a stale read only earns a conflict.
    const out = await this.call(() =>
      this.doc.send(new GetCommand({ TableName: this.tableName, Key: key, ConsistentRead: true })),
    );
    return out.Item;
  }

  async put(item: Item): Promise<void> {
    await this.call(() => this.doc.send(new PutCommand({ TableName: this.tableName, Item: item })));
  }

  async delete(key: ItemKey): Promise<void> {
    await this.call(() => this.doc.send(new DeleteCommand({ TableName: this.tableName, Key: key })));
  }

  async queryPrefix(clusterId: string, prefix: string): Promise<Item[]> {
    return this.queryAll({
      KeyConditionExpression: '#pk = :pk AND begins_with(#sk, :prefix)',
      ExpressionAttributeNames: { '#pk': 'pk', '#sk': 'sk' },
      ExpressionAttributeValues: { ':pk': clusterPartition(clusterId), ':prefix': prefix },
      ConsistentRead: true,
    });
  }

  /** Follows pagination until done, or until `limit` items were collected. */
  async queryAll(
    input: Omit<QueryCommandInput, 'TableName' | 'ExclusiveStartKey'>,
    limit?: number,
  ): Promise<Item[]> {
    const items: Item[] = [];
    let start: Record<string, unknown> | undefined;
    do {
      const out = await this.call(() =>
        this.doc.send(
          new QueryCommand({
            ...input,
            TableName: this.tableName,
            ExclusiveStartKey: start,
            Limit: limit === undefined ? undefined : limit - items.length,
          }),
        ),
      );
      items.push(...((out.Items ?? []) as Item[]));
      start = out.LastEvaluatedKey;
    } while (start && (limit === undefined || items.length < limit));
    return items;
  }

  async transact(items: NonNullable<TransactWriteCommandInput['TransactItems']>): Promise<void> {
    await this.call(() => this.doc.send(new TransactWriteCommand({ TransactItems: items })));
  }

  async batchDelete(keys: ItemKey[]): Promise<void> {
    for (let i = 0; i < keys.length; i += MAX_BATCH_WRITE) {
      let requests: NonNullable<ConstructorParameters<typeof BatchWriteCommand>[0]['RequestItems']>[string] =
        keys.slice(i, i + MAX_BATCH_WRITE).map((k) => ({ DeleteRequest: { Key: k } }));
      for (let attempt = 1; requests.length > 0; attempt++) {
        const out = await this.call(() =>
          this.doc.send(new BatchWriteCommand({ RequestItems: { [this.tableName]: requests } })),
        );
        requests = out.UnprocessedItems?.[this.tableName] ?? [];
        if (requests.length > 0) await sleep(backoffMs(attempt));
      }
    }
  }

  /** Every record of one catalogue partition (clusters, stores, FleetExternalSecrets). */
  async listCatalogue<T>(pk: string): Promise<T[]> {
    const items = await this.queryAll({
      KeyConditionExpression: '#pk = :pk',
      ExpressionAttributeNames: { '#pk': 'pk' },
      ExpressionAttributeValues: { ':pk': pk },
    });
    return items.map((i) => this.docOf<T>(i));
  }

  /** Every SDK call goes through here so a missing table is reported as such, naming it. */
  async call<T>(request: () => Promise<T>): Promise<T> {
    try {
      return await request();
    } catch (err) {
      if (err instanceof ResourceNotFoundException) {
        throw new StateTableNotFoundError({ tableName: this.tableName, cause: err });
      }
      throw err;
    }
  }

  docOf<T>(item: Item): T {
    if (item.doc === null || typeof item.doc !== 'object') {
      throw new MalformedStateItemError({
        tableName: this.tableName,
        pk: String(item.pk),
        sk: String(item.sk),
        problem: 'has no doc attribute',
      });
    }
    return item.doc as T;
  }

  refOf(item: Item): ObjectRef {
    const { clusterId, namespace, name } = item;
    if (typeof clusterId !== 'string' || typeof namespace !== 'string' || typeof name !== 'string') {
      throw new MalformedStateItemError({
        tableName: this.tableName,
        pk: String(item.pk),
        sk: String(item.sk),
        problem: 'lacks clusterId/namespace/name',
      });
    }
    return { clusterId, namespace, name };
  }

  purgeAt(fromMs: number): number {
    return Math.ceil((fromMs + this.purgeAfterMs) / 1000);
  }
}

export function isWriteRace(err: unknown): boolean {
  if (err instanceof ConditionalCheckFailedException) return true;
  if (err instanceof Error && err.name === 'TransactionCanceledException') {
    const reasons = (err as { CancellationReasons?: Array<{ Code?: string }> }).CancellationReasons ?? [];
    return reasons.some((r) => r.Code === 'ConditionalCheckFailed' || r.Code === 'TransactionConflict');
  }
  return err instanceof Error && err.name === 'TransactionConflictException';
}

/** Full jitter, capped: racing writers spread out instead of colliding again. */
const WRITE_RACE_BACKOFF: BackoffPolicy = { initialMs: 10, maxMs: 200, jitter: 'full' };

export function backoffMs(attempt: number): number {
  return backoffDelay(WRITE_RACE_BACKOFF, attempt + 1);
}
