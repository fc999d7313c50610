/**
 * What one object must read, checked against each store's access policy before a single value is
 * fetched, and the reads put in flight through the pass's coalescing reader.
 */
import { planReads, type ReadPlan } from '../domain/plan.js';
import { allowedKeyPrefixes, checkAccess, checkKeyAccess, checkReaderAccess } from '../domain/policy.js';
import type { DesiredSnapshot } from '../domain/records.js';
import type { FindQuery, ReadResult } from '../ports/secret-provider.js';
import { AccessDeniedByPolicyError, ObjectSyncError, StoreNotFoundError } from './errors.js';
import { type PassContext, storeOf } from './pass-context.js';

export interface ObjectReads {
  plan: ReadPlan;
  /** The keys each dataFrom.find of the spec listed this pass. */
  findResults: (storeName: string, query: FindQuery) => string[] | undefined;
  /** In plan.reads order. */
  results: Promise<ReadResult[]>;
  /** Keys the finds listed that the store's policy does not allow: dropped, and only counted. */
  skippedByPolicy: number;
}

async function requireStore(ctx: PassContext, storeName: string) {
  const store = await storeOf(ctx, storeName);
  if (!store) throw new StoreNotFoundError(storeName);
  return store;
}

async function assertAllowed(ctx: PassContext, snapshot: DesiredSnapshot, storeName: string, key: string) {
  const store = await requireStore(ctx, storeName);
  const decision = checkAccess(store, ctx.record, snapshot.namespace, key);
  if (!decision.allowed) throw new AccessDeniedByPolicyError(decision.reason);
}

function findId(storeName: string, query: FindQuery): string {
  return JSON.stringify([storeName, query.path ?? null, query.nameRegexp ?? null, query.tags ?? null]);
}

/**
 * Plans, checks access, runs the spec's finds, then starts every read without waiting for them:
 * the reads of all objects prepared in the same turn go to their stores as one batch.
 */
export async function planObjectReads(ctx: PassContext, snapshot: DesiredSnapshot): Promise<ObjectReads> {
  const defaultStore = ctx.deps.defaultStore;
  const first = planReads(snapshot.spec, defaultStore ? { defaultStore } : {});
  if (first.unresolved.length > 0) {
    throw new ObjectSyncError(
      'RenderError',
      `${first.unresolved.join(', ')}: no secretStoreRef and no default store`,
    );
  }
  for (const r of first.reads) await assertAllowed(ctx, snapshot, r.storeName, r.request.key);
  const found = new Map<string, string[]>();
  let skippedByPolicy = 0;
  await Promise.all(
    first.finds.map(async (f) => {
      const store = await requireStore(ctx, f.storeName);
      const reader = checkReaderAccess(store, ctx.record, snapshot.namespace);
      if (!reader.allowed) throw new AccessDeniedByPolicyError(reader.reason);
      const within = allowedKeyPrefixes(store);
      const listed =
        within?.length === 0
          ? []
          : await ctx.reader.find(f.storeName, { ...f.query, ...(within ? { within } : {}) });
      // A find is a question about what this namespace may read: keys outside the policy are not
      // an error, and their names (other tenants' secrets) must reach no status, Event or log.
      const keys = listed.filter((key) => checkKeyAccess(store, key).allowed);
      skippedByPolicy += listed.length - keys.length;
      found.set(findId(f.storeName, f.query), keys);
    }),
  );
  const findResults = (storeName: string, query: FindQuery) => found.get(findId(storeName, query));
  const plan =
    first.finds.length > 0
      ? planReads(snapshot.spec, { ...(defaultStore ? { defaultStore } : {}), findResults })
      : first;
  return { plan, findResults, results: Promise.resolve([]), skippedByPolicy };
}

/** Puts the planned reads in flight (synchronously, so a loop over objects forms one batch). */
export function startReads(ctx: PassContext, reads: ObjectReads): ObjectReads {
  return { ...reads, results: ctx.reader.readMany(reads.plan.reads) };
}
