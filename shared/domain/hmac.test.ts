import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { computeDataHmac } from './hmac.js';

const k1 = new Uint8Array(32).fill(1);
const k2 = new Uint8Array(32).fill(2);
const b = (s: string) => new Uint8Array(Buffer.from(s));

describe('computeDataHmac', () => {
  it('should be 64 hex characters and depend on the key', () => {
    const h = computeDataHmac(k1, { a: b('x') });
    expect(h).toMatch(/^[0-9a-f]{64}$/);
    expect(computeDataHmac(k2, { a: b('x') })).not.toBe(h);
  });

  it('should not depend on the order keys were inserted in', () => {
    expect(computeDataHmac(k1, { a: b('1'), b: b('2') })).toBe(computeDataHmac(k1, { b: b('2'), a: b('1') }));
  });

  it.each<[Record<string, string>, Record<string, string>]>([
    [{ ab: 'c' }, { a: 'bc' }],
    [{ a: '' }, {}],
    [{ a: 'b', c: '' }, { a: 'bc' }],
  ])('should tell apart %j and %j (length-prefixed encoding)', (x, y) => {
    const enc = (m: Record<string, string>) =>
      Object.fromEntries(Object.entries(m).map(([k, v]) => [k, b(v)]));
    expect(computeDataHmac(k1, enc(x))).not.toBe(computeDataHmac(k1, enc(y)));
  });

  it('should cover type, labels, annotations and immutability', () => {
    const base = computeDataHmac(k1, { a: b('x') });
    expect(computeDataHmac(k1, { a: b('x') }, { type: 'Opaque' })).not.toBe(base);
    expect(computeDataHmac(k1, { a: b('x') }, { labels: { l: 'v' } })).not.toBe(
      computeDataHmac(k1, { a: b('x') }, { annotations: { l: 'v' } }),
    );
    expect(computeDataHmac(k1, { a: b('x') }, { immutable: true })).not.toBe(base);
  });

  it('should change whenever any byte of any value changes (property)', () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 1, maxLength: 64 }), fc.nat(), (bytes, i) => {
        const flipped = Uint8Array.from(bytes);
        const at = i % bytes.length;
        flipped[at] = (flipped[at] as number) ^ 1;
        expect(computeDataHmac(k1, { v: bytes })).not.toBe(computeDataHmac(k1, { v: flipped }));
      }),
    );
  });
});
