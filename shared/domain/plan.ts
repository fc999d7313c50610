import { compileGoRegexp, findNameMatches } from '../go-compat/regexp/regexp.js';
import type { FindQuery, ReadRequest } from './provider-requests.js';
import type { RemoteKeyRef } from './records.js';
import type { ExternalSecretSpec, FindRef, RemoteRef, StoreRef } from './schema.js';

export interface PlannedRead {
  storeName: string;
  request: ReadRequest;
}

export interface PlannedFind {
  storeName: string;
  query: FindQuery;
}

export interface ReadPlan {
  /** Distinct reads (same store, key, version and metadata flag only once). */
  reads: PlannedRead[];
  finds: PlannedFind[];
  /** What the object depends on, for the reverse index: exact keys and `find:<query-id>`. */
  refs: RemoteKeyRef[];
  /** Field paths of entries that name no store while no default store is configured. */
  unresolved: string[];
}

export interface PlanOptions {
  /** The control plane's default store, used when neither the entry nor the spec names one. */
  defaultStore?: string;
  /**
   * Results of the finds of an earlier plan: when given, the reads of every key found are
   * planned too (a reconcile pass runs finds first, then plans again with their results).
   */
  findResults?: (storeName: string, query: FindQuery) => string[] | undefined;
}

/** What a reconcile pass must fetch to render `spec`, and the remote refs it depends on. */
export function planReads(spec: ExternalSecretSpec, opts: PlanOptions = {}): ReadPlan {
  const reads = new Map<string, PlannedRead>();
  const finds = new Map<string, PlannedFind>();
  const refs = new Map<string, RemoteKeyRef>();
  const unresolved: string[] = [];

  const addRead = (storeName: string, request: ReadRequest) => {
    reads.set(readRequestKey(storeName, request), { storeName, request });
    refs.set(`${storeName}\u0000${request.key}`, { storeName, key: request.key });
  };

  (spec.data ?? []).forEach((item, i) => {
    const storeName = resolveStoreName(item.sourceRef?.storeRef, spec, opts.defaultStore);
    if (storeName === undefined) unresolved.push(`spec.data[${i}]`);
    else addRead(storeName, toReadRequest(item.remoteRef));
  });
  (spec.dataFrom ?? []).forEach((item, i) => {
    const storeName = resolveStoreName(item.sourceRef?.storeRef, spec, opts.defaultStore);
    if (storeName === undefined) {
      unresolved.push(`spec.dataFrom[${i}]`);
      return;
    }
    if (item.extract) addRead(storeName, toReadRequest(item.extract));
    if (item.find) {
      const query = toFindQuery(item.find);
      const id = findQueryId(query);
      finds.set(`${storeName}\u0000${id}`, { storeName, query });
      refs.set(`${storeName}\u0000${id}`, { storeName, key: id });
      for (const key of opts.findResults?.(storeName, query) ?? []) addRead(storeName, { key });
    }
  });

  return {
    reads: [...reads.values()],
    finds: [...finds.values()],
    refs: [...refs.values()].sort((a, b) => compare(a.storeName, b.storeName) || compare(a.key, b.key)),
    unresolved,
  };
}

/** The entry's own store, else the spec's, else the default. */
export function resolveStoreName(
  entryStore: StoreRef | undefined,
  spec: ExternalSecretSpec,
  defaultStore: string | undefined,
): string | undefined {
  return entryStore?.name ?? spec.secretStoreRef?.name ?? defaultStore;
}

export function toReadRequest(ref: RemoteRef): ReadRequest {
  const request: ReadRequest = { key: ref.key };
  if (ref.version !== undefined) request.version = ref.version;
  if (ref.metadataPolicy === 'Fetch') request.fetchMetadata = true;
  return request;
}

export function toFindQuery(find: FindRef): FindQuery {
  const query: FindQuery = {};
  if (find.path !== undefined) query.path = find.path;
  if (find.name !== undefined) query.nameRegexp = find.name.regexp;
  if (find.tags !== undefined) query.tags = find.tags;
  return query;
}

/** Identity of a read for coalescing: one provider call per distinct value of this. */
export function readRequestKey(storeName: string, r: ReadRequest): string {
  return JSON.stringify([storeName, r.key, r.version ?? null, r.fetchMetadata === true]);
}

export const FIND_REF_PREFIX = 'find:';

/** `find:{"nameRegexp":"^db-","path":"app/","tags":{"team":"a"}}` with keys in a fixed order. */
export function findQueryId(query: FindQuery): string {
  const canonical: Record<string, unknown> = {};
  if (query.nameRegexp !== undefined) canonical.nameRegexp = query.nameRegexp;
  if (query.path !== undefined) canonical.path = query.path;
  if (query.tags !== undefined) {
    canonical.tags = Object.fromEntries(Object.entries(query.tags).sort(([a], [b]) => compare(a, b)));
  }
  return `${FIND_REF_PREFIX}${JSON.stringify(canonical)}`;
}

/**
 * How errors name a find: the query as the spec wrote it. The reader's allowed prefixes (`within`)
 * are left out: they are the store's policy, not something the object asked for.
 */
export function findLabel(query: FindQuery): string {
  const { within: _policy, ...asked } = query;
  return `find(${JSON.stringify(asked)})`;
}

/** The query behind a `find:` ref, or undefined for an exact-key ref. */
export function parseFindQueryId(ref: string): FindQuery | undefined {
  if (!ref.startsWith(FIND_REF_PREFIX)) return undefined;
  try {
    const parsed = JSON.parse(ref.slice(FIND_REF_PREFIX.length)) as FindQuery;
    return typeof parsed === 'object' && parsed !== null ? parsed : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Could `key` be among the results of `query`? The rotation fan-out asks this of every `find:` ref
 * in the reverse index, so a secret created or rotated under a find's path reaches the objects
 * that find it. Tags are checked only when known; when unsure the answer is yes (one redundant
 * reconcile is cheap, a missed rotation is not).
 */
export function findQueryMayMatch(query: FindQuery, key: string, tags?: Record<string, string>): boolean {
  if (query.path !== undefined && !key.startsWith(query.path)) return false;
  if (query.nameRegexp !== undefined) {
    const re = compileGoRegexp(query.nameRegexp);
    if (re && !findNameMatches(re, key)) return false;
  }
  if (query.tags !== undefined && tags !== undefined) {
    for (const [k, v] of Object.entries(query.tags)) if (tags[k] !== v) return false;
  }
  return true;
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
