import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DEFAULT_MIN_REFRESH_INTERVAL_MS, MAX_JITTER_MS, nextRefreshAt } from './refresh.js';

const last = new Date('2026-01-01T00:00:00Z');

describe('nextRefreshAt', () => {
  it.each<[string | undefined, 'Periodic' | 'CreatedOnce' | 'OnChange' | undefined, number | undefined]>([
    ['1h', undefined, 3_600_000],
    [undefined, undefined, 3_600_000],
    ['90s', 'Periodic', 90_000],
    ['0', undefined, undefined],
    ['1h', 'CreatedOnce', undefined],
    ['1h', 'OnChange', undefined],
  ])('should schedule interval %s / policy %s', (refreshInterval, refreshPolicy, base) => {
    const next = nextRefreshAt({ lastSyncAt: last, refreshInterval, refreshPolicy, objectKey: 'c/n/o' });
    if (base === undefined) expect(next).toBeUndefined();
    else {
      const delay = (next as Date).getTime() - last.getTime();
      expect(delay).toBeGreaterThanOrEqual(base);
      expect(delay).toBeLessThanOrEqual(base + Math.min(base * 0.1, MAX_JITTER_MS));
    }
  });

  it('should schedule an interval below the minimum as the minimum (objects stored before it was raised)', () => {
    const delay = (refreshInterval: string, minIntervalMs?: number) =>
      (
        nextRefreshAt({
          lastSyncAt: last,
          refreshInterval,
          objectKey: 'c/n/o',
          ...(minIntervalMs === undefined ? {} : { minIntervalMs }),
        }) as Date
      ).getTime() - last.getTime();
    expect(delay('1ns')).toBeGreaterThanOrEqual(DEFAULT_MIN_REFRESH_INTERVAL_MS);
    expect(delay('1ns')).toBeLessThanOrEqual(DEFAULT_MIN_REFRESH_INTERVAL_MS * 1.1);
    expect(delay('1ns', 1000)).toBeGreaterThanOrEqual(1000);
    expect(delay('1ns', 1000)).toBeLessThanOrEqual(1100);
  });

  it('should give one object the same jitter every time and spread different objects', () => {
    const at = (key: string) =>
      nextRefreshAt({ lastSyncAt: last, refreshInterval: '1h', objectKey: key })?.getTime();
    expect(at('c/n/a')).toBe(at('c/n/a'));
    const distinct = new Set(Array.from({ length: 100 }, (_, i) => at(`c/n/obj-${i}`)));
    expect(distinct.size).toBeGreaterThan(90);
  });

  it('should only ever delay, by at most 10% of the interval and 5 minutes (property)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 60, max: 48 * 3600 }), fc.string(), (seconds, key) => {
        const next = nextRefreshAt({
          lastSyncAt: last,
          refreshInterval: `${seconds}s`,
          objectKey: key,
        }) as Date;
        const delay = next.getTime() - last.getTime();
        expect(delay).toBeGreaterThanOrEqual(seconds * 1000);
        expect(delay - seconds * 1000).toBeLessThanOrEqual(Math.min(seconds * 100, MAX_JITTER_MS));
      }),
    );
  });
});
