import { describe, expect, it } from 'vitest';
import {
  compileGoRegexp,
  FIND_NAME_MAX_LENGTH,
  findNameMatches,
  GO_REGEXP_MAX_LENGTH,
  type GoRegexp,
  goRegexpProblem,
  goReplaceAll,
} from './regexp.js';

/** Expected values are what Go's regexp.MustCompile(src).ReplaceAllString(input, target) returns. */
describe('Go regexp replacement', () => {
  it.each<[string, string, string, string]>([
    ['app/(.*)', 'app/key', 'x-$1', 'x-key'],
    // biome-ignore lint/suspicious/noTemplateCurlyInString: Go's regexp expansion syntax
    ['(?P<name>[a-z]+)-(\\d+)', 'db-42', '${2}_${name}', '42_db'],
    ['(a)', 'a', '$1x', ''],
    // biome-ignore lint/suspicious/noTemplateCurlyInString: Go's regexp expansion syntax
    ['(a)', 'a', '${1}x', 'ax'],
    ['a', 'aaa', '$$', '$$$'],
    ['a*', 'baaac', '-', '-b-c-'],
    ['x*', 'abc', '-', '-a-b-c-'],
    ['', 'ab', '-', '-a-b-'],
    ['(?i)KEY', 'my-key', 'K', 'my-K'],
    ['^', 'abc', '>', '>abc'],
    ['$', 'abc', '<', 'abc<'],
    ['[[:digit:]]+', 'a1b22', '#', 'a#b#'],
    ['\\-', 'a-b', '_', 'a_b'],
    ['(b)?c', 'ac', '[$1]', 'a[]'],
    ['.', 'é😀', '.', '..'],
    ['(x)', 'y', '$9', 'y'],
    ['/', 'a/b/c', '', 'abc'],
    ['(?s)a.b', 'a\nb', 'X', 'X'],
    ['a.b', 'a\nb', 'X', 'a\nb'],
    ['b\\z', 'abb', 'X', 'abX'],
    // Go's ungreedy flag: each a is its own match.
    ['(?U)a+', 'aaa', '-', '---'],
    ['[[:^alpha:]]+', 'ab12cd', '#', 'ab#cd'],
    // biome-ignore lint/suspicious/noTemplateCurlyInString: Go's regexp expansion syntax
    ['(?<word>[a-z]+)', 'ab', '<${word}>', '<ab>'],
    ['\\Aa', 'aa', 'X', 'Xa'],
    ['(?i:a)b', 'AbAB', 'X', 'XAB'],
    ['\\Q.*\\E', 'a.*b', '!', 'a!b'],
    ['$name', 'x', '$nope', 'x'],
  ])('should replace %s in %j with %j like Go', (source, input, target, expected) => {
    const re = compileGoRegexp(source);
    expect(re).toBeDefined();
    expect(goReplaceAll(re as GoRegexp, input, target)).toBe(expected);
  });

  // Each is a syntax error in Go's regexp package too (Perl look-around, backreferences, \Z, x-mode).
  it.each([
    '(',
    '[a',
    'a{2,1}',
    '[[:nope:]]',
    '(?=a)',
    '(?<=a)b',
    '(a)\\1',
    '\\Z',
    '(?x) a',
    'a{1001}',
    'a**',
  ])('should refuse %j', (source) => {
    expect(compileGoRegexp(source)).toBeUndefined();
  });
});

describe('Go regexp matching', () => {
  it('should answer the catastrophic-backtracking pattern against a 40-character name', () => {
    // With JavaScript's backtracking RegExp this pattern never finishes on a 40-character miss.
    const re = compileGoRegexp('^(([a-z0-9/]+-?)*)*_$') as GoRegexp;
    const name = 'a'.repeat(40);
    expect(re.test(name)).toBe(false);
    expect(re.test(`${name}_`)).toBe(true);
  });

  it.each<[string, string, boolean]>([
    ['(?i)^TEAM-', 'team-a/db', true],
    ['(?P<team>team-[a-z])/', 'team-a/db', true],
    ['db\\z', 'team-a/db', true],
    ['db\\z', 'team-a/db\n', false],
    ['^[[:alpha:]]+$', 'abc', true],
    ['^[[:alpha:]]+$', 'ab1', false],
    // Go's \d and \w are ASCII; Unicode needs \p{...}.
    ['^\\d$', '\u0663', false],
    ['^\\p{Nd}$', '\u0663', true],
  ])('should match %j against %j like Go: %s', (source, input, expected) => {
    expect((compileGoRegexp(source) as GoRegexp).test(input)).toBe(expected);
  });

  it('should find all matches as Go does, stepping past empty ones', () => {
    expect((compileGoRegexp('a*') as GoRegexp).findAll('baaac')).toEqual(['', 'aaa', '']);
    expect((compileGoRegexp('[0-9]+') as GoRegexp).findAll('a1b22')).toEqual(['1', '22']);
  });

  it('should refuse a pattern over the length cap, saying so', () => {
    const long = 'a'.repeat(GO_REGEXP_MAX_LENGTH + 1);
    expect(compileGoRegexp(long)).toBeUndefined();
    expect(goRegexpProblem(long)).toBe(
      `regular expression is longer than ${GO_REGEXP_MAX_LENGTH} characters`,
    );
    expect(goRegexpProblem('a'.repeat(GO_REGEXP_MAX_LENGTH))).toBeUndefined();
    expect(goRegexpProblem('(')).toBe('regular expression does not compile');
  });

  it('should never match a find name over the name cap', () => {
    const re = compileGoRegexp('^a') as GoRegexp;
    expect(findNameMatches(re, 'a'.repeat(FIND_NAME_MAX_LENGTH))).toBe(true);
    expect(findNameMatches(re, 'a'.repeat(FIND_NAME_MAX_LENGTH + 1))).toBe(false);
  });
});
