import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { PutCommand } from '@aws-sdk/lib-dynamodb';
import { InvalidStateRecordError } from '../../ports/state-store-errors.js';
import { eventClaimKey } from './item-keys.js';
import type { StateTable } from './state-table.js';
import { STATE_TABLE_DESIGN } from './table-design.js';

export async function claimEvent(t: StateTable, key: string, ttlMs: number): Promise<boolean> {
  if (!key) throw new InvalidStateRecordError({ field: 'event key', problem: 'is empty' });
  const now = t.clock.now().getTime();
  try {
    await t.call(() =>
      t.doc.send(
        new PutCommand({
          TableName: t.tableName,
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
