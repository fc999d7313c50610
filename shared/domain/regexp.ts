/**
 * Go (RE2) regular expressions as ESO users write them, run on JavaScript's engine: the common
 * syntax differences are translated, and replacement follows Go's Regexp.ReplaceAllString
 * (its `$name` expansion and its rule for empty matches), so rewrites give ESO's keys.
 */

const POSIX_CLASSES: Record<string, string> = {
  alpha: 'A-Za-z',
  digit: '0-9',
  alnum: '0-9A-Za-z',
  upper: 'A-Z',
  lower: 'a-z',
  space: '\\t\\n\\v\\f\\r ',
  xdigit: '0-9A-Fa-f',
  word: '0-9A-Za-z_',
  punct: '!-\\/:-@\\[-`{-~',
  blank: '\\t ',
  cntrl: '\\x00-\\x1f\\x7f',
  print: ' -~',
  graph: '!-~',
  ascii: '\\x00-\\x7f',
};

/** Compiles a Go regexp, or returns undefined when it cannot be run faithfully. */
export function compileGoRegexp(source: string): RegExp | undefined {
  let src = source;
  let flags = '';
  const lead = /^\(\?([imsU]+)\)/.exec(src);
  if (lead) {
    const f = lead[1] ?? '';
    if (f.includes('U')) return undefined; // ungreedy mode has no JavaScript equivalent
    flags = [...new Set(f)].join('');
    src = src.slice(lead[0].length);
  }
  src = src
    .replace(/\(\?P</g, '(?<')
    .replace(/\[:(\^?)([a-z]+):\]/g, (m, neg: string, name: string) => {
      const cls = POSIX_CLASSES[name];
      // A negated POSIX class inside a bracket cannot be expressed by splicing; give up on it.
      return cls === undefined || neg ? `\u0000INVALID${m}` : cls;
    })
    .replace(/(^|[^\\])((?:\\\\)*)\\z/g, '$1$2(?![\\s\\S])')
    .replace(/(^|[^\\])((?:\\\\)*)\\A/g, '$1$2(?<![\\s\\S])');
  if (src.includes('\u0000INVALID')) return undefined;
  for (const extra of ['u', '']) {
    try {
      return new RegExp(src, flags + extra);
    } catch {
      // try again without the unicode flag: it rejects escapes RE2 allows, like "\-"
    }
  }
  return undefined;
}

/** Go's Regexp.ReplaceAllString(src, template). */
export function goReplaceAll(re: RegExp, src: string, template: string): string {
  const g = new RegExp(re.source, re.flags.includes('g') ? re.flags : `${re.flags}g`);
  let out = '';
  let lastMatchEnd = 0;
  let searchPos = 0;
  while (searchPos <= src.length) {
    g.lastIndex = searchPos;
    const m = g.exec(src);
    if (!m) break;
    const start = m.index;
    const end = start + m[0].length;
    out += src.slice(lastMatchEnd, start);
    // Go inserts no replacement for an empty match right after the previous match.
    if (end > lastMatchEnd || start === 0) out += goExpand(template, m);
    lastMatchEnd = end;
    const cp = src.codePointAt(searchPos);
    const width = cp === undefined ? 0 : cp > 0xffff ? 2 : 1;
    if (searchPos + width > end) searchPos += width;
    else if (searchPos + 1 > end) searchPos++;
    else searchPos = end;
  }
  return out + src.slice(lastMatchEnd);
}

/** Go's Regexp.Expand: `$1`, `${1}`, `$name`, `${name}`, `$$`; unknown groups expand to "". */
export function goExpand(template: string, m: RegExpExecArray): string {
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
    const ref = /^(?:\{([\p{L}\p{Nd}_]+)\}|([\p{L}\p{Nd}_]+))/u.exec(rest);
    if (!ref) {
      out += '$';
      continue;
    }
    rest = rest.slice(ref[0].length);
    const name = ref[1] ?? ref[2] ?? '';
    if (/^[0-9]+$/.test(name) && name.length <= 8) {
      out += m[Number(name)] ?? '';
    } else {
      out += m.groups?.[name] ?? '';
    }
  }
  return out + rest;
}
