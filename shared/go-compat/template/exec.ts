/**
 * Executes a parsed template the way Go's text/template does with Option("missingkey=error"):
 * fields of maps, variables and their scopes, if/with/range/else, break/continue, function
 * calls with Go's argument typing, pipelines passing the previous value as the last argument.
 */
import { BudgetExceededError, TemplateBudget, valueWeight } from './budget.js';
import { FuncError, TemplateExecError } from './errors.js';
import { FUNCTIONS, type FuncDef, type ParamType } from './functions.js';
import { lineCol } from './lexer.js';
import type { ArgNode, CommandNode, ListNode, Node, NumberNode, ParsedTemplate, PipeNode } from './parser.js';
import { formatValue, GoMap, goTypeName, isTrue, type Value } from './values.js';

const MISSING = Symbol('missing');
type Final = Value | typeof MISSING;

class BreakSignal {}
class ContinueSignal {}

/** Runs `tpl` over `data`, spending from `budget` (one per render: all its templates share it). */
export function execute(
  tpl: ParsedTemplate,
  data: Value,
  budget: TemplateBudget = new TemplateBudget(),
): string {
  return new Executor(tpl, data, budget).run();
}

class Executor {
  readonly #tpl: ParsedTemplate;
  readonly #vars: Array<{ name: string; value: Value }>;
  readonly #budget: TemplateBudget;
  #out: string[] = [];
  /** Where execution is, so a budget that runs out deep in a function is reported at its action. */
  #pos = 0;

  constructor(tpl: ParsedTemplate, data: Value, budget: TemplateBudget) {
    this.#tpl = tpl;
    this.#vars = [{ name: '$', value: data }];
    this.#budget = budget;
  }

  run(): string {
    try {
      this.#walkList(this.#vars[0]?.value ?? null, this.#tpl.root);
    } catch (e) {
      if (e instanceof BudgetExceededError) {
        const { line, column } = lineCol(this.#tpl.source, this.#pos);
        throw new TemplateExecError(e.message, line, column, e.budget);
      }
      throw e;
    }
    return this.#out.join('');
  }

  #fail(detail: string, pos: number): never {
    const { line, column } = lineCol(this.#tpl.source, pos);
    throw new TemplateExecError(detail, line, column);
  }

  #write(s: string, pos: number): void {
    this.#pos = pos;
    this.#budget.output(s.length);
    this.#out.push(s);
  }

