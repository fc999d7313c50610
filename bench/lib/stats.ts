/** Spread of repeated timings: the report shows these, never a single number. */
export interface Spread {
  n: number;
  min: number;
  p50: number;
  p95: number;
  max: number;
  mean: number;
}

/** Nearest-rank percentile of an ascending list (p in 0..100). */
export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1] as number;
}

export function spreadOf(samples: readonly number[]): Spread {
  const sorted = [...samples].sort((a, b) => a - b);
  const sum = sorted.reduce((a, b) => a + b, 0);
  return {
    n: sorted.length,
    min: sorted[0] ?? Number.NaN,
    p50: percentile(sorted, 50),
    p95: percentile(sorted, 95),
    max: sorted.at(-1) ?? Number.NaN,
    mean: sorted.length === 0 ? Number.NaN : sum / sorted.length,
  };
}

/** Rounds every number of a spread for the report. */
export function roundSpread(spread: Spread, digits = 0): Spread {
  const f = 10 ** digits;
  const r = (x: number) => Math.round(x * f) / f;
  return {
    n: spread.n,
    min: r(spread.min),
    p50: r(spread.p50),
    p95: r(spread.p95),
    max: r(spread.max),
    mean: r(spread.mean),
  };
}

/** Runs `work` over 0..total-1 with at most `limit` in flight. */
export async function inParallel(
  total: number,
  limit: number,
  work: (index: number) => Promise<unknown>,
): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(limit, total) }, async () => {
      while (next < total) await work(next++);
    }),
  );
}
