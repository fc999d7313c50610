/**
 * Removes what we sent (Secret data, label and annotation values) from text the API server or the
 * network stack hands back. The API server does not echo a value as we sent it: field errors quote
 * it Go-style (%q), the Status body is JSON (Go's encoder also escapes <, > and &), and a body we
 * could not parse is raw JSON text. Every one of those spellings is removed, not just the original.
 */

const REDACTED = '[redacted]';

/**
 * Values shorter than this are left alone: they would redact ordinary words, and a message made
 * of "[redacted]" helps nobody. (400/422 messages, where the API server quotes values, are never
 * forwarded at all; see api-errors.ts.)
 */
const MIN_REDACTED_LENGTH = 4;

/** Removes every spelling of every value (longest first, so no part of one survives a shorter one). */
export function redact(text: string, values: readonly string[] | undefined): string {
  if (!values?.length) return text;
  const forms = new Set<string>();
  for (const value of values) {
    if (value.length < MIN_REDACTED_LENGTH) continue;
    for (const form of spellingsOf(value)) if (form.length >= MIN_REDACTED_LENGTH) forms.add(form);
  }
  let out = text;
  for (const form of [...forms].sort((a, b) => b.length - a.length)) out = out.split(form).join(REDACTED);
  return out;
}

/** The value as it may come back: plain, Go-quoted, JSON-escaped (JS and Go style), and both. */
export function spellingsOf(value: string): string[] {
  const quoted = goQuoteInner(value);
  return [
    ...new Set([value, quoted, jsonInner(value), goJsonInner(value), jsonInner(quoted), goJsonInner(quoted)]),
  ];
}

/** JSON.stringify without the surrounding quotes. */
export function jsonInner(value: string): string {
  return JSON.stringify(value).slice(1, -1);
}

/**
 * Go's encoding/json string form without the quotes: like JSON.stringify, plus its HTML-safe
 * escapes (<, >, &) and U+2028/U+2029; \b and \f as \u0008/\u000c (Go before 1.22).
 */
export function goJsonInner(value: string): string {
  return jsonInner(value)
    .replace(/\\b/g, '\\u0008')
    .replace(/\\f/g, '\\u000c')
    .replace(/[<>&\u2028\u2029]/g, (c) => `\\u${(c.codePointAt(0) ?? 0).toString(16).padStart(4, '0')}`);
}

const GO_NAMED_ESCAPES: Record<string, string> = {
  '\u0007': '\\a',
  '\b': '\\b',
  '\f': '\\f',
  '\n': '\\n',
  '\r': '\\r',
  '\t': '\\t',
  '\u000b': '\\v',
};

/** unicode.IsPrint: letters, marks, numbers, punctuation, symbols and the ASCII space. */
const GO_PRINTABLE = /^[\p{L}\p{M}\p{N}\p{P}\p{S} ]$/u;

/** strconv.Quote (what %q prints) without the surrounding quotes. */
export function goQuoteInner(value: string): string {
  let out = '';
  for (const char of value) {
    const code = char.codePointAt(0) ?? 0;
    if (char === '"' || char === '\\') out += `\\${char}`;
    else if (GO_PRINTABLE.test(char)) out += char;
    else if (GO_NAMED_ESCAPES[char]) out += GO_NAMED_ESCAPES[char];
    else if (code < 0x20 || code === 0x7f) out += `\\x${code.toString(16).padStart(2, '0')}`;
    else if (code < 0x10000) out += `\\u${code.toString(16).padStart(4, '0')}`;
    else out += `\\U${code.toString(16).padStart(8, '0')}`;
  }
  return out;
}
