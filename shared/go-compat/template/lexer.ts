/**
 * Lexer for the Go text/template language as ESO templates use it: `{{ }}` actions with trim
 * markers (`{{- ` / ` -}}`), comments, fields, variables, literals, pipes and parentheses.
 * It follows the token rules of Go's text/template/parse lexer.
 */
import { TemplateParseError } from './errors.js';

export type TokenType =
  | 'text'
  | 'leftDelim'
  | 'rightDelim'
  | 'space'
  | 'identifier'
  | 'keyword'
  | 'field'
  | 'dot'
  | 'variable'
  | 'string'
  | 'rawString'
  | 'char'
  | 'number'
  | 'bool'
  | 'nil'
  | 'leftParen'
  | 'rightParen'
  | 'pipe'
  | 'declare'
  | 'assign'
  | 'comma'
  | 'eof';

export interface Token {
  type: TokenType;
  /** Source text of the token (for text tokens: the text after trimming). */
  val: string;
  /** Offset in the template source. */
  pos: number;
}

export const KEYWORDS = new Set([
  'if',
  'else',
  'end',
  'range',
  'with',
  'define',
  'template',
  'block',
  'break',
  'continue',
]);

const isSpace = (c: string | undefined) => c === ' ' || c === '\t' || c === '\r' || c === '\n';
const isAlnum = (c: string | undefined) => c !== undefined && /^[\p{L}\p{Nd}_]$/u.test(c);

/** Offset -> 1-based line and column (columns count UTF-16 units from the line start). */
export function lineCol(src: string, pos: number): { line: number; column: number } {
  let line = 1;
  let lineStart = 0;
  for (let i = 0; i < pos && i < src.length; i++) {
    if (src[i] === '\n') {
      line++;
      lineStart = i + 1;
    }
  }
  return { line, column: pos - lineStart + 1 };
}

