/**
 * The functions an ESO v2 template can call that fleet-secrets implements: text/template's
 * builtins and the sprig functions ESO users write (b64enc/b64dec, toJson/fromJson,
 * toYaml/fromYaml, upper/lower/trim/quote, default, replace, sha256sum and a few neighbours).
 * Each follows the Go source it mirrors, including odd corners (b64dec returns the error text,
 * fromJson returns nil on bad input). A name not listed here fails at parse time, never silently.
 */
import { createHash } from 'node:crypto';
import { decodeGoBase64 } from '../base64.js';
import { type TemplateBudget, valueWeight } from './budget.js';
import { FuncError } from './errors.js';
import { goQuote, sprint, sprintf, sprintln } from './go-fmt.js';
import { goJsonMarshal, goJsonUnmarshal } from './go-json.js';
import { goFromYaml, goToYaml } from './go-yaml.js';
import {
  compareBytes,
  formatValue,
  fromBytes,
  GoMap,
  goTypeName,
  isTrue,
  toBytes,
  type Value,
} from './values.js';

export type ParamType = 'any' | 'string' | 'int' | 'bool' | 'map';

export interface FuncDef {
  params: ParamType[];
  variadic?: ParamType;
  /** and/or evaluate their arguments lazily (Go 1.18+). */
  lazy?: 'and' | 'or';
  /** `budget` is for functions whose result size is known before building it (repeat, indent...). */
  call(args: Value[], budget: TemplateBudget): Value;
}

const str = (v: Value) => v as string;
const int = (v: Value) => v as bigint;

/** Go's unicode.IsSpace set (JavaScript's \s less U+FEFF, plus U+0085). */
const GO_SPACE = '[\\t\\n\\v\\f\\r \\u0085\\u00a0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000]';
const TRIM_UNICODE = new RegExp(`^${GO_SPACE}+|${GO_SPACE}+$`, 'gu');

/** Go's strings.TrimSpace on a byte string. */
function trimSpace(s: string): string {
  const text = fromBytes(s);
  // Unicode spaces can only be trimmed without re-encoding the middle when the bytes are valid UTF-8.
  if (toBytes(text) === s) return toBytes(text.replace(TRIM_UNICODE, ''));
  return s.replace(/^[\t\n\v\f\r ]+|[\t\n\v\f\r ]+$/g, '');
}

/** strings.ToUpper/ToLower: per-rune simple case mapping (a rune never turns into two). */
function mapCase(s: string, upper: boolean): string {
  let out = '';
  for (const ch of fromBytes(s)) {
    const mapped = upper ? ch.toUpperCase() : ch.toLowerCase();
    out += [...mapped].length === 1 ? mapped : ch;
  }
  return toBytes(out);
}

function empty(v: Value): boolean {
  return !isTrue(v);
}

/** sprig's strslice: a list's non-nil elements as strings. */
function strslice(v: Value): string[] {
  if (Array.isArray(v)) return v.filter((x) => x !== null).map((x) => formatValue(x));
  if (typeof v === 'string') return [v];
  return [formatValue(v)];
}

function eqValues(a: Value, b: Value): boolean {
  const ka = basicKind(a);
  const kb = basicKind(b);
  if (ka !== kb) {
    if (a !== null && b !== null) throw new FuncError('incompatible types for comparison');
    return false;
  }
  if (ka === 'other') {
    if (a === null || b === null) return a === b;
    throw new FuncError('non-comparable types');
  }
  return a === b;
}

function basicKind(v: Value): 'bool' | 'int' | 'float' | 'string' | 'other' {
  if (typeof v === 'boolean') return 'bool';
  if (typeof v === 'bigint') return 'int';
  if (typeof v === 'number') return 'float';
  if (typeof v === 'string') return 'string';
  return 'other';
}

