/**
 * toYaml / fromYaml as ESO defines them (sigs.k8s.io/yaml over go-yaml v2): a value goes through
 * Go's JSON first, then YAML 1.1 with go-yaml's key order and scalar styles. Maps of strings,
 * numbers, booleans and lists render byte-for-byte like ESO; see docs/api.md for the edges.
 */
import { parse } from 'yaml';
import { fromPlain, goJsonMarshal, goJsonUnmarshal } from './go-json.js';
import { formatFloatV, fromBytes, GoMap, toBytes, type Value } from './values.js';

const YAML_11_NON_STRINGS = new Set([
  '~',
  'null',
  'Null',
  'NULL',
  'y',
  'Y',
  'yes',
  'Yes',
  'YES',
  'n',
  'N',
  'no',
  'No',
  'NO',
  'true',
  'True',
  'TRUE',
  'false',
  'False',
  'FALSE',
  'on',
  'On',
  'ON',
  'off',
  'Off',
  'OFF',
  '.inf',
  '.Inf',
  '.INF',
  '+.inf',
  '+.Inf',
  '+.INF',
  '-.inf',
  '-.Inf',
  '-.INF',
  '.nan',
  '.NaN',
  '.NAN',
  '<<',
]);

/** Would go-yaml v2 read this plain scalar as something other than a string? Then it quotes it. */
function resolvesToNonString(s: string): boolean {
  if (s === '' || YAML_11_NON_STRINGS.has(s)) return true;
  const plain = s.replace(/_/g, '');
  if (/^[-+]?(0b[01]+|0x[0-9a-fA-F]+|0o?[0-7]+|[0-9]+)$/.test(plain)) return true;
  if (/^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$/.test(plain)) return true;
  // base 60 floats ("1:20") and timestamps ("2001-12-14")
  if (/^[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+(?:\.[0-9_]*)?$/.test(s)) return true;
  if (/^[0-9]{4}-[0-9]{1,2}-[0-9]{1,2}([Tt ]|$)/.test(s)) return true;
  return false;
}

/** go-yaml v2's key order: digits compare as numbers, non-letters before letters. */
export function goYamlKeyLess(a: string, b: string): boolean {
  const ar = [...a];
  const br = [...b];
  const isLetter = (c: string) => /\p{L}/u.test(c);
  const isDigit = (c: string | undefined) => c !== undefined && /\p{Nd}/u.test(c);
  for (let i = 0; i < ar.length && i < br.length; i++) {
    const ac = ar[i] as string;
    const bc = br[i] as string;
    if (ac === bc) continue;
    const al = isLetter(ac);
    const bl = isLetter(bc);
    if (al && bl) return (ac.codePointAt(0) ?? 0) < (bc.codePointAt(0) ?? 0);
    if (al || bl) return bl;
    let an = 0n;
    let bn = 0n;
    if (ac === '0' || bc === '0') {
      for (let j = i - 1; j >= 0 && isDigit(ar[j]); j--) {
        if (ar[j] !== '0') {
          an = 1n;
          bn = 1n;
          break;
        }
      }
    }
    let ai = i;
    let bi = i;
    for (; ai < ar.length && isDigit(ar[ai]); ai++)
      an = an * 10n + BigInt((ar[ai]?.codePointAt(0) ?? 48) - 48);
    for (; bi < br.length && isDigit(br[bi]); bi++)
      bn = bn * 10n + BigInt((br[bi]?.codePointAt(0) ?? 48) - 48);
    if (an !== bn) return an < bn;
    if (ai !== bi) return ai < bi;
    return (ac.codePointAt(0) ?? 0) < (bc.codePointAt(0) ?? 0);
  }
  return ar.length < br.length;
}

export function goToYaml(v: Value): string {
  // sigs.k8s.io/yaml: Go JSON first (so numbers, HTML escaping and key sets are JSON's), then YAML.
  const viaJson = goJsonUnmarshal(goJsonMarshal(v, { escapeHtml: true })) ?? null;
  const lines: string[] = [];
  emitNode(viaJson, 0, lines, '');
  return toBytes(lines.join('\n'));
}

/**
 * A small emitter with libyaml's choices (go-yaml v2 is a port of libyaml): block style, 2-space
 * indent, sequences not indented under their key, plain scalars folded at the first space past
 * column 80, single quotes where plain is not allowed, double quotes for non-printables.
 */
function emitNode(v: Value, indent: number, out: string[], prefix: string): void {
  if (v instanceof GoMap && v.entries.size > 0) {
    const keys = [...v.entries.keys()]
      .map(fromBytes)
      .sort((a, b) => (goYamlKeyLess(a, b) ? -1 : goYamlKeyLess(b, a) ? 1 : 0));
    keys.forEach((k, i) => {
      const lead = i === 0 ? prefix : ' '.repeat(indent);
      const keyText = scalarText(k, true, indent, lead.length);
      const value = v.entries.get(toBytes(k)) ?? null;
      const head = `${lead}${keyText}:`;
      if (value instanceof GoMap && value.entries.size > 0) {
        out.push(head);
        emitNode(value, indent + 2, out, ' '.repeat(indent + 2));
      } else if (Array.isArray(value) && value.length > 0) {
        out.push(head);
        emitNode(value, indent, out, ' '.repeat(indent));
      } else {
        pushScalar(out, head, value, indent + 2);
      }
    });
    return;
  }
  if (Array.isArray(v) && v.length > 0) {
    v.forEach((item, i) => {
      const lead = `${i === 0 ? prefix : ' '.repeat(indent)}- `;
      if ((item instanceof GoMap && item.entries.size > 0) || (Array.isArray(item) && item.length > 0)) {
        emitNode(item, indent + 2, out, lead);
      } else {
        pushScalar(out, lead.slice(0, -1), item, indent + 2);
      }
    });
    return;
  }
  pushScalar(out, prefix.trimEnd(), v, indent + 2, prefix === '');
}

/** Appends "head value" (or the top-level scalar), handling multi-line literal blocks. */
function pushScalar(out: string[], head: string, v: Value, indent: number, top = false): void {
  const sep = head === '' ? '' : ' ';
  const text = scalarText(v, false, indent, head.length + sep.length);
  const [first, ...rest] = text.split('\n');
  out.push(`${head}${top ? '' : sep}${first}`);
  out.push(...rest);
}

function scalarText(v: Value, isKey: boolean, indent: number, column: number): string {
  if (v === null) return 'null';
  if (typeof v === 'boolean') return v ? 'true' : 'false';
  if (typeof v === 'bigint') return v.toString();
  if (typeof v === 'number') {
    if (Number.isInteger(v) && Math.abs(v) < 2 ** 63) return BigInt(v).toString();
    if (Number.isNaN(v)) return '.nan';
    if (!Number.isFinite(v)) return v > 0 ? '.inf' : '-.inf';
    return formatFloatV(v);
  }
  if (v instanceof GoMap) return '{}';
  if (Array.isArray(v)) return '[]';
  const s = fromBytes(v);
  const a = analyzeScalar(s);
  // go-yaml asks for literal (multi-line), plain (when the text reads back as a string) or
  // double quotes; libyaml then falls back plain -> single -> double where a style is not allowed.
  let style: 'plain' | 'single' | 'double' | 'literal';
  if (s.includes('\n')) style = a.blockAllowed && !isKey ? 'literal' : 'double';
  else if (!resolvesToNonString(s)) {
    style = a.blockPlainAllowed ? 'plain' : 'single';
    if (style === 'single' && !a.singleQuotedAllowed) style = 'double';
  } else style = 'double';
  switch (style) {
    case 'literal':
      return literalBlock(s, indent);
    case 'plain':
      return fold(s, indent, column);
    case 'single':
      return `'${fold(s.replace(/'/g, "''"), indent, column + 1)}'`;
    default:
      return doubleQuoted(s);
  }
}

/** libyaml's yaml_emitter_analyze_scalar, reduced to the flags block context uses. */
function analyzeScalar(s: string): {
  blockPlainAllowed: boolean;
  singleQuotedAllowed: boolean;
  blockAllowed: boolean;
} {
  if (s === '') return { blockPlainAllowed: true, singleQuotedAllowed: true, blockAllowed: false };
  const chars = [...s];
  let blockIndicators = s.startsWith('---') || s.startsWith('...');
  let special = false;
  let lineBreaks = false;
  let leadingSpace = false;
  let leadingBreak = false;
  let trailingSpace = false;
  let trailingBreak = false;
  let breakSpace = false;
  let spaceBreak = false;
  let prevSpace = false;
  let prevBreak = false;
  let precededByWs = true;
  const isBlankz = (c: string | undefined) =>
    c === undefined || c === ' ' || c === '\t' || c === '\n' || c === '\r';
  chars.forEach((c, i) => {
    const first = i === 0;
    const last = i === chars.length - 1;
    const followedByWs = isBlankz(chars[i + 1]);
    if (first) {
      if ('#,[]{}&*!|>\'"%@`'.includes(c)) blockIndicators = true;
      if ((c === '?' || c === ':') && followedByWs) blockIndicators = true;
      if (c === '-' && followedByWs) blockIndicators = true;
    } else {
      if (c === ':' && followedByWs) blockIndicators = true;
      if (c === '#' && precededByWs) blockIndicators = true;
    }
    if (!isPrintable(c)) special = true;
    if (c === '\n' || c === '\r') lineBreaks = true;
    if (c === ' ') {
      if (first) leadingSpace = true;
      if (last) trailingSpace = true;
      if (prevBreak) breakSpace = true;
      prevSpace = true;
      prevBreak = false;
    } else if (c === '\n' || c === '\r') {
      if (first) leadingBreak = true;
      if (last) trailingBreak = true;
      if (prevSpace) spaceBreak = true;
      prevBreak = true;
      prevSpace = false;
    } else {
      prevSpace = false;
      prevBreak = false;
    }
    precededByWs = isBlankz(c);
  });
  let blockPlainAllowed = true;
  let singleQuotedAllowed = true;
  let blockAllowed = true;
  if (leadingSpace || leadingBreak || trailingSpace || trailingBreak) blockPlainAllowed = false;
  if (trailingSpace) blockAllowed = false;
  if (breakSpace) {
    blockPlainAllowed = false;
    singleQuotedAllowed = false;
  }
  if (spaceBreak || special) {
    blockPlainAllowed = false;
    singleQuotedAllowed = false;
    blockAllowed = false;
  }
  if (lineBreaks) blockPlainAllowed = false;
  if (blockIndicators) blockPlainAllowed = false;
  return { blockPlainAllowed, singleQuotedAllowed, blockAllowed };
}

/** libyaml's is_printable: LF, printable ASCII, and BMP characters except surrogates, U+FEFF, U+FFFE/F. */
function isPrintable(c: string): boolean {
  const cp = c.codePointAt(0) ?? 0;
  if (cp === 0x0a) return true;
  if (cp >= 0x20 && cp <= 0x7e) return true;
  if (cp >= 0xa0 && cp <= 0xd7ff) return true;
  if (cp >= 0xe000 && cp <= 0xfffd && cp !== 0xfeff) return true;
  return false;
}

/** Breaks at the first space after column 80 (libyaml's best_width), continuing at `indent`. */
function fold(s: string, indent: number, startColumn: number): string {
  let out = '';
  let column = startColumn;
  let spaces = false;
  const chars = [...s];
  chars.forEach((c, i) => {
    if (c === ' ') {
      if (!spaces && column > 80 && chars[i + 1] !== ' ' && i !== 0 && i !== chars.length - 1) {
        out += `\n${' '.repeat(indent)}`;
        column = indent;
      } else {
        out += c;
        column++;
      }
      spaces = true;
    } else {
      out += c;
      column++;
      spaces = false;
    }
  });
  return out;
}

function literalBlock(s: string, indent: number): string {
  const hint = s.startsWith(' ') || s.startsWith('\n') ? '2' : '';
  let chomp = '';
  if (!s.endsWith('\n')) chomp = '-';
  else if (s.length === 1 || s.endsWith('\n\n')) chomp = '+';
  const body = s.endsWith('\n') ? s.slice(0, -1) : s;
  const lines = body.split('\n').map((l) => (l === '' ? '' : ' '.repeat(indent) + l));
  return `|${hint}${chomp}\n${lines.join('\n')}`;
}

function doubleQuoted(s: string): string {
  const named: Record<string, string> = {
    '\0': '0',
    '\x07': 'a',
    '\b': 'b',
    '\t': 't',
    '\n': 'n',
    '\v': 'v',
    '\f': 'f',
    '\r': 'r',
    '\x1b': 'e',
    '"': '"',
    '\\': '\\',
    '\u0085': 'N',
    '\u00a0': '_',
    '\u2028': 'L',
    '\u2029': 'P',
  };
  let out = '"';
  for (const c of s) {
    const cp = c.codePointAt(0) ?? 0;
    const n = named[c];
    if (
      n !== undefined &&
      (c === '"' ||
        c === '\\' ||
        !isPrintable(c) ||
        cp === 0xa0 ||
        cp === 0x85 ||
        cp === 0x2028 ||
        cp === 0x2029 ||
        c === '\n')
    ) {
      out += `\\${n}`;
    } else if (!isPrintable(c) || cp === 0xfeff) {
      out += cp <= 0xff ? `\\x${hex(cp, 2)}` : cp <= 0xffff ? `\\u${hex(cp, 4)}` : `\\U${hex(cp, 8)}`;
    } else out += c;
  }
  return `${out}"`;
}

const hex = (n: number, w: number) => n.toString(16).toUpperCase().padStart(w, '0');

/** fromYaml: a map (map[string]interface{}), or {"Error": ...} when the text is not a YAML map. */
export function goFromYaml(bytes: string): GoMap {
  let parsed: unknown;
  try {
    parsed = parse(fromBytes(bytes), {
      version: '1.1',
      customTags: (tags) =>
        tags.filter((t) => typeof t !== 'object' || !('tag' in t) || t.tag !== 'tag:yaml.org,2002:timestamp'),
      uniqueKeys: false,
    });
  } catch {
    return errorMap('error converting YAML to JSON');
  }
  if (parsed === null || parsed === undefined) return new GoMap(new Map(), 'any');
  if (typeof parsed !== 'object' || Array.isArray(parsed)) {
    return errorMap('error unmarshaling JSON: cannot unmarshal into map[string]interface {}');
  }
  // Through JSON, as sigs.k8s.io/yaml does: keys become strings, numbers float64.
  const v = fromPlain(JSON.parse(JSON.stringify(parsed, (_k, x) => (typeof x === 'bigint' ? Number(x) : x))));
  return v instanceof GoMap ? v : new GoMap(new Map(), 'any');
}

function errorMap(message: string): GoMap {
  return new GoMap(new Map([[toBytes('Error'), toBytes(message)]]), 'any');
}

export type YamlPairs = { ok: true; entries: Array<[string, string]> } | { ok: false };

/**
 * templateFrom output as ESO reads it: YAML (1.1) unmarshalled into map[string]string. Keys are
 * text, values byte strings; a value that is not a string (a number, a bool, a list) fails, as
 * it does in ESO. Empty output is an empty map.
 */
export function goFromYamlStrict(bytes: string): YamlPairs {
  let parsed: unknown;
  try {
    parsed = parse(fromBytes(bytes), {
      version: '1.1',
      customTags: (tags) =>
        tags.filter((t) => typeof t !== 'object' || !('tag' in t) || t.tag !== 'tag:yaml.org,2002:timestamp'),
      uniqueKeys: false,
    });
  } catch {
    return { ok: false };
  }
  if (parsed === null || parsed === undefined) return { ok: true, entries: [] };
  if (typeof parsed !== 'object' || Array.isArray(parsed)) return { ok: false };
  const entries: Array<[string, string]> = [];
  for (const [k, v] of Object.entries(parsed as Record<string, unknown>)) {
    if (v === null) entries.push([k, '']);
    else if (typeof v === 'string') entries.push([k, toBytes(v)]);
    else return { ok: false };
  }
  return { ok: true, entries };
}
