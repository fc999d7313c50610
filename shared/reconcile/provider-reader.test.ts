import { describe, expect, it } from 'vitest';
import { ProviderError, StoreConfigError } from '../domain/provider-errors.js';
import type {
  FindQuery,
  ReadContext,
  ReadRequest,
  ReadResult,
  SecretProvider,
} from '../ports/secret-provider.js';
import { ProviderReader } from './provider-reader.js';

/** A provider that records every batch and answers each key with its name (missing-* keys fail). */
function recordingProvider(storeName: string, batchSize = 20) {
  const batches: ReadRequest[][] = [];
  const contexts: ReadContext[] = [];
  let apiCalls = 0;
  let finds = 0;
  const provider: SecretProvider = {
    storeName,
    async read(requests, ctx) {
      batches.push(requests.map((r) => ({ ...r })));
      contexts.push(ctx);
      const distinct = new Set(requests.map((r) => `${r.key}@${r.version ?? ''}`)).size;
      apiCalls += Math.ceil(distinct / batchSize);
      return requests.map((request): ReadResult => {
        if (request.key.startsWith('missing-')) {
          return {
            ok: false,
            request,
            error: new ProviderError({ code: 'NotFound', storeName, key: request.key }),
          };
        }
        return {
          ok: true,
          request,
          payload: {
            key: request.key,
            value: new TextEncoder().encode(`${request.key}@${request.version ?? 'current'}`),
            isBinary: false,
            ...(request.fetchMetadata ? { tags: { team: 'a' } } : {}),
          },
        };
      });
    },
    async find(query: FindQuery) {
      finds++;
      return [`${query.path ?? ''}one`, `${query.path ?? ''}two`];
    },
    callCounts: () => ({ BatchGetSecretValue: apiCalls }),
  };
  return { provider, batches, contexts, findCount: () => finds };
}

function factoryOf(...providers: SecretProvider[]) {
  let forStoreCalls = 0;
  return {
    factory: {
      async forStore(name: string) {
        forStoreCalls++;
        const p = providers.find((x) => x.storeName === name);
        if (!p) throw new StoreConfigError(name, 'no such store');
        return p;
      },
    },
    forStoreCalls: () => forStoreCalls,
  };
}

const text = (r: ReadResult) => (r.ok ? new TextDecoder().decode(r.payload.value) : `error:${r.error.code}`);