function lessThan(a: Value, b: Value): boolean {
  const ka = basicKind(a);
  const kb = basicKind(b);
  if (ka === 'other' || ka === 'bool' || kb === 'other' || kb === 'bool')
    throw new FuncError('invalid type for comparison');
  if (ka !== kb) throw new FuncError('incompatible types for comparison');
  return ka === 'string' ? compareBytes(a as string, b as string) < 0 : (a as number) < (b as number);
}

function index(item: Value, indexes: Value[]): Value {
  if (item === null) throw new FuncError('index of untyped nil');
  let cur: Value = item;
  for (const ix of indexes) {
    if (cur === null) throw new FuncError('index of nil pointer');
    if (Array.isArray(cur) || typeof cur === 'string') {
      if (typeof ix !== 'bigint') throw new FuncError(`cannot index slice/array with type ${goTypeName(ix)}`);
      const len = cur.length;
      if (ix < 0n || ix >= BigInt(len)) throw new FuncError(`index out of range: ${ix}`);
      cur = typeof cur === 'string' ? BigInt(cur.charCodeAt(Number(ix))) : (cur[Number(ix)] ?? null);
    } else if (cur instanceof GoMap) {
      if (ix === null) throw new FuncError('value is nil; should be of type string');
      if (typeof ix !== 'string') throw new FuncError(`value has type ${goTypeName(ix)}; should be string`);
      const elemZero: Value = cur.elem === 'string' ? '' : null;
      cur = cur.entries.has(ix) ? (cur.entries.get(ix) ?? null) : elemZero;
    } else {
      throw new FuncError(`can't index item of type ${goTypeName(cur)}`);
    }
  }
  return cur;
}

function len(v: Value): Value {
  if (v === null) throw new FuncError('len of nil pointer');
  if (typeof v === 'string' || Array.isArray(v)) return BigInt(v.length);
  if (v instanceof GoMap) return BigInt(v.entries.size);
  throw new FuncError(`len of type ${goTypeName(v)}`);
}

function indent(spaces: bigint, v: string, budget: TemplateBudget): string {
  const n = spaces > 0n ? spaces : 0n;
  budget.value(BigInt(v.length) + n * BigInt(v.split('\n').length));
  const pad = ' '.repeat(Number(n));
  return pad + v.split('\n').join(`\n${pad}`);
}

function hash(alg: 'sha256' | 'sha1', v: string): string {
  return createHash(alg).update(Buffer.from(v, 'latin1')).digest('hex');
}

