import { describe, expect, it } from 'vitest';
import { compileGoRegexp, goReplaceAll } from './regexp.js';

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
  ])('should replace %s in %j with %j like Go', (source, input, target, expected) => {
    const re = compileGoRegexp(source);
    expect(re).toBeDefined();
    expect(goReplaceAll(re as RegExp, input, target)).toBe(expected);
  });

  it.each(['(', '[a', '(?U)a+', 'a{2,1}', '[[:nope:]]'])('should refuse %j', (source) => {
    expect(compileGoRegexp(source)).toBeUndefined();
  });
});
