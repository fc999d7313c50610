import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { DeleteCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { LeaseRecord, ReconcileScope } from '../../domain/records.js';
import type { LeaseAcquireResult } from '../../ports/state-store.js';
import { LeaseContentionError } from '../../ports/state-store-errors.js';
import { followUpScope, scopeObjectId, validateLeaseRequest, validateScope } from '../state-store-rules.js';
import { ItemKind, leaseKey } from './item-keys.js';
import { type Item, MAX_WRITE_ATTEMPTS, type StateTable } from './state-table.js';
import { STATE_TABLE_DESIGN } from './table-design.js';

export async function acquireLease(
  t: StateTable,
  clusterId: string,
  holder: string,
  ttlMs: number,
  scope: ReconcileScope,
): Promise<LeaseAcquireResult> {
  validateLeaseRequest(clusterId, holder, ttlMs);
  validateScope(scope, clusterId);
  for (let attempt = 1; attempt <= MAX_WRITE_ATTEMPTS; attempt++) {
    const now = t.clock.now().getTime();
    const lease = await tryTakeLease(t, clusterId, holder, ttlMs, scope, now);
    if (lease) return { acquired: true, lease };
    const held = await foldIntoFollowUp(t, clusterId, holder, scope, now);
    if (held) return { acquired: false, heldBy: held.holder, expiresAt: held.expiresAt };
    // The lease expired or was released between the two calls: try to take it again.
  }
  throw new LeaseContentionError({ clusterId, attempts: MAX_WRITE_ATTEMPTS });
}

export async function renewLease(
  t: StateTable,
  clusterId: string,
  holder: string,
  ttlMs: number,
): Promise<boolean> {
  validateLeaseRequest(clusterId, holder, ttlMs);
  const expiresAtMs = t.clock.now().getTime() + ttlMs;
  try {
    await t.call(() =>
      t.doc.send(
        new UpdateCommand({
          TableName: t.tableName,
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
            ':purge': t.purgeAt(expiresAtMs),
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

export async function releaseLease(
  t: StateTable,
  clusterId: string,
  holder: string,
): Promise<ReconcileScope | undefined> {
  validateLeaseRequest(clusterId, holder);
  try {
    // One conditional delete returns the folded follow-up and clears it: nothing folded in can be
    // lost between "read the follow-up" and "release".
    const out = await t.call(() =>
      t.doc.send(
        new DeleteCommand({
          TableName: t.tableName,
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

async function tryTakeLease(
  t: StateTable,
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
    ':purge': t.purgeAt(expiresAtMs),
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
    await t.call(() =>
      t.doc.send(
        new UpdateCommand({
          TableName: t.tableName,
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

async function foldIntoFollowUp(
  t: StateTable,
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
    const lease = await t.get(leaseKey(clusterId));
    if (!lease || lease.holder === holder || Number(lease.expiresAtMs) <= now) return undefined;
    return { holder: String(lease.holder), expiresAt: String(lease.expiresAt) };
  }
  try {
    const out = await t.call(() =>
      t.doc.send(
        new UpdateCommand({
          TableName: t.tableName,
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

function followUpOf(attributes: Item | undefined): ReconcileScope | undefined {
  if (!attributes) return undefined;
  const objects = attributes.followObjects;
  return followUpScope(attributes.followAll === true, objects instanceof Set ? (objects as Set<string>) : []);
}
