import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  escapePropertySegment,
  formatFloatF,
  lookupProperty,
  parseJson,
  parsePropertyPath,
} from './json-path.js';

const doc = JSON.stringify({
  big: 0,
  a: { b: { c: 'deep' } },
  list: [10, { name: 'second' }, [true]],
  'dot.key': 'literal',
  dot: { key: 'nested' },
  'we.ird.key': { x: 'y' },
  num: 1.5,
  neg: -0,
  nil: null,
  '0': 'zero-key',
  'a\\b': 'backslash',
});

describe('lookupProperty (gjson semantics ESO uses)', () => {
  it('should keep integers as written, however large', () => {
    expect(lookupProperty('{"big":12345678901234567890}', 'big')).toEqual({
      ok: true,
      value: '12345678901234567890',
    });
  });

  it.each<[string, string]>([
    ['a.b.c', 'deep'],
    ['a.b', '{"c":"deep"}'],
    ['list.0', '10'],
    ['list.1.name', 'second'],
    ['list.2.0', 'true'],
    ['list', '[10,{"name":"second"},[true]]'],
    ['dot.key', 'literal'],
    ['dot\\.key', 'literal'],
    ['we.ird.key', '{"x":"y"}'],
    ['we\\.ird\\.key.x', 'y'],
    ['num', '1.5'],
    ['big', '0'],
    ['nil', ''],
    ['0', 'zero-key'],
    ['a\\\\b', 'backslash'],
  ])('should read %s', (property, expected) => {
    expect(lookupProperty(doc, property)).toEqual({ ok: true, value: expected });
  });

  it('should prefer a literal key containing dots over the nested path, like ESO', () => {
    const both = JSON.stringify({ 'a.b': 'literal', a: { b: 'nested' } });
    expect(lookupProperty(both, 'a.b')).toEqual({ ok: true, value: 'literal' });
  });

  it('should keep the raw text of nested values, whitespace included', () => {
    expect(lookupProperty('{"a": {"x" :  [1, 2] }}', 'a')).toEqual({ ok: true, value: '{"x" :  [1, 2] }' });
  });

  it('should return the first of duplicate members, as gjson does', () => {
    expect(lookupProperty('{"a":"1","a":"2"}', 'a')).toEqual({ ok: true, value: '1' });
  });

  it.each<[string, string, string]>([
    ['{"a":1}', 'b', 'not-found'],
    ['{"a":[1]}', 'a.5', 'not-found'],
    ['{"a":[1]}', 'a.x', 'not-found'],
    ['{"a":"s"}', 'a.b', 'not-found'],
    ['not json', 'a', 'invalid-json'],
    ['{"a":1', 'a', 'invalid-json'],
    ['{"a":1}', 'a*', 'unsupported'],
    ['{"a":1}', 'list.#', 'unsupported'],
    ['{"a":1}', '@reverse', 'unsupported'],
    ['{"a":1}', 'a|b', 'unsupported'],
  ])('should fail on %s / %s with %s', (json, property, reason) => {
    const r = lookupProperty(json, property);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.reason).toBe(reason);
  });
});

describe('property path parser', () => {
  const segment = fc.string({ minLength: 1, maxLength: 8 });

  it('should read back any list of segments after escaping (property)', () => {
    fc.assert(
      fc.property(fc.array(segment, { minLength: 1, maxLength: 5 }), (segments) => {
        const parsed = parsePropertyPath(segments.map(escapePropertySegment).join('.'));
        expect(parsed).toEqual({ ok: true, segments });
      }),
      { numRuns: 500 },
    );
  });

  it('should find a leaf placed at any escaped path (property)', () => {
    fc.assert(
      fc.property(fc.array(segment, { minLength: 1, maxLength: 4 }), fc.string(), (segments, leaf) => {
        let value: unknown = leaf;
        for (const s of [...segments].reverse()) value = { [s]: value };
        const property = segments.map(escapePropertySegment).join('.');
        const r = lookupProperty(JSON.stringify(value), property);
        // A single segment with a dot is found by the literal-key rule; either way the leaf comes back.
        expect(r).toEqual({ ok: true, value: leaf });
      }),
      { numRuns: 500 },
    );
  });
});

describe('parseJson', () => {
  it('should agree with JSON.parse on valid documents (property)', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (v) => {
        const text = JSON.stringify(v);
        const r = parseJson(text);
        expect(r.ok).toBe(true);
        if (r.ok) expect(r.node.raw).toBe(text);
      }),
      { numRuns: 300 },
    );
  });

  it('should reject what JSON.parse rejects, telling only an offset', () => {
    for (const bad of ['', '{', '{"a"}', '[1,]', 'tru', '"\\x"', '01', '{"a":1}x', '"a\nb"']) {
      const r = parseJson(bad);
      expect(r.ok, bad).toBe(false);
    }
  });

  it.each<[number, string]>([
    [1.5, '1.5'],
    [1e21, '1000000000000000000000'],
    [1e-7, '0.0000001'],
    [-2.25, '-2.25'],
    [100, '100'],
  ])('should format %d like strconv.FormatFloat(f, f, -1)', (n, s) => {
    expect(formatFloatF(n)).toBe(s);
  });
});
