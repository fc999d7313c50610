import { describe, expect, it } from 'vitest';
import type { DesiredSnapshot, SyncStatus } from '../domain/records.js';
import { InvalidStateRecordError, TooManyRefsError } from '../ports/state-store-errors.js';
import {
  diffRefs,
  foldScope,
  isStaleSnapshot,
  MAX_REFS_PER_SNAPSHOT,
  numericResourceVersion,
  pendingAfterAcquire,
  type SnapshotOrder,
  uniqueRefs,
  validateScope,
  validateSnapshot,
  validateStatus,
} from './state-store-rules.js';

const o = (generation: number, resourceVersion?: number, uid?: string): SnapshotOrder => ({
  generation,
  resourceVersion,
  uid,
});
const live = (order: SnapshotOrder) => ({ ...order, tombstone: false });
const tomb = (order: SnapshotOrder) => ({ ...order, tombstone: true });
const objs = (...names: string[]) => ({
  kind: 'objects' as const,
  objects: names.map((name) => ({ namespace: 'ns', name })),
});

describe('isStaleSnapshot', () => {
  it.each([
    ['nothing stored', o(1), undefined, false],
    ['older generation', o(1), live(o(2)), true],
    ['same generation (a retry)', o(2), live(o(2)), false],
    ['newer generation', o(3), live(o(2)), false],
    ['older resourceVersion despite a higher generation', o(9, 100), live(o(1, 200)), true],
    ['same resourceVersion', o(1, 200), live(o(1, 200)), false],
    ['newer resourceVersion despite a lower generation', o(1, 300), live(o(5, 200)), false],
    [
      'lower generation of another incarnation, no resourceVersion',
      o(1, undefined, 'b'),
      live(o(5, undefined, 'a')),
      false,
    ],
    ['lower generation of the same incarnation', o(1, undefined, 'a'), live(o(5, undefined, 'a')), true],
    ['lower generation where only one side has a uid', o(1, undefined, 'a'), live(o(5)), true],
    ['resourceVersion on one side only falls back to generation', o(1, 500), live(o(2)), true],
    ['the deleted resourceVersion itself, after a delete', o(3, 300), tomb(o(3, 300)), true],
    ['an older resourceVersion, after a delete', o(3, 250), tomb(o(3, 300)), true],
    ['a newer resourceVersion, after a delete', o(1, 301), tomb(o(3, 300)), false],
    ['no resourceVersion (a fleet expansion), after a delete', o(3), tomb(o(3)), false],
  ])('should judge %s', (_what, incoming, stored, stale) => {
    expect(isStaleSnapshot(incoming, stored)).toBe(stale);
  });
});

describe('numericResourceVersion', () => {
  it('should compare only plain integers, as etcd revisions are', () => {
    expect(numericResourceVersion('12345')).toBe(12345);
    expect(numericResourceVersion(undefined)).toBeUndefined();
    expect(numericResourceVersion('')).toBeUndefined();
    expect(numericResourceVersion('abc')).toBeUndefined();
    expect(numericResourceVersion('-1')).toBeUndefined();
    expect(numericResourceVersion('1234567890123456')).toBeUndefined();
  });
});

describe('reverse-index diffs', () => {
  it('should list what to add and what to remove, each once', () => {
    const r = (key: string) => ({ storeName: 's', key });
    expect(diffRefs([r('a'), r('b')], [r('b'), r('c'), r('c')])).toEqual({
      added: [r('c')],
      removed: [r('a')],
    });
    expect(diffRefs([r('a')], [r('a')])).toEqual({ added: [], removed: [] });
  });

  it('should tell refs of different stores apart and drop duplicates', () => {
    expect(
      uniqueRefs([
        { storeName: 'b', key: 'k' },
        { storeName: 'a', key: 'k' },
        { storeName: 'b', key: 'k' },
      ]),
    ).toEqual([
      { storeName: 'a', key: 'k' },
      { storeName: 'b', key: 'k' },
    ]);
  });
});

describe('lease follow-ups', () => {
  it('should fold object requests into a sorted union, and anything with all into all', () => {
    expect(foldScope(undefined, objs('b', 'a'))).toEqual(objs('a', 'b'));
    expect(foldScope(objs('b'), objs('c', 'b'))).toEqual(objs('b', 'c'));
    expect(foldScope(objs('b'), { kind: 'all' })).toEqual({ kind: 'all' });
    expect(foldScope({ kind: 'all' }, objs('x'))).toEqual({ kind: 'all' });
    expect(foldScope(undefined, objs())).toBeUndefined();
  });

  it('should clear from a pending follow-up what a newly started pass covers', () => {
    expect(pendingAfterAcquire(objs('a', 'b'), { kind: 'all' })).toBeUndefined();
    expect(pendingAfterAcquire(objs('a', 'b'), objs('a'))).toEqual(objs('b'));
    expect(pendingAfterAcquire(objs('a'), objs('a'))).toBeUndefined();
    expect(pendingAfterAcquire({ kind: 'all' }, objs('a'))).toEqual({ kind: 'all' });
    expect(pendingAfterAcquire(undefined, objs('a'))).toBeUndefined();
  });
});

describe('validation', () => {
  const snapshot = (): DesiredSnapshot => ({
    clusterId: 'c',
    namespace: 'ns',
    name: 'n',
    source: { kind: 'ExternalSecret', name: 'n', generation: 1 },
    spec: {},
    refs: [],
    updatedAt: '2030-01-01T00:00:00.000Z',
  });

  it('should name the offending field of a snapshot', () => {
    expect(() => validateSnapshot({ ...snapshot(), clusterId: '' })).toThrow(/^snapshot\.clusterId must be/);
    expect(() => validateSnapshot({ ...snapshot(), updatedAt: 'yesterday' })).toThrow(/snapshot\.updatedAt/);
    expect(() => validateSnapshot({ ...snapshot(), refs: [{ storeName: 'a/b', key: 'k' }] })).toThrow(
      InvalidStateRecordError,
    );
  });

  it('should count distinct refs against the limit, so repeats of one key do not', () => {
    const same = Array.from({ length: 500 }, () => ({ storeName: 's', key: 'k' }));
    expect(() => validateSnapshot({ ...snapshot(), refs: same })).not.toThrow();
    const many = Array.from({ length: MAX_REFS_PER_SNAPSHOT + 1 }, (_, i) => ({
      storeName: 's',
      key: `k${i}`,
    }));
    expect(() => validateSnapshot({ ...snapshot(), refs: many })).toThrow(TooManyRefsError);
  });

  it('should name the offending field of a status and of a scope', () => {
    const status: SyncStatus = {
      clusterId: 'c',
      namespace: 'ns',
      name: 'n',
      version: 1.5,
      ready: 'True',
      reason: '',
      attempts: 0,
    };
    expect(() => validateStatus(status)).toThrow('status.version must be an integer >= 1 (c/ns/n)');
    expect(() => validateScope({ kind: 'objects', objects: [{ namespace: 'ns', name: '' }] }, 'c')).toThrow(
      'scope.objects[0].name must be a non-empty string (c)',
    );
    expect(() => validateScope({ kind: 'some' } as never, 'c')).toThrow(/^scope must be/);
  });
});