export function lex(src: string): Token[] {
  const tokens: Token[] = [];
  const fail = (detail: string, pos: number): never => {
    const { line, column } = lineCol(src, pos);
    throw new TemplateParseError(detail, line, column);
  };
  let pos = 0;
  let trimNextText = false;

  // Right delimiter at p? Returns its length (2 for "}}", 4 for " -}}") or 0.
  const atRightDelim = (p: number): { len: number; trim: boolean } | undefined => {
    if (isSpace(src[p]) && src[p + 1] === '-' && src.startsWith('}}', p + 2)) return { len: 4, trim: true };
    if (src.startsWith('}}', p)) return { len: 2, trim: false };
    return undefined;
  };

  while (pos <= src.length) {
    const open = src.indexOf('{{', pos);
    let text = open < 0 ? src.slice(pos) : src.slice(pos, open);
    if (trimNextText) text = text.replace(/^[ \t\r\n]+/, '');
    trimNextText = false;
    if (open < 0) {
      if (text !== '') tokens.push({ type: 'text', val: text, pos });
      break;
    }
    const trimLeft = src[open + 2] === '-' && isSpace(src[open + 3]);
    if (trimLeft) text = text.replace(/[ \t\r\n]+$/, '');
    if (text !== '') tokens.push({ type: 'text', val: text, pos });
    let p = open + 2 + (trimLeft ? 2 : 0);

    // A comment must follow the delimiter (and trim marker) immediately and end right before one.
    if (src.startsWith('/*', p)) {
      const end = src.indexOf('*/', p + 2);
      if (end < 0) fail('unclosed comment', open);
      const close = atRightDelim(end + 2);
      if (!close) fail('comment ends before closing delimiter', end);
      pos = end + 2 + (close?.len ?? 0);
      trimNextText = close?.trim ?? false;
      continue;
    }

    tokens.push({ type: 'leftDelim', val: '{{', pos: open });
    let parenDepth = 0;
    for (;;) {
      const close = atRightDelim(p);
      if (close) {
        if (parenDepth > 0) fail('unclosed left paren', p);
        tokens.push({ type: 'rightDelim', val: '}}', pos: p });
        p += close.len;
        trimNextText = close.trim;
        break;
      }
      const c = src[p];
      if (c === undefined) fail('unclosed action', open);
      if (isSpace(c)) {
        const start = p;
        while (isSpace(src[p]) && !atRightDelim(p)) p++;
        // Leave " -}}" to the delimiter check.
        if (p === start) p++;
        tokens.push({ type: 'space', val: src.slice(start, p), pos: start });
        continue;
      }
      const start = p;
      if (c === '=') {
        tokens.push({ type: 'assign', val: '=', pos: p++ });
      } else if (c === ':') {
        if (src[p + 1] !== '=') fail('expected :=', p);
        tokens.push({ type: 'declare', val: ':=', pos: p });
        p += 2;
      } else if (c === '|') {
        tokens.push({ type: 'pipe', val: '|', pos: p++ });
      } else if (c === ',') {
        tokens.push({ type: 'comma', val: ',', pos: p++ });
      } else if (c === '(') {
        parenDepth++;
        tokens.push({ type: 'leftParen', val: '(', pos: p++ });
      } else if (c === ')') {
        parenDepth--;
        if (parenDepth < 0) fail('unexpected right paren', p);
        tokens.push({ type: 'rightParen', val: ')', pos: p++ });
      } else if (c === '"') {
        p++;
        for (;;) {
          const d = src[p];
          if (d === undefined || d === '\n') fail('unterminated quoted string', start);
          if (d === '\\') {
            p += 2;
            continue;
          }
          p++;
          if (d === '"') break;
        }
        tokens.push({ type: 'string', val: src.slice(start, p), pos: start });
      } else if (c === '`') {
        const end = src.indexOf('`', p + 1);
        if (end < 0) fail('unterminated raw quoted string', start);
        p = end + 1;
        tokens.push({ type: 'rawString', val: src.slice(start, p), pos: start });
      } else if (c === "'") {
        p++;
        for (;;) {
          const d = src[p];
          if (d === undefined || d === '\n') fail('unterminated character constant', start);
          if (d === '\\') {
            p += 2;
            continue;
          }
          p++;
          if (d === "'") break;
        }
        tokens.push({ type: 'char', val: src.slice(start, p), pos: start });
      } else if (c === '$') {
        p++;
        while (isAlnum(src[p])) p++;
        tokens.push({ type: 'variable', val: src.slice(start, p), pos: start });
        checkTerminator(p);
      } else if (c === '.' && !/[0-9]/.test(src[p + 1] ?? '')) {
        p++;
        if (isAlnum(src[p])) {
          while (isAlnum(src[p])) p++;
          tokens.push({ type: 'field', val: src.slice(start, p), pos: start });
        } else {
          tokens.push({ type: 'dot', val: '.', pos: start });
        }
        checkTerminator(p);
      } else if (c === '+' || c === '-' || c === '.' || /[0-9]/.test(c as string)) {
        const m =
          /^[+-]?(0[xX][0-9a-fA-F_]+|0[bB][01_]+|0[oO][0-7_]+|(?:[0-9][0-9_]*)?(?:\.[0-9_]*)?(?:[eE][+-]?[0-9_]+)?)/.exec(
            src.slice(p),
          );
        const len = m?.[0].length ?? 0;
        if (len === 0 || /^[+-]?$/.test(m?.[0] ?? '') || isAlnum(src[p + len]))
          fail('bad number syntax', start);
        p += len;
        tokens.push({ type: 'number', val: src.slice(start, p), pos: start });
      } else if (isAlnum(c)) {
        while (isAlnum(src[p])) p++;
        const word = src.slice(start, p);
        const type: TokenType = KEYWORDS.has(word)
          ? 'keyword'
          : word === 'true' || word === 'false'
            ? 'bool'
            : word === 'nil'
              ? 'nil'
              : 'identifier';
        tokens.push({ type, val: word, pos: start });
        checkTerminator(p);
      } else {
        fail('unrecognized character in action', p);
      }
    }
    pos = p;
  }
  tokens.push({ type: 'eof', val: '', pos: src.length });
  return tokens;

  function checkTerminator(p: number): void {
    const c = src[p];
    if (c === undefined || isSpace(c) || '.,|:()='.includes(c) || atRightDelim(p)) return;
    fail('bad character after identifier', p);
  }
}
