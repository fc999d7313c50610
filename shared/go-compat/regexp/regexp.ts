/**
 * Go (RE2) regular expressions as ESO users write them. Every tenant-supplied pattern (find names,
 * rewrite sources) runs on re2js, a port of RE2: Go's syntax, leftmost-first semantics and, above
 * all, matching in time linear in the input, so no pattern can stall a pass or a fan-out the way a
 * backtracking JavaScript RegExp can. Replacement follows Go's Regexp.ReplaceAllString (its
 * `$name` expansion and its rule for empty matches), so rewrites give ESO's keys.
 */
import { RE2JS } from 're2js';

/**
 * Longest pattern accepted. Matching is linear in the input but its constant grows with the
 * compiled program, so a bound on the pattern bounds the cost of every match; ESO patterns are
 * prefixes and short alternations, far below this.
 */
export const GO_REGEXP_MAX_LENGTH = 1024;

/**
 * Longest secret name a find pattern is matched against; longer names never match. AWS caps
 * names at 512 characters; the cap keeps a Vault tree of absurd paths from multiplying the cost.
 */
export const FIND_NAME_MAX_LENGTH = 2048;

export type GoRegexpProblem = 'too-long' | 'syntax';

/** A compiled Go regexp. */
export class GoRegexp {
  readonly source: string;
  readonly #re: RE2JS;
  readonly #names: Record<string, number>;

  private constructor(source: string, re: RE2JS) {
    this.source = source;
    this.#re = re;
    this.#names = re.namedGroups();
  }

  /** Compiles `source` with Go's syntax, or says why it cannot. */
  static parse(source: string): { ok: true; re: GoRegexp } | { ok: false; problem: GoRegexpProblem } {
    if (source.length > GO_REGEXP_MAX_LENGTH) return { ok: false, problem: 'too-long' };
    try {
      return { ok: true, re: new GoRegexp(source, RE2JS.compile(source)) };
    } catch {
      return { ok: false, problem: 'syntax' };
    }
  }

  /** Go's MatchString: does the pattern match anywhere in `s`? */
  test(s: string): boolean {
    return this.#re.test(s);
  }

  /** The leftmost match starting at or after `from` (a UTF-16 index), with its groups. */
  findAt(s: string, from = 0): GoMatch | undefined {
    const m = this.#re.matcher(s);
    if (!m.find(from)) return undefined;
    const groups: (string | undefined)[] = [];
    for (let i = 0; i <= m.groupCount(); i++) groups.push(m.group(i) ?? undefined);
    return { start: m.start(), end: m.end(), groups, names: this.#names };
  }

  /** Go's FindAllString(s, -1): successive non-overlapping matches, as Go steps past empty ones. */
  findAll(s: string): string[] {
    const out: string[] = [];
    let prevEnd = -1;
    let pos = 0;
    while (pos <= s.length) {
      const m = this.findAt(s, pos);
      if (!m) break;
      // Go drops an empty match that touches the previous match.
      if (m.end > m.start || m.start !== prevEnd) out.push(m.groups[0] ?? '');
      prevEnd = m.end;
      pos = m.end > m.start ? m.end : m.end + codePointWidth(s, m.end);
    }
    return out;
  }
}

export interface GoMatch {
  start: number;
  end: number;
  /** Group 0 is the whole match; undefined for a group that took no part in it. */
  groups: (string | undefined)[];
  /** Group index by name. */
  names: Readonly<Record<string, number>>;
}

/** Compiles a Go regexp, or returns undefined when it does not compile or is too long. */
export function compileGoRegexp(source: string): GoRegexp | undefined {
  const parsed = GoRegexp.parse(source);
  return parsed.ok ? parsed.re : undefined;
}

/** The validation message for a pattern that cannot be used, or undefined when it can. */
export function goRegexpProblem(source: string): string | undefined {
  const parsed = GoRegexp.parse(source);
  if (parsed.ok) return undefined;
  return parsed.problem === 'too-long'
    ? `regular expression is longer than ${GO_REGEXP_MAX_LENGTH} characters`
    : 'regular expression does not compile';
}

/** Does a find's name pattern match this secret name (names over the cap never match)? */
export function findNameMatches(re: GoRegexp, name: string): boolean {
  return name.length <= FIND_NAME_MAX_LENGTH && re.test(name);
}

/** Go's Regexp.ReplaceAllString(src, template). */
export function goReplaceAll(re: GoRegexp, src: string, template: string): string {
  let out = '';
  let lastMatchEnd = 0;
  let searchPos = 0;
  while (searchPos <= src.length) {
    const m = re.findAt(src, searchPos);
    if (!m) break;
    out += src.slice(lastMatchEnd, m.start);
    // Go inserts no replacement for an empty match right after the previous match.
    if (m.end > lastMatchEnd || m.start === 0) out += goExpand(template, m);
    lastMatchEnd = m.end;
    const width = codePointWidth(src, searchPos);
    if (searchPos + width > m.end) searchPos += width;
    else if (searchPos + 1 > m.end) searchPos++;
    else searchPos = m.end;
  }
  return out + src.slice(lastMatchEnd);
}

/** Go's Regexp.Expand: `$1`, `${1}`, `$name`, `${name}`, `$$`; unknown groups expand to "". */
export function goExpand(template: string, m: GoMatch): string {
  let out = '';
  let rest = template;
  for (;;) {
    const i = rest.indexOf('$');
    if (i < 0) break;
    out += rest.slice(0, i);
    rest = rest.slice(i + 1);
    if (rest.startsWith('$')) {
      out += '$';
      rest = rest.slice(1);
      continue;
    }
    // A fixed-shape prefix scan of the operator's own template, not a tenant pattern.
    const ref = /^(?:\{([\p{L}\p{Nd}_]+)\}|([\p{L}\p{Nd}_]+))/u.exec(rest);
    if (!ref) {
      out += '$';
      continue;
    }
    rest = rest.slice(ref[0].length);
    const name = ref[1] ?? ref[2] ?? '';
    if (/^[0-9]+$/.test(name) && name.length <= 8) {
      out += m.groups[Number(name)] ?? '';
    } else {
      const index = Object.hasOwn(m.names, name) ? m.names[name] : undefined;
      out += index === undefined ? '' : (m.groups[index] ?? '');
    }
  }
  return out + rest;
}

/** UTF-16 units of the code point at `i` (1 at the end, so a scan still advances). */
function codePointWidth(s: string, i: number): number {
  const cp = s.codePointAt(i);
  return cp !== undefined && cp > 0xffff ? 2 : 1;
}
