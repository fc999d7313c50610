/**
 * remoteRef.property the way ESO reads it (gjson over the secret's JSON): "a.b" walks objects,
 * "list.0" indexes arrays, "\." escapes a dot, and a property that contains dots is first tried
 * as one literal key. Results are gjson's String(): strings unquoted, integers as written, other
 * numbers in shortest form, null as "", objects and arrays as their raw JSON text.
 *
 * The parser keeps each value's raw span, because ESO returns nested JSON byte-for-byte as the
 * provider stored it (whitespace included), which JSON.parse + stringify would not.
 */

export type JsonNode =
  | { kind: 'object'; entries: Array<[string, JsonNode]>; raw: string }
  | { kind: 'array'; items: JsonNode[]; raw: string }
  | { kind: 'string'; value: string; raw: string }
  | { kind: 'number'; value: number; raw: string }
  | { kind: 'bool'; value: boolean; raw: string }
  | { kind: 'null'; raw: string };

export type JsonParseResult = { ok: true; node: JsonNode } | { ok: false; offset: number };

/** Parses JSON text; on failure tells only the offset (a message could quote the secret). */
export function parseJson(text: string): JsonParseResult {
  let i = 0;
  const fail = (): never => {
    throw new JsonSyntaxAt(i);
  };
  const ws = () => {
    while (i < text.length && (text[i] === ' ' || text[i] === '\t' || text[i] === '\n' || text[i] === '\r'))
      i++;
  };
  const value = (): JsonNode => {
    ws();
    const start = i;
    const c = text[i];
    if (c === '{') {
      i++;
      const entries: Array<[string, JsonNode]> = [];
      ws();
      if (text[i] === '}') {
        i++;
        return { kind: 'object', entries, raw: text.slice(start, i) };
      }
      for (;;) {
        ws();
        if (text[i] !== '"') fail();
        const key = string();
        ws();
        if (text[i] !== ':') fail();
        i++;
        entries.push([key, value()]);
        ws();
        if (text[i] === ',') {
          i++;
          continue;
        }
        if (text[i] === '}') {
          i++;
          return { kind: 'object', entries, raw: text.slice(start, i) };
        }
        fail();
      }
    }
    if (c === '[') {
      i++;
      const items: JsonNode[] = [];
      ws();
      if (text[i] === ']') {
        i++;
        return { kind: 'array', items, raw: text.slice(start, i) };
      }
      for (;;) {
        items.push(value());
        ws();
        if (text[i] === ',') {
          i++;
          continue;
        }
        if (text[i] === ']') {
          i++;
          return { kind: 'array', items, raw: text.slice(start, i) };
        }
        fail();
      }
    }
    if (c === '"') {
      const v = string();
      return { kind: 'string', value: v, raw: text.slice(start, i) };
    }
    for (const [lit, node] of [
      ['true', { kind: 'bool', value: true }],
      ['false', { kind: 'bool', value: false }],
      ['null', { kind: 'null' }],
    ] as const) {
      if (text.startsWith(lit, i)) {
        i += lit.length;
        return { ...node, raw: lit } as JsonNode;
      }
    }
    const m = /^-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?/.exec(text.slice(i, i + 400));
    if (!m || m[0] === '' || m[0] === '-') fail();
    i += (m as RegExpExecArray)[0].length;
    const raw = text.slice(start, i);
    return { kind: 'number', value: Number(raw), raw };
  };
  const string = (): string => {
    i++; // opening quote
    let out = '';
    for (;;) {
      const c = text[i];
      if (c === undefined) fail();
      if (c === '"') {
        i++;
        return out;
      }
      if (c === '\\') {
        const e = text[i + 1];
        const simple: Record<string, string> = {
          '"': '"',
          '\\': '\\',
          '/': '/',
          b: '\b',
          f: '\f',
          n: '\n',
          r: '\r',
          t: '\t',
        };
        if (e !== undefined && simple[e] !== undefined) {
          out += simple[e];
          i += 2;
        } else if (e === 'u' && /^[0-9a-fA-F]{4}$/.test(text.slice(i + 2, i + 6))) {
          out += String.fromCharCode(Number.parseInt(text.slice(i + 2, i + 6), 16));
          i += 6;
        } else fail();
        continue;
      }
      if ((c as string).charCodeAt(0) < 0x20) fail();
      out += c;
      i++;
    }
  };
  try {
    const node = value();
    ws();
    if (i !== text.length) fail();
    return { ok: true, node };
  } catch (e) {
    if (e instanceof JsonSyntaxAt) return { ok: false, offset: e.offset };
    throw e;
  }
}

