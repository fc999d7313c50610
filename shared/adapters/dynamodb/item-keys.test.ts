import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { dependentKey, escapeKeyPart, snapshotKey, statusKey } from './item-keys.js';
import { dueShardOf, STATE_TABLE_DESIGN } from './table-design.js';

describe('item keys', () => {
  it('should never let two different remote keys share a reverse-index partition, whatever they contain', () => {
    const part = fc.string({ unit: fc.constantFrom('a', '#', '%', '2', '3', '/'), maxLength: 6 });
    fc.assert(
      fc.property(part, part, part, part, (s1, k1, s2, k2) => {
        fc.pre(s1 !== s2 || k1 !== k2);
        const object = { clusterId: 'c', namespace: 'ns', name: 'n' };
        expect(dependentKey({ storeName: s1, key: k1 }, object).pk).not.toBe(
          dependentKey({ storeName: s2, key: k2 }, object).pk,
        );
      }),
    );
  });

  it("should escape only '%' and '#', keeping keys readable", () => {
    expect(escapeKeyPart('prod/db#1 100%')).toBe('prod/db%231 100%25');
  });

  it('should keep snapshots and statuses of one cluster in its partition, apart from each other', () => {
    const ref = { clusterId: 'prod-eu-1', namespace: 'apps', name: 'db' };
    expect(snapshotKey(ref)).toEqual({ pk: 'CLUSTER#prod-eu-1', sk: 'SNAP#apps#db' });
    expect(statusKey(ref)).toEqual({ pk: 'CLUSTER#prod-eu-1', sk: 'STATUS#apps#db' });
  });
});

describe('due shards', () => {
  it('should give an object the same shard every time, within range', () => {
    const ref = { clusterId: 'c', namespace: 'ns', name: 'n' };
    expect(dueShardOf(ref)).toBe(dueShardOf({ ...ref }));
    fc.assert(
      fc.property(fc.string(), fc.string(), fc.string(), (clusterId, namespace, name) => {
        const shard = dueShardOf({ clusterId, namespace, name });
        expect(shard).toBeGreaterThanOrEqual(0);
        expect(shard).toBeLessThan(STATE_TABLE_DESIGN.dueShardCount);
      }),
    );
  });

  it('should spread a fleet evenly over every shard', () => {
    const counts = new Array<number>(STATE_TABLE_DESIGN.dueShardCount).fill(0);
    for (let c = 0; c < 100; c++) {
      for (let i = 0; i < 100; i++)
        counts[dueShardOf({ clusterId: `cluster-${c}`, namespace: 'apps', name: `es-${i}` })]! += 1;
    }
    const expected = 10_000 / STATE_TABLE_DESIGN.dueShardCount;
    for (const n of counts) expect(Math.abs(n - expected)).toBeLessThan(expected * 0.15);
  });
});
