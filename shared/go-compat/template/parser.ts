/**
 * Parser for the Go text/template subset: text, actions with pipelines, variables (`:=`, `=`),
 * if / else if / else, range (with `$i, $v :=`, else, break, continue), with / else with,
 * comments, parenthesised pipelines and field chains. `define`, `template` and `block` are
 * rejected: ESO templates are single, unnamed templates.
 */
import { TemplateParseError } from './errors.js';
import { lex, lineCol, type Token, type TokenType } from './lexer.js';
import { toBytes } from './values.js';

export type ArgNode =
  | { type: 'field'; pos: number; idents: string[] }
  | { type: 'chain'; pos: number; node: ArgNode; fields: string[] }
  | { type: 'variable'; pos: number; idents: string[] }
  | { type: 'identifier'; pos: number; name: string }
  | { type: 'dot'; pos: number }
  | { type: 'nil'; pos: number }
  | { type: 'bool'; pos: number; value: boolean }
  | NumberNode
  | { type: 'string'; pos: number; value: string }
  | PipeNode;

export interface NumberNode {
  type: 'number';
  pos: number;
  text: string;
  isInt: boolean;
  isFloat: boolean;
  int: bigint;
  float: number;
  /** A character constant ('a'): an int in Go, typed rune. */
  isChar: boolean;
}

export interface CommandNode {
  pos: number;
  args: ArgNode[];
}

export interface PipeNode {
  type: 'pipe';
  pos: number;
  isAssign: boolean;
  decl: string[];
  cmds: CommandNode[];
}

export type Node =
  | { type: 'text'; pos: number; text: string }
  | { type: 'action'; pos: number; pipe: PipeNode }
  | { type: 'if' | 'with' | 'range'; pos: number; pipe: PipeNode; list: ListNode; elseList?: ListNode }
  | { type: 'break' | 'continue'; pos: number };

export interface ListNode {
  nodes: Node[];
}

export interface ParsedTemplate {
  source: string;
  root: ListNode;
}

