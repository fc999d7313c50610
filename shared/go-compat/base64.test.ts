import { describe, expect, it } from 'vitest';
import { decodeGoBase64 } from './base64.js';

const ok = (s: string, v: 'std' | 'url' = 'std') => {
  const r = decodeGoBase64(s, v);
  return r.ok ? Buffer.from(r.bytes).toString('latin1') : `error@${r.offset}`;
};

/** Expected values follow Go's base64.StdEncoding / URLEncoding DecodeString. */
describe('decodeGoBase64', () => {
  it.each<[string, 'std' | 'url', string]>([
    ['aGVsbG8=', 'std', 'hello'],
    ['aGk=', 'std', 'hi'],
    ['', 'std', ''],
    ['aGVs\nbG8=', 'std', 'hello'],
    ['aGVs\r\nbG8=', 'std', 'hello'],
    ['aGk', 'std', 'error@0'],
    ['aGk=x', 'std', 'error@4'],
    ['aGVsbG8@d29y', 'std', 'error@7'],
    ['a===', 'std', 'error@1'],
    ['aG==', 'std', 'h'],
    ['aG=a', 'std', 'error@2'],
    ['_-8=', 'url', '\xff\xef'],
    ['_-8=', 'std', 'error@0'],
    ['+/8=', 'url', 'error@0'],
    ['aGVsbG8', 'std', 'error@4'],
  ])('should decode %j (%s) as Go does', (input, variant, expected) => {
    expect(ok(input, variant)).toBe(expected);
  });
});