export const FUNCTIONS: Record<string, FuncDef> = {
  // text/template builtins
  and: { params: ['any'], variadic: 'any', lazy: 'and', call: (a) => a[a.length - 1] ?? null },
  or: { params: ['any'], variadic: 'any', lazy: 'or', call: (a) => a[a.length - 1] ?? null },
  not: { params: ['any'], call: ([a]) => !isTrue(a ?? null) },
  len: { params: ['any'], call: ([a]) => len(a ?? null) },
  index: { params: ['any'], variadic: 'any', call: ([item, ...ix]) => index(item ?? null, ix) },
  print: { params: [], variadic: 'any', call: (a) => sprint(a) },
  println: { params: [], variadic: 'any', call: (a) => sprintln(a) },
  printf: {
    params: ['string'],
    variadic: 'any',
    call: ([f, ...a], budget) => sprintf(str(f ?? ''), a, (width) => budget.value(width)),
  },
  eq: {
    params: ['any'],
    variadic: 'any',
    call: ([a, ...rest]) => {
      if (rest.length === 0) throw new FuncError('missing argument for comparison');
      return rest.some((b) => eqValues(a ?? null, b));
    },
  },
  ne: { params: ['any', 'any'], call: ([a, b]) => !eqValues(a ?? null, b ?? null) },
  lt: { params: ['any', 'any'], call: ([a, b]) => lessThan(a ?? null, b ?? null) },
  le: {
    params: ['any', 'any'],
    call: ([a, b]) => lessThan(a ?? null, b ?? null) || eqValues(a ?? null, b ?? null),
  },
  gt: {
    params: ['any', 'any'],
    call: ([a, b]) => !lessThan(a ?? null, b ?? null) && !eqValues(a ?? null, b ?? null),
  },
  ge: { params: ['any', 'any'], call: ([a, b]) => !lessThan(a ?? null, b ?? null) },

  // sprig: encoding
  b64enc: { params: ['string'], call: ([s]) => Buffer.from(str(s ?? ''), 'latin1').toString('base64') },
  b64dec: {
    params: ['string'],
    call: ([s]) => {
      const r = decodeGoBase64(str(s ?? ''), 'std');
      // sprig returns the error text as the result.
      return r.ok ? Buffer.from(r.bytes).toString('latin1') : `illegal base64 data at input byte ${r.offset}`;
    },
  },
  toJson: { params: ['any'], call: ([v]) => goJsonMarshal(v ?? null) },
  toRawJson: { params: ['any'], call: ([v]) => goJsonMarshal(v ?? null, { escapeHtml: false }) },
  toPrettyJson: { params: ['any'], call: ([v]) => goJsonMarshal(v ?? null, { indent: '  ' }) },
  fromJson: { params: ['string'], call: ([s]) => goJsonUnmarshal(str(s ?? '')) ?? null },
  toYaml: { params: ['any'], call: ([v]) => goToYaml(v ?? null) },
  fromYaml: { params: ['string'], call: ([s]) => goFromYaml(str(s ?? '')) },
  sha256sum: { params: ['string'], call: ([s]) => hash('sha256', str(s ?? '')) },
  sha1sum: { params: ['string'], call: ([s]) => hash('sha1', str(s ?? '')) },

  // sprig: strings
  upper: { params: ['string'], call: ([s]) => mapCase(str(s ?? ''), true) },
  lower: { params: ['string'], call: ([s]) => mapCase(str(s ?? ''), false) },
  trim: { params: ['string'], call: ([s]) => trimSpace(str(s ?? '')) },
  trimPrefix: {
    params: ['string', 'string'],
    call: ([p, s]) =>
      str(s ?? '').startsWith(str(p ?? '')) ? str(s ?? '').slice(str(p ?? '').length) : str(s ?? ''),
  },
  trimSuffix: {
    params: ['string', 'string'],
    call: ([p, s]) => {
      const v = str(s ?? '');
      const suf = str(p ?? '');
      return suf !== '' && v.endsWith(suf) ? v.slice(0, v.length - suf.length) : v;
    },
  },
  contains: { params: ['string', 'string'], call: ([sub, s]) => str(s ?? '').includes(str(sub ?? '')) },
  hasPrefix: { params: ['string', 'string'], call: ([p, s]) => str(s ?? '').startsWith(str(p ?? '')) },
  hasSuffix: { params: ['string', 'string'], call: ([p, s]) => str(s ?? '').endsWith(str(p ?? '')) },
  replace: {
    params: ['string', 'string', 'string'],
    call: ([o, n, s], budget) => goReplaceAllLiteral(str(s ?? ''), str(o ?? ''), str(n ?? ''), budget),
  },
  repeat: {
    params: ['int', 'string'],
    call: ([n, s], budget) => {
      const count = int(n ?? 0n) > 0n ? int(n ?? 0n) : 0n;
      budget.value(count * BigInt(str(s ?? '').length));
      return str(s ?? '').repeat(Number(count));
    },
  },
  quote: {
    params: [],
    variadic: 'any',
    call: (a, budget) => {
      budget.value(joinedWeight(a, 1));
      return a
        .filter((x) => x !== null)
        .map((x) => goQuote(typeof x === 'string' ? x : formatValue(x)))
        .join(' ');
    },
  },
  squote: {
    params: [],
    variadic: 'any',
    call: (a, budget) => {
      budget.value(joinedWeight(a, 1));
      return a
        .filter((x) => x !== null)
        .map((x) => `'${formatValue(x)}'`)
        .join(' ');
    },
  },
  cat: {
    params: [],
    variadic: 'any',
    call: (a, budget) => {
      budget.value(joinedWeight(a, 1));
      return a
        .filter((x) => x !== null)
        .map((x) => formatValue(x))
        .join(' ');
    },
  },
  indent: { params: ['int', 'string'], call: ([n, s], budget) => indent(int(n ?? 0n), str(s ?? ''), budget) },
  nindent: {
    params: ['int', 'string'],
    call: ([n, s], budget) => `\n${indent(int(n ?? 0n), str(s ?? ''), budget)}`,
  },
  toString: {
    params: ['any'] as ParamType[],
    call: ([v]: Value[]) => (typeof v === 'string' ? v : formatValue(v ?? null)),
  },
  join: {
    params: ['string', 'any'],
    call: ([sep, v], budget) => {
      const parts = strslice(v ?? null);
      budget.value(joinedWeight(parts, str(sep ?? '').length));
      return parts.join(str(sep ?? ''));
    },
  },
  splitList: { params: ['string', 'string'], call: ([sep, s]) => goSplit(str(s ?? ''), str(sep ?? '')) },
  split: {
    params: ['string', 'string'],
    call: ([sep, s]) =>
      new GoMap(new Map(goSplit(str(s ?? ''), str(sep ?? '')).map((p, i) => [`_${i}`, p])), 'string'),
  },

  // sprig: defaults and collections
  default: {
    params: ['any'],
    variadic: 'any',
    call: ([d, ...given]) =>
      given.length === 0 || empty(given[0] ?? null) ? (d ?? null) : (given[0] ?? null),
  },
  empty: { params: ['any'], call: ([v]) => empty(v ?? null) },
  coalesce: { params: [], variadic: 'any', call: (a) => a.find((x) => !empty(x)) ?? null },
  ternary: { params: ['any', 'any', 'bool'], call: ([t, f, c]) => (c ? (t ?? null) : (f ?? null)) },
  list: { params: [], variadic: 'any', call: (a) => [...a] },
  dict: {
    params: [],
    variadic: 'any',
    call: (a) => {
      const m = new Map<string, Value>();
      for (let i = 0; i < a.length; i += 2) {
        const k = a[i] ?? null;
        m.set(typeof k === 'string' ? k : formatValue(k), i + 1 < a.length ? (a[i + 1] ?? null) : '');
      }
      return new GoMap(m, 'any');
    },
  },
  get: {
    params: ['map', 'string'],
    call: ([m, k]) => {
      const map = m as GoMap;
      return map.entries.has(str(k ?? '')) ? (map.entries.get(str(k ?? '')) ?? null) : '';
    },
  },
  hasKey: { params: ['map', 'string'], call: ([m, k]) => (m as GoMap).entries.has(str(k ?? '')) },
};

/** strings.Replace(s, old, new, -1), including Go's rule for an empty `old`. */
function goReplaceAllLiteral(s: string, old: string, repl: string, budget: TemplateBudget): string {
  if (old === '') {
    // Go inserts `repl` before every UTF-8 sequence and at the end.
    const runes = [...fromBytes(s)].map(toBytes);
    budget.value(s.length + (runes.length + 1) * repl.length);
    return repl + runes.join(repl) + (runes.length > 0 ? repl : '');
  }
  const parts = s.split(old);
  budget.value(joinedWeight(parts, repl.length));
  return parts.join(repl);
}

/** The size of `parts` joined by a separator of `sepLength`, before building it. */
function joinedWeight(parts: Value[], sepLength: number): number {
  let w = Math.max(0, parts.length - 1) * sepLength;
  for (const p of parts) w += valueWeight(p);
  return w;
}

/** strings.Split: an empty separator splits after each UTF-8 sequence. */
function goSplit(s: string, sep: string): string[] {
  if (sep === '') return [...fromBytes(s)].map(toBytes);
  return s.split(sep);
}

export function hasFunction(name: string): boolean {
  return Object.hasOwn(FUNCTIONS, name);
}