/** Parses a template; `isFunction` tells which identifiers name functions (Go checks at parse time). */
export function parse(source: string, isFunction: (name: string) => boolean): ParsedTemplate {
  const tokens = lex(source);
  let i = 0;
  const vars: string[] = ['$'];
  let rangeDepth = 0;

  const fail = (detail: string, pos: number): never => {
    const { line, column } = lineCol(source, pos);
    throw new TemplateParseError(detail, line, column);
  };
  const peek = (): Token => tokens[i] as Token;
  const next = (): Token => tokens[i++] as Token;
  const backup = () => {
    i--;
  };
  const nextNonSpace = (): Token => {
    let t = next();
    while (t.type === 'space') t = next();
    return t;
  };
  const peekNonSpace = (): Token => {
    const t = nextNonSpace();
    backup();
    return t;
  };
  const expect = (type: TokenType, context: string): Token => {
    const t = nextNonSpace();
    if (t.type !== type) unexpected(t, context);
    return t;
  };
  const unexpected = (t: Token, context: string): never => {
    if (t.type === 'eof') fail(`unexpected end of template in ${context}`, t.pos);
    return fail(`unexpected ${describeToken(t)} in ${context}`, t.pos);
  };

  /** Parses nodes until {{end}} or {{else}} (returned) or EOF at top level. */
  const itemList = (topLevel: boolean): { list: ListNode; stop?: 'end' | 'else'; stopPos: number } => {
    const nodes: Node[] = [];
    for (;;) {
      const t = next();
      if (t.type === 'eof') {
        if (!topLevel) fail('unexpected end of template: missing {{end}}', t.pos);
        return { list: { nodes }, stopPos: t.pos };
      }
      if (t.type === 'text') {
        nodes.push({ type: 'text', pos: t.pos, text: toBytes(t.val) });
        continue;
      }
      // leftDelim
      const k = nextNonSpace();
      if (k.type === 'keyword') {
        switch (k.val) {
          case 'end':
            if (topLevel) fail('unexpected {{end}}', k.pos);
            expect('rightDelim', 'end');
            return { list: { nodes }, stop: 'end', stopPos: k.pos };
          case 'else':
            if (topLevel) fail('unexpected {{else}}', k.pos);
            return { list: { nodes }, stop: 'else', stopPos: k.pos };
          case 'if':
          case 'with':
          case 'range':
            nodes.push(control(k.val, k.pos));
            continue;
          case 'break':
          case 'continue':
            if (rangeDepth === 0) fail(`{{${k.val}}} outside {{range}}`, k.pos);
            expect('rightDelim', k.val);
            nodes.push({ type: k.val, pos: k.pos });
            continue;
          default:
            fail(`{{${k.val}}} is not supported (single templates only)`, k.pos);
        }
      }
      backup();
      const pipe = pipeline('command', 'rightDelim');
      nodes.push({ type: 'action', pos: pipe.pos, pipe });
    }
  };

  const control = (kind: 'if' | 'with' | 'range', pos: number): Node => {
    const mark = vars.length;
    const pipe = pipeline(kind, 'rightDelim');
    if (kind === 'range') rangeDepth++;
    const body = itemList(false);
    if (kind === 'range') rangeDepth--;
    let elseList: ListNode | undefined;
    if (body.stop === 'else') {
      const after = peekNonSpace();
      // "else if" / "else with" chain: the rest is one nested control that shares our {{end}}.
      if (
        (kind === 'if' && after.type === 'keyword' && after.val === 'if') ||
        (kind === 'with' && after.type === 'keyword' && after.val === 'with')
      ) {
        const k = nextNonSpace();
        elseList = { nodes: [control(kind, k.pos)] };
      } else {
        expect('rightDelim', 'else');
        const rest = itemList(false);
        if (rest.stop === 'else') fail('expected end; found {{else}}', rest.stopPos);
        elseList = rest.list;
      }
    }
    vars.length = mark;
    return { type: kind, pos, pipe, list: body.list, ...(elseList ? { elseList } : {}) };
  };

  const pipeline = (context: string, end: 'rightDelim' | 'rightParen'): PipeNode => {
    const start = peekNonSpace();
    const pipe: PipeNode = { type: 'pipe', pos: start.pos, isAssign: false, decl: [], cmds: [] };
    // Declarations: $x := / $x = / $i, $v := (range only).
    const v = peekNonSpace();
    if (v.type === 'variable') {
      const save = i;
      nextNonSpace();
      const op = nextNonSpace();
      if (op.type === 'declare' || op.type === 'assign') {
        pipe.decl.push(v.val);
        pipe.isAssign = op.type === 'assign';
        if (op.type === 'declare') vars.push(v.val);
        else if (!vars.includes(v.val)) fail(`undefined variable ${v.val}`, v.pos);
      } else if (op.type === 'comma' && context === 'range') {
        const v2 = nextNonSpace();
        if (v2.type !== 'variable') unexpected(v2, 'range declaration');
        const op2 = nextNonSpace();
        if (op2.type !== 'declare' && op2.type !== 'assign') unexpected(op2, 'range declaration');
        pipe.decl.push(v.val, v2.val);
        pipe.isAssign = op2.type === 'assign';
        if (op2.type === 'declare') vars.push(v.val, v2.val);
      } else {
        i = save;
      }
    }
    for (;;) {
      const t = nextNonSpace();
      if (t.type === end) {
        if (pipe.cmds.length === 0) fail(`missing value for ${context}`, t.pos);
        pipe.cmds.slice(1).forEach((c, n) => {
          const first = c.args[0];
          if (first && ['bool', 'dot', 'nil', 'number', 'string'].includes(first.type)) {
            fail(`non executable command in pipeline stage ${n + 2}`, first.pos);
          }
        });
        return pipe;
      }
      switch (t.type) {
        case 'bool':
        case 'char':
        case 'dot':
        case 'field':
        case 'identifier':
        case 'number':
        case 'nil':
        case 'rawString':
        case 'string':
        case 'variable':
        case 'leftParen':
          backup();
          pipe.cmds.push(command());
          break;
        default:
          unexpected(t, context);
      }
    }
  };

  const command = (): CommandNode => {
    const cmd: CommandNode = { pos: peekNonSpace().pos, args: [] };
    for (;;) {
      peekNonSpace();
      const op = operand();
      if (op) cmd.args.push(op);
      const t = next();
      if (t.type === 'space') continue;
      if (t.type === 'rightDelim' || t.type === 'rightParen') backup();
      else if (t.type !== 'pipe') unexpected(t, 'operand');
      break;
    }
    if (cmd.args.length === 0) fail('empty command', cmd.pos);
    return cmd;
  };

  const operand = (): ArgNode | undefined => {
    const node = term();
    if (!node) return undefined;
    if (peek().type !== 'field') return node;
    const fields: string[] = [];
    while (peek().type === 'field') fields.push(next().val.slice(1));
    switch (node.type) {
      case 'field':
        return { type: 'field', pos: node.pos, idents: [...node.idents, ...fields] };
      case 'variable':
        return { type: 'variable', pos: node.pos, idents: [...node.idents, ...fields] };
      case 'bool':
      case 'string':
      case 'number':
      case 'nil':
      case 'dot':
        return fail('unexpected . after term', node.pos);
      default:
        return { type: 'chain', pos: node.pos, node, fields };
    }
  };

  const term = (): ArgNode | undefined => {
    const t = nextNonSpace();
    switch (t.type) {
      case 'identifier':
        if (!isFunction(t.val)) fail(`function ${t.val} not defined`, t.pos);
        return { type: 'identifier', pos: t.pos, name: t.val };
      case 'dot':
        return { type: 'dot', pos: t.pos };
      case 'nil':
        return { type: 'nil', pos: t.pos };
      case 'variable': {
        if (!vars.includes(t.val)) fail(`undefined variable ${t.val}`, t.pos);
        return { type: 'variable', pos: t.pos, idents: [t.val] };
      }
      case 'field':
        return { type: 'field', pos: t.pos, idents: [t.val.slice(1)] };
      case 'bool':
        return { type: 'bool', pos: t.pos, value: t.val === 'true' };
      case 'number':
      case 'char':
        return numberNode(t);
      case 'leftParen':
        return pipeline('parenthesized pipeline', 'rightParen');
      case 'string':
      case 'rawString':
        return { type: 'string', pos: t.pos, value: unquote(t) };
      default:
        backup();
        return undefined;
    }
  };

  const numberNode = (t: Token): NumberNode => {
    if (t.type === 'char') {
      const bytes = unquote(t);
      const cp = Buffer.from(bytes, 'latin1').toString('utf8').codePointAt(0) ?? 0;
      return {
        type: 'number',
        pos: t.pos,
        text: t.val,
        isInt: true,
        isFloat: true,
        int: BigInt(cp),
        float: cp,
        isChar: true,
      };
    }
    const text = t.val.replace(/_/g, '');
    const n: NumberNode = {
      type: 'number',
      pos: t.pos,
      text: t.val,
      isInt: false,
      isFloat: false,
      int: 0n,
      float: 0,
      isChar: false,
    };
    const intLike = /^[+-]?(0[xX][0-9a-fA-F]+|0[bB][01]+|0[oO][0-7]+|[0-9]+)$/.test(text);
    if (intLike) {
      const neg = text.startsWith('-');
      const body = text.replace(/^[+-]/, '');
      // Go: a leading 0 means octal ("017").
      const big = /^0[0-7]+$/.test(body) ? BigInt(`0o${body.slice(1)}`) : BigInt(body);
      n.int = neg ? -big : big;
      if (n.int >= -(2n ** 63n) && n.int < 2n ** 63n) n.isInt = true;
      n.float = Number(n.int);
      n.isFloat = true;
      if (!n.isInt) fail('integer overflow', t.pos);
    } else {
      const f = Number(text);
      if (!Number.isFinite(f) || /^[+-]?$/.test(text)) fail('illegal number syntax', t.pos);
      n.isFloat = true;
      n.float = f;
      if (Number.isInteger(f) && Math.abs(f) < 2 ** 63) {
        n.isInt = true;
        n.int = BigInt(f);
      }
    }
    return n;
  };

  const unquote = (t: Token): string => {
    if (t.type === 'rawString') return toBytes(t.val.slice(1, -1).replace(/\r/g, ''));
    const body = t.val.slice(1, -1);
    let out = '';
    for (let k = 0; k < body.length; ) {
      const c = body[k] as string;
      if (c !== '\\') {
        const cp = body.codePointAt(k) ?? 0;
        const ch = String.fromCodePoint(cp);
        out += toBytes(ch);
        k += ch.length;
        continue;
      }
      const e = body[k + 1];
      k += 2;
      const simple: Record<string, string> = {
        a: '\x07',
        b: '\b',
        f: '\f',
        n: '\n',
        r: '\r',
        t: '\t',
        v: '\v',
        '\\': '\\',
      };
      if (e !== undefined && simple[e] !== undefined) out += simple[e];
      else if (e === '"' && t.type === 'string') out += '"';
      else if (e === "'" && t.type === 'char') out += "'";
      else if (e === 'x') {
        const hex = body.slice(k, k + 2);
        if (!/^[0-9a-fA-F]{2}$/.test(hex)) fail('invalid escape in string', t.pos);
        out += String.fromCharCode(Number.parseInt(hex, 16));
        k += 2;
      } else if (e !== undefined && /[0-7]/.test(e)) {
        const oct = body.slice(k - 1, k + 2);
        if (!/^[0-7]{3}$/.test(oct) || Number.parseInt(oct, 8) > 255) fail('invalid escape in string', t.pos);
        out += String.fromCharCode(Number.parseInt(oct, 8));
        k += 2;
      } else if (e === 'u' || e === 'U') {
        const len = e === 'u' ? 4 : 8;
        const hex = body.slice(k, k + len);
        if (!new RegExp(`^[0-9a-fA-F]{${len}}$`).test(hex)) fail('invalid escape in string', t.pos);
        const cp = Number.parseInt(hex, 16);
        if (cp > 0x10ffff || (cp >= 0xd800 && cp < 0xe000)) fail('invalid escape in string', t.pos);
        out += toBytes(String.fromCodePoint(cp));
        k += len;
      } else {
        fail('invalid escape in string', t.pos);
      }
    }
    return out;
  };

  const { list } = itemList(true);
  return { source, root: list };
}

function describeToken(t: Token): string {
  switch (t.type) {
    case 'rightDelim':
      return '"}}"';
    case 'rightParen':
      return '")"';
    case 'leftParen':
      return '"("';
    case 'pipe':
      return '"|"';
    case 'keyword':
      return `keyword ${t.val}`;
    case 'identifier':
      return `identifier ${t.val}`;
    case 'string':
    case 'rawString':
      return 'string literal';
    case 'number':
    case 'char':
      return 'number';
    case 'declare':
      return '":="';
    case 'assign':
      return '"="';
    case 'comma':
      return '","';
    default:
      return t.type;
  }
}
