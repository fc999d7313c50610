/**
 * Go values as the template engine holds them. Go strings are byte sequences, so a string here is
 * a "byte string": one JavaScript char (0-255) per byte. Binary Secret values then survive
 * `{{ .keystore | b64enc }}` unchanged, `len` counts bytes and sorting follows byte order, as in Go.
 *
 *   Go string -> string (bytes)   Go int -> bigint   Go float64 -> number   bool -> boolean
 *   nil -> null   map[string]T -> GoMap   []interface{} -> Value[]
 */
export type Value = string | bigint | number | boolean | null | GoMap | Value[];

export class GoMap {
  readonly entries: Map<string, Value>;
  /** Element type: 'string' for the data map (map[string]string), 'any' for decoded JSON/YAML. */
  readonly elem: 'string' | 'any';
  constructor(entries: Map<string, Value>, elem: 'string' | 'any') {
    this.entries = entries;
    this.elem = elem;
  }
  sortedKeys(): string[] {
    return [...this.entries.keys()].sort(compareBytes);
  }
}

/** UTF-8 text -> byte string. */
export function toBytes(text: string): string {
  return Buffer.from(text, 'utf8').toString('latin1');
}

/** Byte string -> UTF-8 text (invalid sequences become U+FFFD, as Go's range over a string does). */
export function fromBytes(bytes: string): string {
  return Buffer.from(bytes, 'latin1').toString('utf8');
}

export function byteStringToUint8Array(bytes: string): Uint8Array {
  return new Uint8Array(Buffer.from(bytes, 'latin1'));
}

export function uint8ArrayToByteString(data: Uint8Array): string {
  return Buffer.from(data.buffer, data.byteOffset, data.byteLength).toString('latin1');
}

export function compareBytes(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Go's type name of a value, for error messages (never the value itself). */
export function goTypeName(v: Value): string {
  if (v === null) return '<nil>';
  if (typeof v === 'string') return 'string';
  if (typeof v === 'bigint') return 'int';
  if (typeof v === 'number') return 'float64';
  if (typeof v === 'boolean') return 'bool';
  if (Array.isArray(v)) return '[]interface {}';
  return v.elem === 'string' ? 'map[string]string' : 'map[string]interface {}';
}

/** text/template's truth: false, 0, nil and empty strings, maps and slices are false. */
export function isTrue(v: Value): boolean {
  if (v === null) return false;
  if (typeof v === 'string') return v.length > 0;
  if (typeof v === 'bigint') return v !== 0n;
  if (typeof v === 'number') return v !== 0;
  if (typeof v === 'boolean') return v;
  if (Array.isArray(v)) return v.length > 0;
  return v.entries.size > 0;
}

/** fmt's %v of a float64 (shortest %g: 1e+06, 123456, 1.5e-05), as Go prints it. */
export function formatFloatV(f: number): string {
  if (Number.isNaN(f)) return 'NaN';
  if (f === Number.POSITIVE_INFINITY) return '+Inf';
  if (f === Number.NEGATIVE_INFINITY) return '-Inf';
  if (f === 0) return Object.is(f, -0) ? '-0' : '0';
  const [mant = '', expStr = '0'] = Math.abs(f).toExponential().split('e');
  const exp = Number(expStr);
  const digits = mant.replace('.', '');
  const sign = f < 0 ? '-' : '';
  // strconv's 'g' with shortest precision: %e form when the exponent is < -4 or >= 6.
  if (exp < -4 || exp >= 6) {
    const m = digits.length > 1 ? `${digits[0]}.${digits.slice(1)}` : digits;
    const e = Math.abs(exp);
    return `${sign}${m}e${exp < 0 ? '-' : '+'}${e < 10 ? `0${e}` : e}`;
  }
  if (exp < 0) return `${sign}0.${'0'.repeat(-exp - 1)}${digits}`;
  if (digits.length <= exp + 1) return `${sign}${digits}${'0'.repeat(exp + 1 - digits.length)}`;
  return `${sign}${digits.slice(0, exp + 1)}.${digits.slice(exp + 1)}`;
}

/** fmt's %v. `top` is text/template's printValue: a nil at top level prints "<no value>". */
export function formatValue(v: Value, top = false): string {
  if (v === null) return top ? '<no value>' : '<nil>';
  if (typeof v === 'string') return v;
  if (typeof v === 'bigint') return v.toString();
  if (typeof v === 'number') return formatFloatV(v);
  if (typeof v === 'boolean') return v ? 'true' : 'false';
  if (Array.isArray(v)) return `[${v.map((x) => formatValue(x)).join(' ')}]`;
  return `map[${v
    .sortedKeys()
    .map((k) => `${k}:${formatValue(v.entries.get(k) ?? null)}`)
    .join(' ')}]`;
}
