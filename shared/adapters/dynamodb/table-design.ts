/**
 * The one definition of the state table: the CDK construct and the adapter (and createTable for
 * tests and dev) all read these names, so the deployed table and the code cannot drift apart.
 * docs/state-model.md explains every item type and the query behind every access pattern.
 */
import { createHash } from 'node:crypto';

export type KeyAttributeType = 'S' | 'N';

export interface KeyAttribute {
  name: string;
  type: KeyAttributeType;
}

export const STATE_TABLE_DESIGN = {
  partitionKey: { name: 'pk', type: 'S' },
  sortKey: { name: 'sk', type: 'S' },
  billingMode: 'PAY_PER_REQUEST',
  /** Epoch seconds; DynamoDB TTL removes expired leases and snapshot tombstones (within ~2 days). */
  timeToLiveAttribute: 'purgeAt',
  dueIndex: {
    indexName: 'due',
    partitionKey: { name: 'dueShard', type: 'N' },
    sortKey: { name: 'dueAtMs', type: 'N' },
    /** Only what listDue returns: the index stays small and never holds status details. */
    projectionType: 'INCLUDE',
    nonKeyAttributes: ['clusterId', 'namespace', 'name'],
  },
  /**
   * Status items spread over this many due-index partitions so the fleet-wide "due before T" query
   * scales past one partition's throughput; listDue queries every shard in parallel. Changing it
   * means rewriting the status items (each carries its shard), so it is a constant, not a setting.
   */
  dueShardCount: 16,
} as const satisfies {
  partitionKey: KeyAttribute;
  sortKey: KeyAttribute;
  billingMode: 'PAY_PER_REQUEST';
  timeToLiveAttribute: string;
  dueIndex: {
    indexName: string;
    partitionKey: KeyAttribute;
    sortKey: KeyAttribute;
    projectionType: 'INCLUDE';
    nonKeyAttributes: readonly string[];
  };
  dueShardCount: number;
};

/** Every attribute the key schema and the due index name, with its type (CreateTable needs them). */
export const STATE_TABLE_KEY_ATTRIBUTES: readonly KeyAttribute[] = [
  STATE_TABLE_DESIGN.partitionKey,
  STATE_TABLE_DESIGN.sortKey,
  STATE_TABLE_DESIGN.dueIndex.partitionKey,
  STATE_TABLE_DESIGN.dueIndex.sortKey,
];

/** The shard of an object's status in the due index: a stable hash, so rewrites keep their shard. */
export function dueShardOf(
  ref: { clusterId: string; namespace: string; name: string },
  shardCount: number = STATE_TABLE_DESIGN.dueShardCount,
): number {
  const digest = createHash('sha256')
    .update(`${ref.clusterId}\u0000${ref.namespace}\u0000${ref.name}`)
    .digest();
  return digest.readUInt32BE(0) % shardCount;
}