describe('ProviderReader', () => {
  it('should fetch 50 distinct keys once for 200 requests, in one batch for the store', async () => {
    const aws = recordingProvider('aws');
    const { factory, forStoreCalls } = factoryOf(aws.provider);
    const reader = new ProviderReader({ factory, context: { clusterId: 'c1' } });
    const keys = Array.from({ length: 200 }, (_, i) => `app/key-${i % 50}`);
    const results = await reader.readMany(keys.map((key) => ({ storeName: 'aws', request: { key } })));
    expect(results.map(text)).toEqual(keys.map((k) => `${k}@current`));
    expect(aws.batches).toHaveLength(1);
    expect(aws.batches[0]).toHaveLength(50);
    const stats = reader.stats();
    expect(stats).toMatchObject({ requests: 200, hits: 150, misses: 50, calls: 1 });
    expect(stats.providerCalls).toEqual({ aws: { BatchGetSecretValue: Math.ceil(50 / 20) } });
    expect(forStoreCalls()).toBe(1);
  });

  it('should send the reads that objects add to one batch one after another as one call', async () => {
    const aws = recordingProvider('aws');
    const reader = new ProviderReader({ factory: factoryOf(aws.provider).factory, context: {} });
    const batch = reader.batch();
    const pending: Array<Promise<ReadResult>> = [];
    for (const ns of ['a', 'b', 'c']) {
      await Promise.resolve();
      pending.push(batch.read('aws', { key: `shared` }), batch.read('aws', { key: `${ns}/own` }));
    }
    expect(aws.batches).toHaveLength(0);
    batch.send();
    await Promise.all(pending);
    expect(aws.batches).toHaveLength(1);
    expect(aws.batches[0]!.map((r) => r.key)).toEqual(['shared', 'a/own', 'b/own', 'c/own']);
  });

  it('should keep versions of one key apart', async () => {
    const aws = recordingProvider('aws');
    const reader = new ProviderReader({ factory: factoryOf(aws.provider).factory, context: {} });
    const [current, previous, again] = await reader.readMany([
      { storeName: 'aws', request: { key: 'db' } },
      { storeName: 'aws', request: { key: 'db', version: 'AWSPREVIOUS' } },
      { storeName: 'aws', request: { key: 'db', version: 'AWSPREVIOUS' } },
    ]);
    expect([current, previous, again].map((r) => text(r!))).toEqual([
      'db@current',
      'db@AWSPREVIOUS',
      'db@AWSPREVIOUS',
    ]);
    expect(reader.stats()).toMatchObject({ misses: 2, hits: 1 });
  });

  it('should send one batch per store', async () => {
    const aws = recordingProvider('aws');
    const vault = recordingProvider('vault');
    const reader = new ProviderReader({
      factory: factoryOf(aws.provider, vault.provider).factory,
      context: {},
    });
    await reader.readMany([
      { storeName: 'aws', request: { key: 'k' } },
      { storeName: 'vault', request: { key: 'k' } },
      { storeName: 'aws', request: { key: 'j' } },
    ]);
    expect(aws.batches.map((b) => b.length)).toEqual([2]);
    expect(vault.batches.map((b) => b.length)).toEqual([1]);
    expect(reader.stats().calls).toBe(2);
  });

  it('should not fetch again in a later batch of the same pass', async () => {
    const aws = recordingProvider('aws');
    const reader = new ProviderReader({ factory: factoryOf(aws.provider).factory, context: {} });
    await reader.read('aws', { key: 'k' });
    await reader.read('aws', { key: 'k' });
    expect(aws.batches).toHaveLength(1);
    expect(reader.stats()).toMatchObject({ hits: 1, misses: 1, calls: 1 });
  });

  it('should widen a queued read to fetch tags when a later caller needs them', async () => {
    const aws = recordingProvider('aws');
    const reader = new ProviderReader({ factory: factoryOf(aws.provider).factory, context: {} });
    const [plain, tagged] = await reader.readMany([
      { storeName: 'aws', request: { key: 'k' } },
      { storeName: 'aws', request: { key: 'k', fetchMetadata: true } },
    ]);
    expect(aws.batches).toEqual([[{ key: 'k', fetchMetadata: true }]]);
    expect(tagged!.ok && tagged!.payload.tags).toEqual({ team: 'a' });
    expect(plain!.request).toEqual({ key: 'k' });
    expect(tagged!.request).toEqual({ key: 'k', fetchMetadata: true });
  });

  it('should fetch again when tags are asked for a key already read without them', async () => {
    const aws = recordingProvider('aws');
    const reader = new ProviderReader({ factory: factoryOf(aws.provider).factory, context: {} });
    await reader.read('aws', { key: 'k' });
    const tagged = await reader.read('aws', { key: 'k', fetchMetadata: true });
    expect(tagged.ok && tagged.payload.tags).toEqual({ team: 'a' });
    expect(aws.batches).toHaveLength(2);
    await reader.read('aws', { key: 'k' });
    expect(aws.batches).toHaveLength(2);
  });

  it('should give every caller of a failed key the failure, fetched once', async () => {
    const aws = recordingProvider('aws');
    const reader = new ProviderReader({ factory: factoryOf(aws.provider).factory, context: {} });
    const results = await reader.readMany(
      Array.from({ length: 5 }, () => ({ storeName: 'aws', request: { key: 'missing-db' } })),
    );
    expect(results.map(text)).toEqual(Array(5).fill('error:NotFound'));
    expect(reader.stats()).toMatchObject({ misses: 1, hits: 4 });
  });

  it('should turn an unknown store into a permanent per-key error naming the store', async () => {
    const reader = new ProviderReader({ factory: factoryOf().factory, context: {} });
    const result = await reader.read('nope', { key: 'k' });
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.error.code).toBe('InvalidRequest');
    expect(result.error.transient).toBe(false);
    expect(result.error.message).toContain('"nope"');
  });

  it('should turn a provider that throws into transient per-key errors', async () => {
    const broken: SecretProvider = {
      storeName: 'b',
      read: async () => Promise.reject(new TypeError('boom')),
      find: async () => [],
    };
    const reader = new ProviderReader({ factory: factoryOf(broken).factory, context: {} });
    const [a, b] = await reader.readMany([
      { storeName: 'b', request: { key: 'x' } },
      { storeName: 'b', request: { key: 'y' } },
    ]);
    expect([a, b].map((r) => text(r!))).toEqual(['error:Unavailable', 'error:Unavailable']);
  });

  it('should pass the pass context to the provider', async () => {
    const aws = recordingProvider('aws');
    const reader = new ProviderReader({
      factory: factoryOf(aws.provider).factory,
      context: { clusterId: 'prod-1' },
    });
    await reader.read('aws', { key: 'k' });
    expect(aws.contexts).toEqual([{ clusterId: 'prod-1' }]);
  });

  it('should list a find query once per pass, whatever the order of its tags', async () => {
    const aws = recordingProvider('aws');
    const reader = new ProviderReader({ factory: factoryOf(aws.provider).factory, context: {} });
    const a = await reader.find('aws', { path: 'app/', tags: { x: '1', y: '2' } });
    const b = await reader.find('aws', { path: 'app/', tags: { y: '2', x: '1' } });
    expect(a).toEqual(['app/one', 'app/two']);
    expect(b).toBe(a);
    expect(aws.findCount()).toBe(1);
    expect(reader.stats()).toMatchObject({ finds: 2, findHits: 1 });
  });

  it('should count only the provider calls made during this pass', async () => {
    const aws = recordingProvider('aws');
    const { factory } = factoryOf(aws.provider);
    const earlier = new ProviderReader({ factory, context: {} });
    await earlier.readMany(
      Array.from({ length: 45 }, (_, i) => ({ storeName: 'aws', request: { key: `k${i}` } })),
    );
    expect(earlier.stats().providerCalls.aws).toEqual({ BatchGetSecretValue: 3 });
    const reader = new ProviderReader({ factory, context: {} });
    await reader.read('aws', { key: 'k0' });
    expect(reader.stats().providerCalls.aws).toEqual({ BatchGetSecretValue: 1 });
  });
});
