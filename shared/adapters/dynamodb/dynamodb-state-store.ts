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
  type PutCommandInput,
  QueryCommand,
  type QueryCommandInput,
  TransactWriteCommand,
  type TransactWriteCommandInput,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import type {
  ClusterRecord,
  DesiredSnapshot,
  LeaseRecord,
  ObjectRef,
  ReconcileScope,
  RemoteKeyRef,
  SyncStatus,
} from '../../domain/records.js';
import type { FleetExternalSecret, SecretStore } from '../../domain/schema.js';
import { type BackoffPolicy, backoffDelay } from '../../lib/backoff.js';
import { type Clock, systemClock } from '../../ports/clock.js';
import type {
  ClusterStatePatch,
  LeaseAcquireResult,
  SnapshotWriteResult,
  StateStore,
} from '../../ports/state-store.js';
import {
  ClusterNotFoundError,
  InvalidStateRecordError,
  LeaseContentionError,
  SnapshotContentionError,
  StatusConflictError,
} from '../../ports/state-store-errors.js';
import {
  compareObjectRefs,
  diffRefs,
  fleetExternalSecretNamespace,
  followUpScope,
  isStaleSnapshot,
  type SnapshotOrder,
  scopeObjectId,
  snapshotOrder,
  uniqueRefs,
  validateCluster,
  validateFleetExternalSecret,
  validateLeaseRequest,
  validateObjectRef,
  validateScope,
  validateSnapshot,
  validateStatus,
  validateStore,
} from '../state-store-rules.js';
import { MalformedStateItemError, StateTableNotFoundError } from './errors.js';
import {
  CLUSTERS_PK,
  clusterKey,
  clusterPartition,
  dependentKey,
  dependentsPartition,
  eventClaimKey,
  FLEET_EXTERNAL_SECRETS_PK,
  fleetExternalSecretKey,
  type ItemKey,
  ItemKind,
  leaseKey,
  SNAPSHOT_PREFIX,
  STATUS_PREFIX,
  STORES_PK,
  snapshotKey,
  statusKey,
  storeKey,
} from './item-keys.js';
import { absentCondition, newerSnapshotCondition } from './snapshot-conditions.js';
import { dueShardOf, STATE_TABLE_DESIGN } from './table-design.js';

type Item = Record<string, unknown>;

/** Transactions and conditional writes that lose to a concurrent writer are retried this often. */
const MAX_WRITE_ATTEMPTS = 8;
/** TransactWriteItems accepts at most 100 items. */
const MAX_TRANSACTION_ITEMS = 100;
/** BatchWriteItem accepts at most 25 requests. */
const MAX_BATCH_WRITE = 25;

const DEFAULT_PURGE_AFTER_MS = 24 * 60 * 60 * 1000;

export interface DynamoDbStateStoreOptions {
  client: DynamoDBClient;
  tableName: string;
  clock?: Clock;
  /**
   * How long expired leases and snapshot tombstones stay before TTL removes them. Correctness never
   * depends on TTL (conditions compare expiry times): it only keeps the table tidy.
   */
  purgeAfterMs?: number;
}

interface SnapshotItem extends Item {
  seq: number;
  gen: number;
  rvNum?: number;
  srcUid?: string;
  tomb?: boolean;
  doc?: DesiredSnapshot;
}

/**
 * The StateStore on one DynamoDB table (design in table-design.ts, access patterns in
 * docs/state-model.md). Every write that could race is conditional; no item holds a secret value.
 */
export class DynamoDbStateStore implements StateStore {
  readonly tableName: string;
  readonly #doc: DynamoDBDocumentClient;
  readonly #clock: Clock;
  readonly #purgeAfterMs: number;

