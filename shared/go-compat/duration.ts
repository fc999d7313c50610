/** A refreshInterval (or other duration) that Go's time.ParseDuration would reject. */
export class DurationParseError extends Error {
  override readonly name = 'DurationParseError';
  readonly input: string;
  constructor(input: string, problem: string) {
    super(`invalid duration ${JSON.stringify(input)}: ${problem}`);
    this.input = input;
  }
}

const NANOS_PER_UNIT: Record<string, bigint> = {
  ns: 1n,
  us: 1_000n,
  µs: 1_000n, // U+00B5 micro sign
  μs: 1_000n, // U+03BC Greek mu
  ms: 1_000_000n,
  s: 1_000_000_000n,
  m: 60_000_000_000n,
  h: 3_600_000_000_000n,
};
const MAX_NANOS = (1n << 63n) - 1n;

/**
 * Parses a Go `time.ParseDuration` string ("1h30m", "0", "90s", "1.5h", "-2m") into milliseconds
 * (fractional below 1ms). Mirrors Go's grammar and its int64-nanosecond overflow limit, so a
 * refreshInterval ESO accepts is accepted here and one it rejects is rejected.
 */
export function parseDuration(s: string): number {
  if (typeof s !== 'string') throw new DurationParseError(String(s), 'not a string');
  let rest = s;
  let negative = false;
  if (rest.startsWith('-') || rest.startsWith('+')) {
    negative = rest[0] === '-';
    rest = rest.slice(1);
  }
  if (rest === '0') return 0;
  if (rest === '') throw new DurationParseError(s, 'empty');
  let total = 0n;
  while (rest !== '') {
    const m = /^([0-9]*)(?:\.([0-9]*))?/.exec(rest);
    const whole = m?.[1] ?? '';
    const frac = m?.[2];
    if (whole === '' && (frac === undefined || frac === '')) {
      throw new DurationParseError(s, 'expected a number');
    }
    rest = rest.slice(m?.[0].length ?? 0);
    const unitMatch = /^[^0-9.]+/.exec(rest);
    if (!unitMatch) throw new DurationParseError(s, 'missing unit');
    const unit = unitMatch[0];
    const perUnit = NANOS_PER_UNIT[unit];
    if (perUnit === undefined) throw new DurationParseError(s, 'unknown unit');
    rest = rest.slice(unit.length);
    let nanos = BigInt(whole === '' ? '0' : whole) * perUnit;
    if (frac) {
      // Go keeps fractional digits exactly (no float rounding) and truncates below 1ns.
      nanos += (BigInt(frac) * perUnit) / 10n ** BigInt(frac.length);
    }
    total += nanos;
    if (total > MAX_NANOS) throw new DurationParseError(s, 'out of range');
  }
  const ms = Number(total) / 1e6;
  return negative ? -ms : ms;
}

/** Formats milliseconds the way Go's Duration.String does ("1h30m0s", "1.5s", "0s"). */
export function formatDuration(ms: number): string {
  if (ms === 0) return '0s';
  const sign = ms < 0 ? '-' : '';
  let nanos = BigInt(Math.round(Math.abs(ms) * 1e6));
  if (nanos < 1_000_000_000n) {
    if (nanos < 1_000n) return `${sign}${nanos}ns`;
    if (nanos < 1_000_000n) return `${sign}${trimFrac(nanos, 1_000n)}µs`;
    return `${sign}${trimFrac(nanos, 1_000_000n)}ms`;
  }
  const h = nanos / 3_600_000_000_000n;
  nanos -= h * 3_600_000_000_000n;
  const m = nanos / 60_000_000_000n;
  nanos -= m * 60_000_000_000n;
  const secs = trimFrac(nanos, 1_000_000_000n);
  if (h > 0n) return `${sign}${h}h${m}m${secs}s`;
  if (m > 0n) return `${sign}${m}m${secs}s`;
  return `${sign}${secs}s`;
}

function trimFrac(n: bigint, unit: bigint): string {
  const whole = n / unit;
  const frac = n % unit;
  if (frac === 0n) return whole.toString();
  const digits = unit.toString().length - 1;
  return `${whole}.${frac.toString().padStart(digits, '0').replace(/0+$/, '')}`;
}
