/**
 * Go's encoding/json as sprig's toJson/fromJson use it: map keys sorted by bytes, "<", ">" and
 * "&" escaped (HTML-safe), invalid UTF-8 replaced, float64 numbers printed the way Go does.
 */
import { FuncError } from './errors.js';
import { decodeRune } from './go-fmt.js';
import { fromBytes, GoMap, toBytes, type Value } from './values.js';

export function goJsonMarshal(v: Value, opts: { escapeHtml?: boolean; indent?: string } = {}): string {
  const escapeHtml = opts.escapeHtml ?? true;
  const indent = opts.indent ?? '';
  const enc = (x: Value, depth: number): string => {
    if (x === null) return 'null';
    if (typeof x === 'string') return quoteJson(x, escapeHtml);
    if (typeof x === 'bigint') return x.toString();
    if (typeof x === 'number') {
      if (!Number.isFinite(x)) throw new FuncError('json: unsupported value (NaN or Inf)');
      return String(x);
    }
    if (typeof x === 'boolean') return x ? 'true' : 'false';
    const nl = indent ? `\n${indent.repeat(depth + 1)}` : '';
    const end = indent ? `\n${indent.repeat(depth)}` : '';
    if (Array.isArray(x)) {
      if (x.length === 0) return '[]';
      return `[${x.map((e) => nl + enc(e, depth + 1)).join(',')}${end}]`;
    }
    const keys = x.sortedKeys();
    if (keys.length === 0) return '{}';
    const sep = indent ? ': ' : ':';
    return `{${keys
      .map((k) => `${nl}${quoteJson(k, escapeHtml)}${sep}${enc(x.entries.get(k) ?? null, depth + 1)}`)
      .join(',')}${end}}`;
  };
  return toBytes(enc(v, 0));
}

/** Go's encodeState.string over a byte string: invalid UTF-8 bytes become \\ufffd escapes. */
function quoteJson(bytes: string, escapeHtml: boolean): string {
  const buf = Buffer.from(bytes, 'latin1');
  let out = '"';
  let i = 0;
  while (i < buf.length) {
    const { cp, width } = decodeRune(buf, i);
    i += width;
    if (cp < 0) {
      out += '\\ufffd';
      continue;
    }
    const ch = String.fromCodePoint(cp);
    if (ch === '"') out += '\\"';
    else if (ch === '\\') out += '\\\\';
    else if (cp < 0x20) {
      const named: Record<number, string> = { 8: '\\b', 9: '\\t', 10: '\\n', 12: '\\f', 13: '\\r' };
      out += named[cp] ?? `\\u00${cp.toString(16).padStart(2, '0')}`;
    } else if (escapeHtml && (ch === '<' || ch === '>' || ch === '&')) {
      out += `\\u00${cp.toString(16)}`;
    } else if (cp === 0x2028 || cp === 0x2029) {
      out += `\\u${cp.toString(16)}`;
    } else out += ch;
  }
  return `${out}"`;
}

/** json.Unmarshal into interface{}; undefined when the text is not valid JSON. */
export function goJsonUnmarshal(bytes: string): Value | undefined {
  let parsed: unknown;
  try {
    parsed = JSON.parse(fromBytes(bytes));
  } catch {
    return undefined;
  }
  return fromPlain(parsed);
}

/** Plain JSON-ish JavaScript data -> template values (numbers become float64, as in Go). */
export function fromPlain(x: unknown): Value {
  if (x === null || x === undefined) return null;
  if (typeof x === 'string') return toBytes(x);
  if (typeof x === 'number') return x;
  if (typeof x === 'bigint') return x;
  if (typeof x === 'boolean') return x;
  if (Array.isArray(x)) return x.map(fromPlain);
  if (x instanceof Date) return toBytes(x.toISOString());
  if (typeof x === 'object') {
    const m = new Map<string, Value>();
    for (const [k, v] of Object.entries(x as Record<string, unknown>)) m.set(toBytes(k), fromPlain(v));
    return new GoMap(m, 'any');
  }
  return toBytes(String(x));
}
