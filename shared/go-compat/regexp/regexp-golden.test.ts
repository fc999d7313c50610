/**
 * The regexp engine against Go's regexp package: golden/expected.json is what Go
 * answers for cases.json (regenerate with `cd shared/go-compat/regexp/oracle && go run . <
 * ../golden/cases.json > ../golden/expected.json`). Compile decisions,
 * MatchString, FindAllString and ReplaceAllString must all be Go's.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { compileGoRegexp, goReplaceAll } from './regexp.js';

interface Case {
  pattern: string;
  input: string;
  template: string;
}
interface Expected {
  compiles: boolean;
  matches: boolean;
  all: string[];
  replaced: string;
}

const fixture = (name: string) =>
  JSON.parse(readFileSync(new URL(`./golden/${name}`, import.meta.url), 'utf8')) as unknown;
const cases = fixture('cases.json') as Case[];
const expected = fixture('expected.json') as Expected[];

describe('Go regexp golden cases', () => {
  it('should have one expectation per case', () => {
    expect(expected).toHaveLength(cases.length);
  });

  it.each(cases.map((c, i) => [c.pattern, c.input, c, expected[i] as Expected] as const))(
    'should answer %j on %j as Go does',
    (_pattern, _input, c, want) => {
      const re = compileGoRegexp(c.pattern);
      expect(re !== undefined).toBe(want.compiles);
      if (!re) return;
      expect(re.test(c.input)).toBe(want.matches);
      expect(re.findAll(c.input)).toEqual(want.all);
      expect(goReplaceAll(re, c.input, c.template)).toBe(want.replaced);
    },
  );
});
