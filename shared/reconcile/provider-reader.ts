import { findLabel } from '../domain/plan.js';
import { ProviderError, StoreConfigError } from '../domain/provider-errors.js';
import type {
  FindQuery,
  ReadContext,
  ReadRequest,
  ReadResult,
  SecretProvider,
  SecretProviderFactory,
} from '../ports/secret-provider.js';

export interface ProviderReaderOptions {
  factory: SecretProviderFactory;
  /** Who this pass reads for; every provider call carries it (assumed-role session names). */
  context: ReadContext;
}

export interface ProviderReaderStats {
  /** `read` calls made. */
  requests: number;
  /** Requests answered by a fetch this pass already made or has in flight. */
  hits: number;
  /** Distinct (store, key, version) fetched. */
  misses: number;
  /** `provider.read` calls: one per store per batch, however many keys it carries. */
  calls: number;
  finds: number;
  findHits: number;
  /** API calls the providers made during this pass, by store then operation. */
  providerCalls: Record<string, Record<string, number>>;
}

interface Queued {
  request: ReadRequest;
  resolve: (result: ReadResult) => void;
}

interface Entry {
  result: Promise<ReadResult>;
  withMetadata: boolean;
  /** Its batch has not gone out yet: a later caller may widen it to fetch tags too. */
  queued: Queued | undefined;
}

interface StoreHandle {
  provider: Promise<SecretProvider>;
  /** Set once the factory answered. */
  resolved?: SecretProvider;
  /** The provider's call counts when this pass first used it: providers outlive passes. */
  baseline: Readonly<Record<string, number>>;
}

/** Reads collected for one dispatch: nothing goes out until `send`, then one provider call per store. */
export interface ReadBatch {
  read(storeName: string, request: ReadRequest): Promise<ReadResult>;
  readMany(reads: Array<{ storeName: string; request: ReadRequest }>): Promise<ReadResult[]>;
  /** Dispatches the collected reads; the promises of the batch settle as their stores answer. */
  send(): void;
}

/**
 * The reads of one reconcile pass: each distinct (store, key, version) is fetched once however
 * many ExternalSecrets, namespaces and clusters ask, and the reads of one batch go to each store's
 * provider as one call (which the provider chunks into its own batch calls). A pass collects the
 * reads of every object it renders into one batch and sends it. Results, failures included, hold
 * for the rest of the pass: a fresh pass builds a fresh reader.
 */
export class ProviderReader {
  readonly #factory: SecretProviderFactory;
  readonly #context: ReadContext;
  readonly #entries = new Map<string, Entry>();
  readonly #finds = new Map<string, Promise<string[]>>();
  readonly #stores = new Map<string, StoreHandle>();
  readonly #stats = { requests: 0, hits: 0, misses: 0, calls: 0, finds: 0, findHits: 0 };

  constructor({ factory, context }: ProviderReaderOptions) {
    this.#factory = factory;
    this.#context = context;
  }

  /** One read, sent at once (a batch of one). */
  read(storeName: string, request: ReadRequest): Promise<ReadResult> {
    return this.readMany([{ storeName, request }]).then((results) => results[0] as ReadResult);
  }

  /** These reads as one batch, sent at once. */
  readMany(reads: Array<{ storeName: string; request: ReadRequest }>): Promise<ReadResult[]> {
    const batch = this.batch();
    const results = batch.readMany(reads);
    batch.send();
    return results;
  }

  batch(): ReadBatch {
    const queue = new Map<string, Queued[]>();
    let sent = false;
    const read = (storeName: string, request: ReadRequest) => {
      if (sent) throw new Error('this read batch was already sent');
      return this.#enqueue(queue, storeName, request);
    };
    return {
      read,
      readMany: (reads) => Promise.all(reads.map(({ storeName, request }) => read(storeName, request))),
      send: () => {
        if (sent) return;
        sent = true;
        for (const [storeName, items] of queue) void this.#flushStore(storeName, items);
      },
    };
  }

