import { describe, expect, it } from 'vitest';
import { findQueryId, findQueryMayMatch, parseFindQueryId, planReads, readRequestKey } from './plan.js';
import type { ExternalSecretSpec } from './schema.js';

describe('planReads', () => {
  const spec: ExternalSecretSpec = {
    secretStoreRef: { name: 'aws' },
    data: [
      { secretKey: 'a', remoteRef: { key: 'db', property: 'user' } },
      { secretKey: 'b', remoteRef: { key: 'db', property: 'pass' } },
      { secretKey: 'c', remoteRef: { key: 'db', version: 'AWSPREVIOUS' } },
      { secretKey: 'd', remoteRef: { key: 'db', metadataPolicy: 'Fetch' } },
      { secretKey: 'e', remoteRef: { key: 'kv/app' }, sourceRef: { storeRef: { name: 'vault' } } },
    ],
    dataFrom: [{ extract: { key: 'db' } }, { find: { path: 'app/', tags: { team: 'a' } } }],
  };

  it('should coalesce reads of the same store, key, version and metadata flag', () => {
    const plan = planReads(spec);
    expect(plan.reads).toEqual([
      { storeName: 'aws', request: { key: 'db' } },
      { storeName: 'aws', request: { key: 'db', version: 'AWSPREVIOUS' } },
      { storeName: 'aws', request: { key: 'db', fetchMetadata: true } },
      { storeName: 'vault', request: { key: 'kv/app' } },
    ]);
    expect(plan.finds).toEqual([{ storeName: 'aws', query: { path: 'app/', tags: { team: 'a' } } }]);
  });

  it('should list each (store, key) once in the reverse-index refs, finds as find: ids', () => {
    expect(planReads(spec).refs).toEqual([
      { storeName: 'aws', key: 'db' },
      { storeName: 'aws', key: 'find:{"path":"app/","tags":{"team":"a"}}' },
      { storeName: 'vault', key: 'kv/app' },
    ]);
  });

  it('should plan the reads of found keys once the finds ran', () => {
    const plan = planReads(spec, { findResults: () => ['app/one', 'app/two'] });
    expect(plan.reads.filter((r) => r.request.key.startsWith('app/')).map((r) => r.request.key)).toEqual([
      'app/one',
      'app/two',
    ]);
  });

  it('should use the default store, and report entries with no store at all', () => {
    const noStore: ExternalSecretSpec = { data: [{ secretKey: 'a', remoteRef: { key: 'k' } }] };
    expect(planReads(noStore, { defaultStore: 'dflt' }).reads).toEqual([
      { storeName: 'dflt', request: { key: 'k' } },
    ]);
    expect(planReads(noStore).unresolved).toEqual(['spec.data[0]']);
  });

  it('should give find ids that do not depend on tag order and parse back', () => {
    const a = findQueryId({ tags: { b: '2', a: '1' }, path: 'p' });
    const b = findQueryId({ path: 'p', tags: { a: '1', b: '2' } });
    expect(a).toBe(b);
    expect(parseFindQueryId(a)).toEqual({ path: 'p', tags: { a: '1', b: '2' } });
    expect(parseFindQueryId('db')).toBeUndefined();
  });

  it('should key reads by every field that changes the answer', () => {
    const keys = new Set([
      readRequestKey('s', { key: 'k' }),
      readRequestKey('s', { key: 'k', version: 'v' }),
      readRequestKey('s', { key: 'k', fetchMetadata: true }),
      readRequestKey('t', { key: 'k' }),
    ]);
    expect(keys.size).toBe(4);
  });
});

describe('findQueryMayMatch', () => {
  it.each<[Parameters<typeof findQueryMayMatch>[0], string, Record<string, string> | undefined, boolean]>([
    [{ path: 'app/' }, 'app/db', undefined, true],
    [{ path: 'app/' }, 'web/db', undefined, false],
    [{ nameRegexp: '^db-' }, 'db-main', undefined, true],
    [{ nameRegexp: '^db-' }, 'cache', undefined, false],
    [{ tags: { team: 'a' } }, 'x', { team: 'a', env: 'p' }, true],
    [{ tags: { team: 'a' } }, 'x', { team: 'b' }, false],
    [{ tags: { team: 'a' } }, 'x', undefined, true],
    [{ path: 'app/', nameRegexp: 'db$' }, 'app/db', undefined, true],
  ])('should decide %j for %s', (query, key, tags, expected) => {
    expect(findQueryMayMatch(query, key, tags)).toBe(expected);
  });
});
