import { describe, expect, it } from 'vitest';
import { backoffDelay } from './backoff.js';

describe('backoffDelay', () => {
  const policy = { initialMs: 100, maxMs: 1_000 };

  it('should double per attempt up to the maximum', () => {
    expect([1, 2, 3, 4, 5, 9].map((attempt) => backoffDelay(policy, attempt, () => 1))).toEqual([
      100, 200, 400, 800, 1_000, 1_000,
    ]);
  });

  it('should keep at least half of each step when jittering', () => {
    expect(backoffDelay(policy, 3, () => 0)).toBe(200);
    for (let i = 0; i < 100; i++) {
      const delay = backoffDelay(policy, 3);
      expect(delay).toBeGreaterThanOrEqual(200);
      expect(delay).toBeLessThanOrEqual(400);
    }
  });

  it('should wait anywhere below the step with full jitter', () => {
    const full = { ...policy, jitter: 'full' as const };
    expect(backoffDelay(full, 3, () => 0)).toBe(0);
    expect(backoffDelay(full, 3, () => 0.5)).toBe(200);
    expect(backoffDelay(full, 9, () => 0.999)).toBeLessThan(1_000);
  });
});
