/**
 * What each object must read, checked against each store's access policy before a single value is
 * fetched; then the reads of every object of the pass go out as one batch through the pass's
 * coalescing reader (one provider call per store).
 */
import { planReads, type ReadPlan } from '../domain/plan.js';
import { allowedKeyPrefixes, checkAccess, checkKeyAccess, checkReaderAccess } from '../domain/policy.js';
import type { DesiredSnapshot } from '../domain/records.js';
import { reservedPrefixOf } from '../domain/reserved-keys.js';
import type { FindQuery, ReadResult } from '../ports/secret-provider.js';
import { AccessDeniedByPolicyError, ObjectSyncError, StoreNotFoundError } from './errors.js';
import { type DesiredItem, type PassContext, storeOf } from './pass-context.js';

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

type PlannedReads = Omit<ObjectReads, 'results'>;

/** An object with its reads in flight, or the reason it cannot read anything (policy, store, find). */
export type ObjectWithReads =
  | { item: DesiredItem; reads: ObjectReads }
  | { item: DesiredItem; error: unknown };

/** Plans every object (store policies, finds), then sends all their reads as one batch. */
export async function readForObjects(ctx: PassContext, items: DesiredItem[]): Promise<ObjectWithReads[]> {
  const planned = await Promise.all(
    items.map(
      async (
        item,
      ): Promise<{ item: DesiredItem; planned: PlannedReads } | { item: DesiredItem; error: unknown }> => {
        try {
          return { item, planned: await planObjectReads(ctx, item.snapshot) };
        } catch (error) {
          return { item, error };
        }
      },
    ),
  );
  const batch = ctx.reader.batch();
  const started = planned.map(
    (p): ObjectWithReads =>
      'planned' in p
        ? { item: p.item, reads: { ...p.planned, results: batch.readMany(p.planned.plan.reads) } }
        : p,
  );
  batch.send();
  return started;
}

/** Plans one object's reads, checks access and runs the spec's finds; reads no value yet. */
async function planObjectReads(ctx: PassContext, snapshot: DesiredSnapshot): Promise<PlannedReads> {
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
      const listed = (
        within?.length === 0
          ? []
          : await ctx.reader.find(f.storeName, { ...f.query, ...(within ? { within } : {}) })
      ).filter(
        // A broad find lists the control plane's own secrets too: they are no tenant's keys, so
        // they are left out silently (checkAccess would refuse each one).
        (k) => reservedPrefixOf(k) === undefined,
      );
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
  return { plan, findResults, skippedByPolicy };
}
