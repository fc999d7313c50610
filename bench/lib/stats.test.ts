import { describe, expect, it } from 'vitest';
import { inParallel, percentile, roundSpread, spreadOf } from './stats.js';

describe('spreadOf', () => {
  it('should report nearest-rank percentiles of unsorted samples', () => {
    const spread = spreadOf([5, 1, 4, 2, 3, 10, 9, 8, 7, 6]);
    expect(spread).toMatchObject({ n: 10, min: 1, p50: 5, p95: 10, max: 10, mean: 5.5 });
  });

  it('should give NaN for an empty list rather than a made-up number', () => {
    expect(spreadOf([]).p50).toBeNaN();
    expect(percentile([], 50)).toBeNaN();
  });

  it('should take the first element for the 0th percentile and the last for the 100th', () => {
    expect(percentile([1, 2, 3], 0)).toBe(1);
    expect(percentile([1, 2, 3], 100)).toBe(3);
  });

  it('should round every field to the requested digits', () => {
    expect(roundSpread(spreadOf([1.234, 2.345]), 1)).toEqual({
      n: 2,
      min: 1.2,
      p50: 1.2,
      p95: 2.3,
      max: 2.3,
      mean: 1.8,
    });
  });
});

describe('inParallel', () => {
  it('should run every index once and never more than the limit at a time', async () => {
    let running = 0;
    let peak = 0;
    const seen: number[] = [];
    await inParallel(20, 3, async (i) => {
      running++;
      peak = Math.max(peak, running);
      await new Promise((resolve) => setImmediate(resolve));
      seen.push(i);
      running--;
    });
    expect(seen.sort((a, b) => a - b)).toEqual(Array.from({ length: 20 }, (_, i) => i));
    expect(peak).toBe(3);
  });
});
