/** The parts of Go's fmt and strconv that templates reach: Sprint, Sprintln, Sprintf, Quote. */
import { formatFloatV, formatValue, fromBytes, GoMap, goTypeName, toBytes, type Value } from './values.js';

/** fmt.Sprint: a space between operands when neither side is a string. */
export function sprint(args: Value[]): string {
  let out = '';
  args.forEach((a, i) => {
    if (i > 0 && typeof a !== 'string' && typeof args[i - 1] !== 'string') out += ' ';
    out += formatValue(a);
  });
  return out;
}

export function sprintln(args: Value[]): string {
  return `${args.map((a) => formatValue(a)).join(' ')}\n`;
}

/** strconv.Quote over a byte string (invalid UTF-8 bytes become \x escapes, as in Go). */
export function goQuote(bytes: string): string {
  let out = '"';
  const buf = Buffer.from(bytes, 'latin1');
  let i = 0;
  while (i < buf.length) {
    const { cp, width } = decodeRune(buf, i);
    if (cp < 0) {
      out += `\\x${(buf[i] as number).toString(16).padStart(2, '0')}`;
      i += 1;
      continue;
    }
    i += width;
    const ch = String.fromCodePoint(cp);
    if (ch === '"' || ch === '\\') out += `\\${ch}`;
    else if (isPrint(cp)) out += toBytes(ch);
    else {
      const named: Record<number, string> = {
        7: '\\a',
        8: '\\b',
        12: '\\f',
        10: '\\n',
        13: '\\r',
        9: '\\t',
        11: '\\v',
      };
      if (named[cp]) out += named[cp];
      else if (cp < 0x20 || cp === 0x7f) out += `\\x${cp.toString(16).padStart(2, '0')}`;
      else if (cp < 0x10000) out += `\\u${cp.toString(16).padStart(4, '0')}`;
      else out += `\\U${cp.toString(16).padStart(8, '0')}`;
    }
  }
  return `${out}"`;
}

function isPrint(cp: number): boolean {
  if (cp === 0x20) return true;
  if (cp < 0x20 || cp === 0x7f || (cp >= 0x80 && cp < 0xa0) || cp === 0xad) return false;
  return /[\p{L}\p{M}\p{N}\p{P}\p{S}]/u.test(String.fromCodePoint(cp));
}

/** One UTF-8 rune at i: code point and width, or cp -1 for an invalid byte. */
export function decodeRune(buf: Buffer, i: number): { cp: number; width: number } {
  const b0 = buf[i] as number;
  if (b0 < 0x80) return { cp: b0, width: 1 };
  const need = b0 >= 0xf0 && b0 < 0xf5 ? 4 : b0 >= 0xe0 ? 3 : b0 >= 0xc2 && b0 < 0xe0 ? 2 : 0;
  if (need === 0 || i + need > buf.length) return { cp: -1, width: 1 };
  const text = buf.subarray(i, i + need).toString('utf8');
  const cp = text.codePointAt(0) ?? 0xfffd;
  if (cp === 0xfffd || text.length > 2) return { cp: -1, width: 1 };
  return { cp, width: need };
}

