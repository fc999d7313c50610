import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DurationParseError } from '../domain/errors.js';
import { formatDuration, parseDuration } from './duration.js';

describe('parseDuration', () => {
  it.each<[string, number]>([
    ['0', 0],
    ['+0', 0],
    ['-0', 0],
    ['90s', 90_000],
    ['1h30m', 5_400_000],
    ['1.5h', 5_400_000],
    ['.5s', 500],
    ['1.s', 1000],
    ['300ms', 300],
    ['1us', 0.001],
    ['1µs', 0.001],
    ['1μs', 0.001],
    ['1500ns', 0.0015],
    ['2h45m30.5s', 9_930_500],
    ['-2m', -120_000],
    ['1h1h', 7_200_000],
    ['0s', 0],
    ['2562047h', 2562047 * 3_600_000],
  ])('should parse %s as Go does', (input, ms) => {
    expect(parseDuration(input)).toBe(ms);
  });

  it.each(['', '1', 'h', '.h', '1x', '1h 2m', ' 1h', '1d', '1H', '-', '+', '1e3s', '2562048h', '1h-1m'])(
    'should reject %j with a DurationParseError naming the input',
    (input) => {
      expect(() => parseDuration(input)).toThrow(DurationParseError);
      try {
        parseDuration(input);
      } catch (e) {
        expect((e as DurationParseError).input).toBe(input);
        expect((e as Error).message).toContain(JSON.stringify(input));
      }
    },
  );

  it('should round-trip Go Duration.String output', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 10 * 365 * 24 * 3600 * 1000 }), (ms) => {
        expect(parseDuration(formatDuration(ms))).toBe(ms);
      }),
    );
  });

  it.each<[number, string]>([
    [0, '0s'],
    [1500, '1.5s'],
    [5_400_000, '1h30m0s'],
    [90_000, '1m30s'],
    [0.5, '500µs'],
    [250, '250ms'],
  ])('should format %d ms as %s', (ms, text) => {
    expect(formatDuration(ms)).toBe(text);
  });
});
