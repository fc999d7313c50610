import { describe, expect, it } from 'vitest';
import {
  commaList,
  durationMs,
  formatLabelSelector,
  keyValueList,
  parseLabelSelector,
} from './parse-args.js';

describe('flag parsing', () => {
  it('should read key=value lists and name the flag when an item has no "="', () => {
    expect(keyValueList('--labels', 'env=prod, region=eu')).toEqual({ env: 'prod', region: 'eu' });
    expect(() => keyValueList('--labels', 'env=prod,oops')).toThrow('--labels: "oops" is not key=value');
  });

  it('should join repeated comma lists', () => {
    expect(commaList(['a,b', 'c'])).toEqual(['a', 'b', 'c']);
    expect(commaList(undefined)).toEqual([]);
  });

  it('should read Go durations and refuse anything else', () => {
    expect(durationMs('--timeout', '1m30s')).toBe(90_000);
    expect(() => durationMs('--timeout', 'soon')).toThrow(/--timeout/);
  });

  it('should read kubectl label selectors into matchLabels and matchExpressions', () => {
    expect(
      parseLabelSelector('--allow-clusters', 'env=prod,region in (eu, us),tier!=db,canary,!legacy'),
    ).toEqual({
      matchLabels: { env: 'prod' },
      matchExpressions: [
        { key: 'region', operator: 'In', values: ['eu', 'us'] },
        { key: 'tier', operator: 'NotIn', values: ['db'] },
        { key: 'canary', operator: 'Exists' },
        { key: 'legacy', operator: 'DoesNotExist' },
      ],
    });
    expect(parseLabelSelector('--allow-clusters', 'all')).toEqual({});
    expect(() => parseLabelSelector('--allow-clusters', 'a in b')).toThrow(/cannot read "a in b"/);
  });

  it('should print a selector the way it is typed', () => {
    const text = 'env=prod,region in (eu,us),canary,!legacy';
    expect(formatLabelSelector(parseLabelSelector('-l', text))).toBe(text);
    expect(formatLabelSelector({})).toBe('all');
    expect(formatLabelSelector(undefined)).toBe('none');
  });
});