  #enqueue(queue: Map<string, Queued[]>, storeName: string, request: ReadRequest): Promise<ReadResult> {
    this.#stats.requests++;
    const id = JSON.stringify([storeName, request.key, request.version ?? '']);
    const existing = this.#entries.get(id);
    if (existing && (existing.withMetadata || !request.fetchMetadata || existing.queued)) {
      this.#stats.hits++;
      if (request.fetchMetadata && !existing.withMetadata && existing.queued) {
        existing.queued.request = { ...existing.queued.request, fetchMetadata: true };
        existing.withMetadata = true;
      }
      return existing.result.then((result) => forRequest(result, request));
    }
    // New, or known without the tags this caller needs: fetch (again).
    this.#stats.misses++;
    let resolve!: (result: ReadResult) => void;
    const result = new Promise<ReadResult>((r) => {
      resolve = r;
    });
    const queued: Queued = { request: { ...request }, resolve };
    this.#entries.set(id, { result, withMetadata: !!request.fetchMetadata, queued });
    const forStore = queue.get(storeName) ?? [];
    forStore.push(queued);
    queue.set(storeName, forStore);
    return result.then((r) => forRequest(r, request));
  }

  /** Keys matching a dataFrom.find query, listed once per pass per (store, query). */
  find(storeName: string, query: FindQuery): Promise<string[]> {
    this.#stats.finds++;
    const id = JSON.stringify([
      storeName,
      query.path ?? '',
      query.nameRegexp ?? '',
      sortedTags(query.tags),
      query.within ?? null,
    ]);
    const existing = this.#finds.get(id);
    if (existing) {
      this.#stats.findHits++;
      return existing;
    }
    const found = this.#store(storeName)
      .provider.then((provider) => provider.find(query, this.#context))
      .catch((err: unknown) => {
        throw asProviderError(err, storeName, findLabel(query));
      });
    this.#finds.set(id, found);
    return found;
  }

  stats(): ProviderReaderStats {
    const providerCalls: Record<string, Record<string, number>> = {};
    for (const [storeName, handle] of this.#stores) {
      const now = handle.resolved?.callCounts?.() ?? {};
      const delta: Record<string, number> = {};
      for (const [op, n] of Object.entries(now)) {
        const d = n - (handle.baseline[op] ?? 0);
        if (d > 0) delta[op] = d;
      }
      providerCalls[storeName] = delta;
    }
    return { ...this.#stats, providerCalls };
  }

  async #flushStore(storeName: string, items: Queued[]): Promise<void> {
    const requests = items.map((item) => item.request);
    for (const item of items) {
      const entry = this.#entries.get(
        JSON.stringify([storeName, item.request.key, item.request.version ?? '']),
      );
      if (entry?.queued === item) entry.queued = undefined;
    }
    this.#stats.calls++;
    let results: ReadResult[];
    try {
      const provider = await this.#store(storeName).provider;
      results = await provider.read(requests, this.#context);
    } catch (err) {
      results = requests.map((request) => ({
        ok: false,
        request,
        error: asProviderError(err, storeName, request.key),
      }));
    }
    items.forEach((item, i) => {
      const result = results[i];
      item.resolve(
        result ?? {
          ok: false,
          request: item.request,
          error: new ProviderError({
            code: 'Unavailable',
            storeName,
            key: item.request.key,
            detail: 'the provider returned no result for this key',
          }),
        },
      );
    });
  }

  #store(storeName: string): StoreHandle {
    const existing = this.#stores.get(storeName);
    if (existing) return existing;
    const handle: StoreHandle = { provider: this.#factory.forStore(storeName), baseline: {} };
    handle.provider.then(
      (provider) => {
        handle.baseline = provider.callCounts?.() ?? {};
        handle.resolved = provider;
      },
      () => undefined,
    );
    this.#stores.set(storeName, handle);
    return handle;
  }
}

/** A shared result, addressed to the caller's own request. */
function forRequest(result: ReadResult, request: ReadRequest): ReadResult {
  return { ...result, request };
}

function sortedTags(tags: Record<string, string> | undefined): Array<[string, string]> {
  return Object.entries(tags ?? {}).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
}

/** A failure that is not already a ProviderError: a misconfigured store is permanent, anything else transient. */
function asProviderError(err: unknown, storeName: string, key: string): ProviderError {
  if (err instanceof ProviderError) return err;
  if (err instanceof StoreConfigError) {
    return new ProviderError({ code: 'InvalidRequest', storeName, key, detail: err.message });
  }
  const name = err instanceof Error ? err.name : 'unknown error';
  return new ProviderError({ code: 'Unavailable', storeName, key, detail: `the provider failed (${name})` });
}