  #walkList(dot: Value, list: ListNode): void {
    for (const node of list.nodes) this.#walk(dot, node);
  }

  #walk(dot: Value, node: Node): void {
    this.#pos = node.pos;
    this.#budget.step();
    switch (node.type) {
      case 'text':
        this.#write(node.text, node.pos);
        return;
      case 'action': {
        const v = this.#evalPipeline(dot, node.pipe);
        if (node.pipe.decl.length === 0) this.#write(formatValue(v, true), node.pos);
        return;
      }
      case 'if':
      case 'with': {
        const mark = this.#vars.length;
        const v = this.#evalPipeline(dot, node.pipe);
        if (isTrue(v)) this.#walkList(node.type === 'with' ? v : dot, node.list);
        else if (node.elseList) this.#walkList(dot, node.elseList);
        this.#vars.length = mark;
        return;
      }
      case 'range':
        this.#walkRange(dot, node.pipe, node.list, node.elseList);
        return;
      case 'break':
        throw new BreakSignal();
      case 'continue':
        throw new ContinueSignal();
    }
  }

  #walkRange(dot: Value, pipe: PipeNode, list: ListNode, elseList: ListNode | undefined): void {
    const mark = this.#vars.length;
    // The range pipeline is evaluated without its declarations; they are set per element.
    const v = this.#evalPipeline(dot, { ...pipe, decl: [] });
    let count: bigint | number;
    let items: Iterable<[Value, Value]> = [];
    // Items are produced lazily: the range budget is checked before any of them exists.
    if (Array.isArray(v)) {
      count = v.length;
      items = (function* () {
        for (const [i, e] of v.entries()) yield [BigInt(i), e] as [Value, Value];
      })();
    } else if (v instanceof GoMap) {
      count = v.entries.size;
      items = (function* () {
        for (const k of v.sortedKeys()) yield [k, v.entries.get(k) ?? null] as [Value, Value];
      })();
    } else if (typeof v === 'bigint') {
      count = v;
      items = integersBelow(v);
    } else if (v !== null) this.#fail(`range can't iterate over ${goTypeName(v)}`, pipe.pos);
    else count = 0;
    this.#pos = pipe.pos;
    this.#budget.range(count);
    if (count <= 0) {
      if (elseList) this.#walkList(dot, elseList);
      this.#vars.length = mark;
      return;
    }
    for (const [key, elem] of items) {
      // An iteration is a step even with an empty body: nested empty ranges must run out too.
      this.#pos = pipe.pos;
      this.#budget.step();
      this.#vars.length = mark;
      if (pipe.decl.length === 1) this.#setOrPush(pipe, 0, elem);
      if (pipe.decl.length === 2) {
        this.#setOrPush(pipe, 0, key);
        this.#setOrPush(pipe, 1, elem);
      }
      try {
        this.#walkList(elem, list);
      } catch (e) {
        if (e instanceof BreakSignal) break;
        if (e instanceof ContinueSignal) continue;
        throw e;
      }
    }
    this.#vars.length = mark;
  }

  #setOrPush(pipe: PipeNode, i: number, value: Value): void {
    const name = pipe.decl[i] as string;
    if (pipe.isAssign) this.#setVar(name, value, pipe.pos);
    else this.#vars.push({ name, value });
  }

  #setVar(name: string, value: Value, pos: number): void {
    for (let i = this.#vars.length - 1; i >= 0; i--) {
      const v = this.#vars[i];
      if (v && v.name === name) {
        v.value = value;
        return;
      }
    }
    this.#fail(`undefined variable ${name}`, pos);
  }

  #varValue(name: string, pos: number): Value {
    for (let i = this.#vars.length - 1; i >= 0; i--) {
      const v = this.#vars[i];
      if (v && v.name === name) return v.value;
    }
    return this.#fail(`undefined variable ${name}`, pos);
  }

  #evalPipeline(dot: Value, pipe: PipeNode): Value {
    let value: Final = MISSING;
    for (const cmd of pipe.cmds) value = this.#evalCommand(dot, cmd, value);
    const result = value === MISSING ? null : value;
    for (let i = 0; i < pipe.decl.length; i++) this.#setOrPush(pipe, i, result);
    return result;
  }

  #evalCommand(dot: Value, cmd: CommandNode, final: Final): Value {
    const first = cmd.args[0] as ArgNode;
    this.#pos = first.pos;
    this.#budget.step();
    switch (first.type) {
      case 'field':
        return this.#evalFieldChain(dot, dot, first.pos, first.idents, cmd.args, final);
      case 'chain': {
        const base = this.#evalArgAny(dot, first.node);
        return this.#evalFieldChain(dot, base, first.pos, first.fields, cmd.args, final);
      }
      case 'identifier':
        return this.#evalFunction(dot, first.name, first.pos, cmd.args, final);
      case 'pipe':
        this.#notAFunction(cmd.args, final, first.pos);
        return this.#evalPipeline(dot, first);
      case 'variable': {
        const v = this.#varValue(first.idents[0] as string, first.pos);
        if (first.idents.length === 1) {
          this.#notAFunction(cmd.args, final, first.pos);
          return v;
        }
        return this.#evalFieldChain(dot, v, first.pos, first.idents.slice(1), cmd.args, final);
      }
      default:
        break;
    }
    this.#notAFunction(cmd.args, final, first.pos);
    switch (first.type) {
      case 'bool':
        return first.value;
      case 'dot':
        return dot;
      case 'nil':
        return this.#fail('nil is not a command', first.pos);
      case 'number':
        return idealConstant(first);
      case 'string':
        return first.value;
    }
  }

  #notAFunction(args: ArgNode[], final: Final, pos: number): void {
    if (args.length > 1 || final !== MISSING) this.#fail("can't give argument to non-function", pos);
  }

  #evalFieldChain(
    dot: Value,
    receiver: Value,
    pos: number,
    idents: string[],
    args: ArgNode[],
    final: Final,
  ): Value {
    let r = receiver;
    idents.forEach((name, i) => {
      const last = i === idents.length - 1;
      r = this.#evalField(name, pos, last ? args : [], last ? final : MISSING, r);
    });
    void dot;
    return r;
  }

  #evalField(name: string, pos: number, args: ArgNode[], final: Final, receiver: Value): Value {
    if (receiver === null) return this.#fail(`nil data; no entry for key "${name}"`, pos);
    if (receiver instanceof GoMap) {
      if (args.length > 1 || final !== MISSING) this.#fail(`${name} is not a method but has arguments`, pos);
      const key = Buffer.from(name, 'utf8').toString('latin1');
      if (receiver.entries.has(key)) return receiver.entries.get(key) ?? null;
      return this.#fail(`map has no entry for key "${name}"`, pos);
    }
    return this.#fail(`can't evaluate field ${name} in type ${goTypeName(receiver)}`, pos);
  }

  #evalFunction(dot: Value, name: string, pos: number, args: ArgNode[], final: Final): Value {
    const fn = FUNCTIONS[name] as FuncDef | undefined;
    if (!fn) return this.#fail(`function ${name} not defined`, pos);
    const argNodes = args.slice(1);
    const numIn = argNodes.length + (final === MISSING ? 0 : 1);
    if (fn.variadic !== undefined) {
      if (numIn < fn.params.length) {
        this.#fail(`wrong number of args for ${name}: want at least ${fn.params.length} got ${numIn}`, pos);
      }
    } else if (numIn !== fn.params.length) {
      this.#fail(`wrong number of args for ${name}: want ${fn.params.length} got ${numIn}`, pos);
    }
    const paramAt = (i: number): ParamType => fn.params[i] ?? fn.variadic ?? 'any';

    if (fn.lazy) {
      // and/or: stop at the first argument that decides the result, and return it.
      let v: Value = null;
      for (const node of argNodes) {
        v = this.#evalArg(dot, 'any', node);
        if (isTrue(v) === (fn.lazy === 'or')) return v;
      }
      if (final !== MISSING) v = final;
      return v;
    }

    const values = argNodes.map((node, i) => this.#evalArg(dot, paramAt(i), node));
    if (final !== MISSING) values.push(this.#validateType(final, paramAt(values.length), pos));
    this.#pos = pos;
    this.#budget.step();
    try {
      const result = fn.call(values, this.#budget);
      this.#budget.value(valueWeight(result));
      return result;
    } catch (e) {
      if (e instanceof FuncError) return this.#fail(`error calling ${name}: ${e.message}`, pos);
      throw e;
    }
  }

  #evalArgAny(dot: Value, node: ArgNode): Value {
    return this.#evalArg(dot, 'any', node);
  }

  #evalArg(dot: Value, type: ParamType, node: ArgNode): Value {
    switch (node.type) {
      case 'dot':
        return this.#validateType(dot, type, node.pos);
      case 'nil':
        if (type === 'any' || type === 'map') return null;
        return this.#fail(`cannot assign nil to ${goParamName(type)}`, node.pos);
      case 'field':
        return this.#validateType(
          this.#evalFieldChain(dot, dot, node.pos, node.idents, [node], MISSING),
          type,
          node.pos,
        );
      case 'variable': {
        const v = this.#varValue(node.idents[0] as string, node.pos);
        const r =
          node.idents.length === 1
            ? v
            : this.#evalFieldChain(dot, v, node.pos, node.idents.slice(1), [node], MISSING);
        return this.#validateType(r, type, node.pos);
      }
      case 'pipe':
        return this.#validateType(this.#evalPipeline(dot, node), type, node.pos);
      case 'identifier':
        return this.#validateType(
          this.#evalFunction(dot, node.name, node.pos, [node], MISSING),
          type,
          node.pos,
        );
      case 'chain': {
        const base = this.#evalArgAny(dot, node.node);
        return this.#validateType(
          this.#evalFieldChain(dot, base, node.pos, node.fields, [node], MISSING),
          type,
          node.pos,
        );
      }
      default:
        break;
    }
    switch (type) {
      case 'bool':
        if (node.type === 'bool') return node.value;
        return this.#fail(`expected bool; found ${literalKind(node)}`, node.pos);
      case 'int':
        if (node.type === 'number' && node.isInt) return node.int;
        return this.#fail(`expected integer; found ${literalKind(node)}`, node.pos);
      case 'string':
        if (node.type === 'string') return node.value;
        return this.#fail(`expected string; found ${literalKind(node)}`, node.pos);
      case 'map':
        return this.#fail(`expected map[string]interface {}; found ${literalKind(node)}`, node.pos);
      default:
        if (node.type === 'bool') return node.value;
        if (node.type === 'number') return idealConstant(node);
        if (node.type === 'string') return node.value;
        return this.#fail('unexpected argument', (node as ArgNode).pos);
    }
  }

  #validateType(v: Value, type: ParamType, pos: number): Value {
    const ok =
      type === 'any' ||
      (type === 'string' && typeof v === 'string') ||
      (type === 'int' && typeof v === 'bigint') ||
      (type === 'bool' && typeof v === 'boolean') ||
      (type === 'map' && v instanceof GoMap && v.elem === 'any');
    if (ok) return v;
    if (v === null) return this.#fail(`invalid value; expected ${goParamName(type)}`, pos);
    return this.#fail(`wrong type for value; expected ${goParamName(type)}; got ${goTypeName(v)}`, pos);
  }
}

function* integersBelow(n: bigint): Generator<[Value, Value]> {
  for (let i = 0n; i < n; i++) yield [i, i];
}

function idealConstant(n: NumberNode): Value {
  if (n.isFloat && !n.isChar && !/^[+-]?0[xX]/.test(n.text) && /[.eEpP]/.test(n.text)) return n.float;
  return n.int;
}

function goParamName(t: ParamType): string {
  return t === 'map' ? 'map[string]interface {}' : t === 'any' ? 'interface {}' : t;
}

function literalKind(node: ArgNode): string {
  return node.type === 'string'
    ? 'a string'
    : node.type === 'number'
      ? 'a number'
      : node.type === 'bool'
        ? 'a bool'
        : node.type;
}