class JsonSyntaxAt {
  constructor(readonly offset: number) {}
}

export type PathParseResult = { ok: true; segments: string[] } | { ok: false; feature: string };

/** gjson path syntax we support: dot-separated segments, backslash escapes. */
export function parsePropertyPath(path: string): PathParseResult {
  const segments: string[] = [];
  let cur = '';
  let escapedInSegment = false;
  for (let i = 0; i < path.length; i++) {
    const c = path[i] as string;
    if (c === '\\') {
      i++;
      if (i < path.length) cur += path[i];
      escapedInSegment = true;
      continue;
    }
    if (c === '.') {
      segments.push(cur);
      cur = '';
      escapedInSegment = false;
      continue;
    }
    if (c === '*' || c === '?') return { ok: false, feature: 'wildcards (* ?)' };
    if (c === '|') return { ok: false, feature: 'pipes (|)' };
    if ((c === '#' || c === '@' || c === '!') && cur === '' && !escapedInSegment) {
      return {
        ok: false,
        feature: c === '#' ? 'array queries (#)' : c === '@' ? 'modifiers (@)' : 'literals (!)',
      };
    }
    cur += c;
  }
  segments.push(cur);
  return { ok: true, segments };
}

/** Escapes a key so parsePropertyPath reads it as one segment. */
export function escapePropertySegment(key: string): string {
  return key.replace(/[\\.*?|#@!]/g, (m) => `\\${m}`);
}

export function walkPath(root: JsonNode, segments: string[]): JsonNode | undefined {
  let node: JsonNode | undefined = root;
  for (const seg of segments) {
    if (!node) return undefined;
    if (node.kind === 'object') {
      // gjson returns the first member with the key.
      node = node.entries.find(([k]) => k === seg)?.[1];
    } else if (node.kind === 'array' && /^[0-9]+$/.test(seg)) {
      node = node.items[Number(seg)];
    } else {
      return undefined;
    }
  }
  return node;
}

/** gjson Result.String(). */
export function gjsonString(node: JsonNode): string {
  switch (node.kind) {
    case 'string':
      return node.value;
    case 'number':
      return /^-?[0-9]+$/.test(node.raw) ? node.raw : formatFloatF(node.value);
    case 'bool':
      return node.value ? 'true' : 'false';
    case 'null':
      return '';
    default:
      return node.raw;
  }
}

/** strconv.FormatFloat(f, 'f', -1, 64): shortest digits, never an exponent. */
export function formatFloatF(f: number): string {
  if (!Number.isFinite(f)) return f > 0 ? '+Inf' : f < 0 ? '-Inf' : 'NaN';
  if (f === 0) return Object.is(f, -0) ? '-0' : '0';
  const [mant = '', expStr = '0'] = Math.abs(f).toExponential().split('e');
  const exp = Number(expStr);
  const digits = mant.replace('.', '');
  const sign = f < 0 ? '-' : '';
  if (exp < 0) return `${sign}0.${'0'.repeat(-exp - 1)}${digits}`;
  if (digits.length <= exp + 1) return `${sign}${digits}${'0'.repeat(exp + 1 - digits.length)}`;
  return `${sign}${digits.slice(0, exp + 1)}.${digits.slice(exp + 1)}`;
}

export type PropertyLookup =
  | { ok: true; value: string }
  | { ok: false; reason: 'invalid-json'; offset: number }
  | { ok: false; reason: 'not-found' }
  | { ok: false; reason: 'unsupported'; feature: string };

/** ESO's property lookup on a JSON document: literal key first when it contains dots, then the path. */
export function lookupProperty(json: string, property: string): PropertyLookup {
  const parsed = parseJson(json);
  if (!parsed.ok) return { ok: false, reason: 'invalid-json', offset: parsed.offset };
  if (property.includes('.')) {
    const literal = walkPath(parsed.node, [property]);
    if (literal) return { ok: true, value: gjsonString(literal) };
  }
  const path = parsePropertyPath(property);
  if (!path.ok) return { ok: false, reason: 'unsupported', feature: path.feature };
  const found = walkPath(parsed.node, path.segments);
  return found ? { ok: true, value: gjsonString(found) } : { ok: false, reason: 'not-found' };
}