/** fmt.Sprintf for the verbs templates use: %s %v %d %q %t %x %X %f %e %g %c %%, width/precision, -+0 flags. */
export function sprintf(format: string, args: Value[], checkWidth: (n: number) => void = () => {}): string {
  let out = '';
  let argIndex = 0;
  for (let i = 0; i < format.length; i++) {
    const c = format[i];
    if (c !== '%') {
      out += c;
      continue;
    }
    const m = /^([-+# 0]*)([0-9]+)?(?:\.([0-9]*))?([a-zA-Z%])/.exec(format.slice(i + 1));
    if (!m) {
      out += '%!(NOVERB)';
      break;
    }
    i += m[0].length;
    const [, flags = '', widthStr, precStr, verb = ''] = m;
    if (verb === '%') {
      out += '%';
      continue;
    }
    if (argIndex >= args.length) {
      out += `%!${verb}(MISSING)`;
      continue;
    }
    const arg = args[argIndex++] as Value;
    const prec = precStr === undefined ? undefined : Number(precStr || '0');
    const width = widthStr ? Number(widthStr) : 0;
    // A width or precision is padding the caller asked for: refuse it before allocating it.
    checkWidth(Math.max(width, prec ?? 0));
    let s = formatVerb(verb, arg, prec, flags);
    const len = [...fromBytes(s)].length;
    if (len < width) {
      const pad = width - len;
      if (flags.includes('-')) s += ' '.repeat(pad);
      else if (flags.includes('0') && /[dfegxX]/.test(verb) && typeof arg !== 'string') {
        const sign = /^[+-]/.test(s) ? (s[0] ?? '') : '';
        s = sign + '0'.repeat(pad) + s.slice(sign.length);
      } else s = ' '.repeat(pad) + s;
    }
    out += s;
  }
  if (argIndex < args.length) {
    out += `%!(EXTRA ${args
      .slice(argIndex)
      .map((a) => `${goTypeName(a)}=${formatValue(a)}`)
      .join(', ')})`;
  }
  return out;
}

function formatVerb(verb: string, arg: Value, prec: number | undefined, flags: string): string {
  const bad = () => `%!${verb}(${goTypeName(arg)}=${formatValue(arg)})`;
  // fmt applies the verb to each element of a slice or map.
  if (Array.isArray(arg) && verb !== 'v')
    return `[${arg.map((x) => formatVerb(verb, x, prec, flags)).join(' ')}]`;
  if (arg instanceof GoMap && verb !== 'v') {
    return `map[${arg
      .sortedKeys()
      .map(
        (k) =>
          `${formatVerb(verb, k, prec, flags)}:${formatVerb(verb, arg.entries.get(k) ?? null, prec, flags)}`,
      )
      .join(' ')}]`;
  }
  const plus = flags.includes('+');
  switch (verb) {
    case 'v':
      return formatValue(arg);
    case 's':
      if (typeof arg === 'string')
        return prec === undefined ? arg : toBytes([...fromBytes(arg)].slice(0, prec).join(''));
      if (arg === null || typeof arg === 'bigint' || typeof arg === 'number' || typeof arg === 'boolean')
        return bad();
      return formatValue(arg);
    case 'q':
      if (typeof arg === 'string') return goQuote(arg);
      if (typeof arg === 'bigint') return `'${String.fromCodePoint(Number(arg))}'`;
      return bad();
    case 'd':
      if (typeof arg === 'bigint') return (plus && arg >= 0n ? '+' : '') + arg.toString();
      return bad();
    case 't':
      return typeof arg === 'boolean' ? String(arg) : bad();
    case 'c':
      return typeof arg === 'bigint' ? toBytes(String.fromCodePoint(Number(arg))) : bad();
    case 'x':
    case 'X': {
      let s: string;
      if (typeof arg === 'bigint') s = (arg < 0n ? '-' : '') + (arg < 0n ? -arg : arg).toString(16);
      else if (typeof arg === 'string') s = Buffer.from(arg, 'latin1').toString('hex');
      else return bad();
      return verb === 'X' ? s.toUpperCase() : s;
    }
    case 'f':
    case 'F':
      if (typeof arg !== 'number') return bad();
      return (plus && arg >= 0 ? '+' : '') + arg.toFixed(prec ?? 6);
    case 'e':
      if (typeof arg !== 'number') return bad();
      return (plus && arg >= 0 ? '+' : '') + goExp(arg.toExponential(prec ?? 6));
    case 'g':
      if (typeof arg !== 'number') return bad();
      return (
        (plus && arg >= 0 ? '+' : '') +
        (prec === undefined ? formatFloatV(arg) : goExp(arg.toPrecision(prec || 1)))
      );
    default:
      return bad();
  }
}

function goExp(js: string): string {
  return js.replace(/e([+-])(\d)$/, 'e$10$2');
}