  constructor({
    client,
    tableName,
    clock = systemClock,
    purgeAfterMs = DEFAULT_PURGE_AFTER_MS,
  }: DynamoDbStateStoreOptions) {
    this.tableName = tableName;
    this.#doc = DynamoDBDocumentClient.from(client, {
      marshallOptions: { removeUndefinedValues: true, convertClassInstanceToMap: false },
    });
    this.#clock = clock;
    this.#purgeAfterMs = purgeAfterMs;
  }

  // ---- clusters ----

  async putCluster(cluster: ClusterRecord): Promise<void> {
    validateCluster(cluster);
    await this.#put({
      ...clusterKey(cluster.clusterId),
      kind: ItemKind.cluster,
      clusterId: cluster.clusterId,
      doc: cluster,
    });
  }

  async getCluster(clusterId: string): Promise<ClusterRecord | undefined> {
    const item = await this.#get(clusterKey(clusterId));
    return item ? this.#docOf<ClusterRecord>(item) : undefined;
  }

  async listClusters(): Promise<ClusterRecord[]> {
    return this.#listCatalogue<ClusterRecord>(CLUSTERS_PK);
  }

  async patchClusterState(clusterId: string, patch: ClusterStatePatch): Promise<void> {
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
      if (!(await this.getCluster(clusterId))) throw new ClusterNotFoundError({ clusterId });
      return;
    }
    try {
      await this.#call(() =>
        this.#doc.send(
          new UpdateCommand({
            TableName: this.tableName,
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

  async deleteCluster(clusterId: string): Promise<void> {
    validateLeaseRequest(clusterId, 'delete');
    // The cluster item goes last: if this fails half-way the cluster stays registered and a retry
    // finishes the job (every step is idempotent).
    const items = await this.#queryAll({
      KeyConditionExpression: '#pk = :pk',
      ExpressionAttributeNames: { '#pk': 'pk' },
      ExpressionAttributeValues: { ':pk': clusterPartition(clusterId) },
      ConsistentRead: true,
    });
    const plainDeletes: ItemKey[] = [];
    for (const item of items) {
      if (item.kind === ItemKind.snapshot && !item.tomb) {
        await this.#removeSnapshot(this.#refOf(item), { tombstone: false });
      } else {
        plainDeletes.push({ pk: String(item.pk), sk: String(item.sk) });
      }
    }
    await this.#batchDelete(plainDeletes);
    await this.#delete(clusterKey(clusterId));
  }

  // ---- stores ----

  async putStore(store: SecretStore): Promise<void> {
    validateStore(store);
    await this.#put({
      ...storeKey(store.metadata.name),
      kind: ItemKind.store,
      name: store.metadata.name,
      doc: store,
    });
  }

  async getStore(name: string): Promise<SecretStore | undefined> {
    const item = await this.#get(storeKey(name));
    return item ? this.#docOf<SecretStore>(item) : undefined;
  }

  async listStores(): Promise<SecretStore[]> {
    return this.#listCatalogue<SecretStore>(STORES_PK);
  }

  async deleteStore(name: string): Promise<void> {
    await this.#delete(storeKey(name));
  }

  // ---- FleetExternalSecrets ----

  async putFleetExternalSecret(fes: FleetExternalSecret): Promise<void> {
    validateFleetExternalSecret(fes);
    const namespace = fleetExternalSecretNamespace(fes);
    await this.#put({
      ...fleetExternalSecretKey(namespace, fes.metadata.name),
      kind: ItemKind.fleetExternalSecret,
      namespace,
      name: fes.metadata.name,
      doc: fes,
    });
  }

  async getFleetExternalSecret(namespace: string, name: string): Promise<FleetExternalSecret | undefined> {
    const item = await this.#get(fleetExternalSecretKey(namespace, name));
    return item ? this.#docOf<FleetExternalSecret>(item) : undefined;
  }

  async listFleetExternalSecrets(): Promise<FleetExternalSecret[]> {
    return this.#listCatalogue<FleetExternalSecret>(FLEET_EXTERNAL_SECRETS_PK);
  }

  async deleteFleetExternalSecret(namespace: string, name: string): Promise<void> {
    await this.#delete(fleetExternalSecretKey(namespace, name));
  }

  // ---- snapshots and the reverse index ----

  async putSnapshot(snapshot: DesiredSnapshot): Promise<SnapshotWriteResult> {
    validateSnapshot(snapshot);
    const refs = uniqueRefs(snapshot.refs);
    const doc: DesiredSnapshot = { ...snapshot, refs };
    const order = snapshotOrder(snapshot);
    const key = snapshotKey(snapshot);
    let lastError: unknown;
    for (let attempt = 1; attempt <= MAX_WRITE_ATTEMPTS; attempt++) {
      const current = (await this.#get(key)) as SnapshotItem | undefined;
      if (isStaleSnapshot(order, current && storedOrder(current))) return 'stale';
      const previousRefs = current && !current.tomb ? this.#docOf<DesiredSnapshot>(current).refs : [];
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
          await this.#call(() =>
            this.#doc.send(new PutCommand({ TableName: this.tableName, Item: item, ...condition })),
          );
        } else if (1 + added.length + removed.length <= MAX_TRANSACTION_ITEMS) {
          await this.#transact([
            { Put: { TableName: this.tableName, Item: item, ...condition } },
            ...removed.map((r) => ({
              Delete: { TableName: this.tableName, Key: dependentKey(r, snapshot) },
            })),
            ...added.map((r) => ({
              Put: { TableName: this.tableName, Item: this.#dependentItem(r, snapshot) },
            })),
          ]);
        } else {
          // More changes than one transaction holds (only when a spec swaps most of a large ref list):
          // new entries first, then the snapshot with the removals. In between, the index is a
          // superset of the truth, which costs at most a redundant reconcile, never a missed one.
          await this.#transact([
            ...(current ? [{ ConditionCheck: { TableName: this.tableName, Key: key, ...condition } }] : []),
            ...added.map((r) => ({
              Put: { TableName: this.tableName, Item: this.#dependentItem(r, snapshot) },
            })),
          ]);
          await this.#transact([
            { Put: { TableName: this.tableName, Item: item, ...condition } },
            ...removed.map((r) => ({
              Delete: { TableName: this.tableName, Key: dependentKey(r, snapshot) },
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

  async getSnapshot(ref: ObjectRef): Promise<DesiredSnapshot | undefined> {
    validateObjectRef(ref);
    const item = await this.#get(snapshotKey(ref));
    return item && !item.tomb ? this.#docOf<DesiredSnapshot>(item) : undefined;
  }

  async listSnapshots(clusterId: string): Promise<DesiredSnapshot[]> {
    const items = await this.#queryPrefix(clusterId, SNAPSHOT_PREFIX);
    return items.filter((i) => !i.tomb).map((i) => this.#docOf<DesiredSnapshot>(i));
  }

  async deleteSnapshot(ref: ObjectRef): Promise<void> {
    validateObjectRef(ref);
    await this.#removeSnapshot(ref, { tombstone: true });
  }

  async findDependents(storeName: string, key: string): Promise<ObjectRef[]> {
    const items = await this.#queryAll({
      KeyConditionExpression: '#pk = :pk',
      ExpressionAttributeNames: { '#pk': 'pk' },
      ExpressionAttributeValues: { ':pk': dependentsPartition({ storeName, key }) },
    });
    return items.map((i) => this.#refOf(i)).sort(compareObjectRefs);
  }

  // ---- sync status ----

  async getStatus(ref: ObjectRef): Promise<SyncStatus | undefined> {
    validateObjectRef(ref);
    const item = await this.#get(statusKey(ref));
    return item ? this.#docOf<SyncStatus>(item) : undefined;
  }

  async listStatuses(clusterId: string): Promise<SyncStatus[]> {
    const items = await this.#queryPrefix(clusterId, STATUS_PREFIX);
    return items.map((i) => this.#docOf<SyncStatus>(i));
  }

  async putStatus(status: SyncStatus): Promise<void> {
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
      await this.#call(() =>
        this.#doc.send(new PutCommand({ TableName: this.tableName, Item: item, ...condition })),
      );
    } catch (err) {
      if (err instanceof ConditionalCheckFailedException) {
        throw new StatusConflictError({ ref: status, expectedVersion: status.version - 1 });
      }
      throw err;
    }
  }

  async deleteStatus(ref: ObjectRef): Promise<void> {
    validateObjectRef(ref);
    await this.#delete(statusKey(ref));
  }

  async listDue(before: Date, limit?: number): Promise<ObjectRef[]> {
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
        this.#queryAll(
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
      .map((i) => ({ ref: this.#refOf(i), at: Number(i[dueIndex.sortKey.name]) }))
      .sort((a, b) => a.at - b.at || compareObjectRefs(a.ref, b.ref));
    return (limit === undefined ? due : due.slice(0, limit)).map((d) => d.ref);
  }

  // ---- event de-duplication ----

  async claimEvent(key: string, ttlMs: number): Promise<boolean> {
    if (!key) throw new InvalidStateRecordError({ field: 'event key', problem: 'is empty' });
    const now = this.#clock.now().getTime();
    try {
      await this.#call(() =>
        this.#doc.send(
          new PutCommand({
            TableName: this.tableName,
            Item: {
              ...eventClaimKey(key),
              kind: 'eventClaim',
              expiresAtMs: now + ttlMs,
              // DynamoDB's TTL sweep is lazy: the condition below, not the sweep, decides expiry.
              [STATE_TABLE_DESIGN.timeToLiveAttribute]: Math.ceil((now + ttlMs) / 1000),
            },
            ConditionExpression: 'attribute_not_exists(#pk) OR #exp < :now',
            ExpressionAttributeNames: { '#pk': 'pk', '#exp': 'expiresAtMs' },
            ExpressionAttributeValues: { ':now': now },
          }),
        ),
      );
      return true;
    } catch (err) {
      if (err instanceof ConditionalCheckFailedException) return false;
      throw err;
    }
  }

  // ---- leases ----

  async acquireLease(
    clusterId: string,
    holder: string,
    ttlMs: number,
    scope: ReconcileScope,
  ): Promise<LeaseAcquireResult> {
    validateLeaseRequest(clusterId, holder, ttlMs);
    validateScope(scope, clusterId);
    for (let attempt = 1; attempt <= MAX_WRITE_ATTEMPTS; attempt++) {
      const now = this.#clock.now().getTime();
      const lease = await this.#tryTakeLease(clusterId, holder, ttlMs, scope, now);
      if (lease) return { acquired: true, lease };
      const held = await this.#foldIntoFollowUp(clusterId, holder, scope, now);
      if (held) return { acquired: false, heldBy: held.holder, expiresAt: held.expiresAt };
      // The lease expired or was released between the two calls: try to take it again.
    }
    throw new LeaseContentionError({ clusterId, attempts: MAX_WRITE_ATTEMPTS });
  }

  async renewLease(clusterId: string, holder: string, ttlMs: number): Promise<boolean> {
    validateLeaseRequest(clusterId, holder, ttlMs);
    const expiresAtMs = this.#clock.now().getTime() + ttlMs;
    try {
      await this.#call(() =>
        this.#doc.send(
          new UpdateCommand({
            TableName: this.tableName,
            Key: leaseKey(clusterId),
            UpdateExpression: 'SET #expiresAtMs = :exp, #expiresAt = :expIso, #purgeAt = :purge',
            ConditionExpression: 'attribute_exists(#pk) AND #holder = :holder',
            ExpressionAttributeNames: {
              '#pk': 'pk',
              '#holder': 'holder',
              '#expiresAtMs': 'expiresAtMs',
              '#expiresAt': 'expiresAt',
              '#purgeAt': STATE_TABLE_DESIGN.timeToLiveAttribute,
            },
            ExpressionAttributeValues: {
              ':holder': holder,
              ':exp': expiresAtMs,
              ':expIso': new Date(expiresAtMs).toISOString(),
              ':purge': this.#purgeAt(expiresAtMs),
            },
          }),
        ),
      );
      return true;
    } catch (err) {
      if (err instanceof ConditionalCheckFailedException) return false;
      throw err;
    }
  }

  async releaseLease(clusterId: string, holder: string): Promise<ReconcileScope | undefined> {
    validateLeaseRequest(clusterId, holder);
    try {
      // One conditional delete returns the folded follow-up and clears it: nothing folded in can be
      // lost between "read the follow-up" and "release".
      const out = await this.#call(() =>
        this.#doc.send(
          new DeleteCommand({
            TableName: this.tableName,
            Key: leaseKey(clusterId),
            ConditionExpression: '#holder = :holder',
            ExpressionAttributeNames: { '#holder': 'holder' },
            ExpressionAttributeValues: { ':holder': holder },
            ReturnValues: 'ALL_OLD',
          }),
        ),
      );
      return followUpOf(out.Attributes);
    } catch (err) {
      if (err instanceof ConditionalCheckFailedException) return undefined;
      throw err;
    }
  }

  // ---- internals ----

  async #tryTakeLease(
    clusterId: string,
    holder: string,
    ttlMs: number,
    scope: ReconcileScope,
    now: number,
  ): Promise<LeaseRecord | undefined> {
    const expiresAtMs = now + ttlMs;
    const expiresAt = new Date(expiresAtMs).toISOString();
    const names: Record<string, string> = {
      '#pk': 'pk',
      '#kind': 'kind',
      '#clusterId': 'clusterId',
      '#holder': 'holder',
      '#expiresAtMs': 'expiresAtMs',
      '#expiresAt': 'expiresAt',
      '#purgeAt': STATE_TABLE_DESIGN.timeToLiveAttribute,
    };
    const values: Record<string, unknown> = {
      ':kind': ItemKind.lease,
      ':clusterId': clusterId,
      ':holder': holder,
      ':exp': expiresAtMs,
      ':expIso': expiresAt,
      ':purge': this.#purgeAt(expiresAtMs),
      ':now': now,
    };
    let update =
      'SET #kind = :kind, #clusterId = :clusterId, #holder = :holder, #expiresAtMs = :exp, #expiresAt = :expIso, #purgeAt = :purge';
    // A pass that starts now covers whatever was folded in before it started.
    if (scope.kind === 'all') {
      names['#followAll'] = 'followAll';
      names['#followObjects'] = 'followObjects';
      update += ' REMOVE #followAll, #followObjects';
    } else if (scope.objects.length > 0) {
      names['#followObjects'] = 'followObjects';
      values[':mine'] = new Set(scope.objects.map(scopeObjectId));
      update += ' DELETE #followObjects :mine';
    }
    try {
      await this.#call(() =>
        this.#doc.send(
          new UpdateCommand({
            TableName: this.tableName,
            Key: leaseKey(clusterId),
            UpdateExpression: update,
            ConditionExpression: 'attribute_not_exists(#pk) OR #expiresAtMs <= :now OR #holder = :holder',
            ExpressionAttributeNames: names,
            ExpressionAttributeValues: values,
          }),
        ),
      );
      return { clusterId, holder, expiresAt };
    } catch (err) {
      if (err instanceof ConditionalCheckFailedException) return undefined;
      throw err;
    }
  }

  async #foldIntoFollowUp(
    clusterId: string,
    holder: string,
    scope: ReconcileScope,
    now: number,
  ): Promise<{ holder: string; expiresAt: string } | undefined> {
    const names: Record<string, string> = { '#pk': 'pk', '#holder': 'holder', '#expiresAtMs': 'expiresAtMs' };
    const values: Record<string, unknown> = { ':holder': holder, ':now': now };
    let update: string;
    if (scope.kind === 'all') {
      names['#followAll'] = 'followAll';
      names['#followObjects'] = 'followObjects';
      values[':true'] = true;
      update = 'SET #followAll = :true REMOVE #followObjects';
    } else if (scope.objects.length > 0) {
      names['#followObjects'] = 'followObjects';
      values[':objects'] = new Set(scope.objects.map(scopeObjectId));
      // ADD on a string set is an atomic union: concurrent folds never overwrite each other.
      update = 'ADD #followObjects :objects';
    } else {
      // Nothing to fold: only report who holds it.
      const lease = await this.#get(leaseKey(clusterId));
      if (!lease || lease.holder === holder || Number(lease.expiresAtMs) <= now) return undefined;
      return { holder: String(lease.holder), expiresAt: String(lease.expiresAt) };
    }
    try {
      const out = await this.#call(() =>
        this.#doc.send(
          new UpdateCommand({
            TableName: this.tableName,
            Key: leaseKey(clusterId),
            UpdateExpression: update,
            ConditionExpression: 'attribute_exists(#pk) AND #expiresAtMs > :now AND #holder <> :holder',
            ExpressionAttributeNames: names,
            ExpressionAttributeValues: values,
            ReturnValues: 'ALL_NEW',
          }),
        ),
      );
      const attrs = out.Attributes ?? {};
      return { holder: String(attrs.holder), expiresAt: String(attrs.expiresAt) };
    } catch (err) {
      if (err instanceof ConditionalCheckFailedException) return undefined;
      throw err;
    }
  }

  /** Deletes a snapshot and its index entries in one transaction, leaving a tombstone if asked. */
  async #removeSnapshot(ref: ObjectRef, { tombstone }: { tombstone: boolean }): Promise<void> {
    const key = snapshotKey(ref);
    let lastError: unknown;
    for (let attempt = 1; attempt <= MAX_WRITE_ATTEMPTS; attempt++) {
      const current = (await this.#get(key)) as SnapshotItem | undefined;
      if (!current || current.tomb) return;
      const refs = this.#docOf<DesiredSnapshot>(current).refs;
      const unchanged = {
        ConditionExpression: '#seq = :seq',
        ExpressionAttributeNames: { '#seq': 'seq' },
        ExpressionAttributeValues: { ':seq': current.seq },
      };
      const snapshotWrite = tombstone
        ? {
            Put: {
              TableName: this.tableName,
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
                [STATE_TABLE_DESIGN.timeToLiveAttribute]: this.#purgeAt(this.#clock.now().getTime()),
              },
              ...unchanged,
            },
          }
        : { Delete: { TableName: this.tableName, Key: key, ...unchanged } };
      try {
        await this.#transact([
          snapshotWrite,
          ...refs.map((r) => ({ Delete: { TableName: this.tableName, Key: dependentKey(r, ref) } })),
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

  #dependentItem(ref: RemoteKeyRef, object: ObjectRef): Item {
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

  #purgeAt(fromMs: number): number {
    return Math.ceil((fromMs + this.#purgeAfterMs) / 1000);
  }

  #docOf<T>(item: Item): T {
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

  #refOf(item: Item): ObjectRef {
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

  async #get(key: ItemKey): Promise<Item | undefined> {
    // Strongly consistent: callers read-modify-write, and a stale read only earns a conflict.
    const out = await this.#call(() =>
      this.#doc.send(new GetCommand({ TableName: this.tableName, Key: key, ConsistentRead: true })),
    );
    return out.Item;
  }

  async #put(item: Item): Promise<void> {
    await this.#call(() => this.#doc.send(new PutCommand({ TableName: this.tableName, Item: item })));
  }

  async #delete(key: ItemKey): Promise<void> {
    await this.#call(() => this.#doc.send(new DeleteCommand({ TableName: this.tableName, Key: key })));
  }

  async #queryPrefix(clusterId: string, prefix: string): Promise<Item[]> {
    return this.#queryAll({
      KeyConditionExpression: '#pk = :pk AND begins_with(#sk, :prefix)',
      ExpressionAttributeNames: { '#pk': 'pk', '#sk': 'sk' },
      ExpressionAttributeValues: { ':pk': clusterPartition(clusterId), ':prefix': prefix },
      ConsistentRead: true,
    });
  }

  /** Follows pagination until done, or until `limit` items were collected. */
  async #queryAll(
    input: Omit<QueryCommandInput, 'TableName' | 'ExclusiveStartKey'>,
    limit?: number,
  ): Promise<Item[]> {
    const items: Item[] = [];
    let start: Record<string, unknown> | undefined;
    do {
      const out = await this.#call(() =>
        this.#doc.send(
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

  async #transact(items: NonNullable<TransactWriteCommandInput['TransactItems']>): Promise<void> {
    await this.#call(() => this.#doc.send(new TransactWriteCommand({ TransactItems: items })));
  }

  async #batchDelete(keys: ItemKey[]): Promise<void> {
    for (let i = 0; i < keys.length; i += MAX_BATCH_WRITE) {
      let requests: NonNullable<ConstructorParameters<typeof BatchWriteCommand>[0]['RequestItems']>[string] =
        keys.slice(i, i + MAX_BATCH_WRITE).map((k) => ({ DeleteRequest: { Key: k } }));
      for (let attempt = 1; requests.length > 0; attempt++) {
        const out = await this.#call(() =>
          this.#doc.send(new BatchWriteCommand({ RequestItems: { [this.tableName]: requests } })),
        );
        requests = out.UnprocessedItems?.[this.tableName] ?? [];
        if (requests.length > 0) await sleep(backoffMs(attempt));
      }
    }
  }

  /** Every SDK call goes through here so a missing table is reported as such, naming it. */
  /** Every record of one catalogue partition (clusters, stores, FleetExternalSecrets). */
  async #listCatalogue<T>(pk: string): Promise<T[]> {
    const items = await this.#queryAll({
      KeyConditionExpression: '#pk = :pk',
      ExpressionAttributeNames: { '#pk': 'pk' },
      ExpressionAttributeValues: { ':pk': pk },
    });
    return items.map((i) => this.#docOf<T>(i));
  }

  async #call<T>(request: () => Promise<T>): Promise<T> {
    try {
      return await request();
    } catch (err) {
      if (err instanceof ResourceNotFoundException) {
        throw new StateTableNotFoundError({ tableName: this.tableName, cause: err });
      }
      throw err;
    }
  }
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

function isWriteRace(err: unknown): boolean {
  if (err instanceof ConditionalCheckFailedException) return true;
  if (err instanceof Error && err.name === 'TransactionCanceledException') {
    const reasons = (err as { CancellationReasons?: Array<{ Code?: string }> }).CancellationReasons ?? [];
    return reasons.some((r) => r.Code === 'ConditionalCheckFailed' || r.Code === 'TransactionConflict');
  }
  return err instanceof Error && err.name === 'TransactionConflictException';
}

/** Full jitter, capped: racing writers spread out instead of colliding again. */
const WRITE_RACE_BACKOFF: BackoffPolicy = { initialMs: 10, maxMs: 200, jitter: 'full' };

function backoffMs(attempt: number): number {
  return backoffDelay(WRITE_RACE_BACKOFF, attempt + 1);
}

function followUpOf(attributes: Item | undefined): ReconcileScope | undefined {
  if (!attributes) return undefined;
  const objects = attributes.followObjects;
  return followUpScope(attributes.followAll === true, objects instanceof Set ? (objects as Set<string>) : []);
}
