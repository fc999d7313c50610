/**
 * The condition expressions that make snapshot writes safe in DynamoDB itself: the ordering rule of
 * isStaleSnapshot (state-store-rules.ts), plus "unchanged since read".
 */
import type { SnapshotOrder } from '../state-store-rules.js';

export function absentCondition() {
  return { ConditionExpression: 'attribute_not_exists(#pk)', ExpressionAttributeNames: { '#pk': 'pk' } };
}

/**
 * The same ordering rule as isStaleSnapshot, enforced by DynamoDB, plus "unchanged since read"
 * (`seq`), which is what keeps the reverse-index diff computed from that read correct.
 */
export function newerSnapshotCondition(order: SnapshotOrder, seq: number) {
  const names: Record<string, string> = { '#seq': 'seq', '#gen': 'gen', '#tomb': 'tomb' };
  const values: Record<string, unknown> = { ':seq': seq, ':gen': order.generation };
  let uidDiffers = '';
  if (order.uid !== undefined) {
    names['#uid'] = 'srcUid';
    values[':uid'] = order.uid;
    uidDiffers = ' OR (attribute_exists(#uid) AND #uid <> :uid)';
  }
  let live: string;
  let tomb: string;
  if (order.resourceVersion !== undefined) {
    names['#rv'] = 'rvNum';
    values[':rv'] = order.resourceVersion;
    live = `(#rv <= :rv OR (attribute_not_exists(#rv) AND (#gen <= :gen${uidDiffers})))`;
    tomb = '(attribute_not_exists(#rv) OR #rv < :rv)';
  } else {
    live = `(#gen <= :gen${uidDiffers})`;
    tomb = 'attribute_exists(#tomb)';
  }
  return {
    ConditionExpression: `#seq = :seq AND ((attribute_not_exists(#tomb) AND ${live}) OR (attribute_exists(#tomb) AND ${tomb}))`,
    ExpressionAttributeNames: names,
    ExpressionAttributeValues: values,
  };
}
