/**
 * ESO's template engine v2 (Go text/template + sprig), implemented in TypeScript. No npm package
 * fit: the Go-template ports on npm either cover only `{{ .x }}`/if/range without pipelines or
 * functions, or ship minified, obfuscated code (see docs/api.md). Grammar: parser.ts; semantics:
 * exec.ts; functions: functions.ts. Strings are byte strings (values.ts) so binary data survives.
 */
import type { TemplateBudget } from './budget.js';
import { TemplateExecError, TemplateParseError } from './errors.js';
import { execute } from './exec.js';
import { hasFunction } from './functions.js';
import { type ParsedTemplate, parse } from './parser.js';
import { GoMap, toBytes, uint8ArrayToByteString, type Value } from './values.js';

export { TEMPLATE_LIMITS, TemplateBudget } from './budget.js';
export { TemplateExecError, TemplateParseError } from './errors.js';
export type { ParsedTemplate } from './parser.js';
export { byteStringToUint8Array, fromBytes, GoMap, toBytes, type Value } from './values.js';

const cache = new Map<string, ParsedTemplate>();
const CACHE_LIMIT = 500;

/** Parses (and caches) a template; throws TemplateParseError. */
export function parseTemplate(text: string): ParsedTemplate {
  const hit = cache.get(text);
  if (hit) return hit;
  const parsed = parse(text, hasFunction);
  if (cache.size >= CACHE_LIMIT) cache.clear();
  cache.set(text, parsed);
  return parsed;
}

/** Why a template does not parse ("line:col: detail"), or undefined when it does. */
export function checkTemplateSyntax(text: string): string | undefined {
  try {
    parseTemplate(text);
    return undefined;
  } catch (e) {
    if (e instanceof TemplateParseError) return e.message;
    return 'template does not parse';
  }
}

/**
 * Runs a template over `data`; returns the output as a byte string. Throws TemplateParseError/
 * TemplateExecError (with `budget` set when `budget` ran out; pass one budget to every template
 * of a render). Without one, the template gets a fresh budget of its own.
 */
export function runTemplate(text: string, data: Value, budget?: TemplateBudget): string {
  return execute(parseTemplate(text), data, budget);
}

/** ESO passes the fetched data to templates as map[string]string. */
export function templateDataFrom(data: Record<string, Uint8Array>): GoMap {
  const m = new Map<string, Value>();
  for (const [k, v] of Object.entries(data)) m.set(toBytes(k), uint8ArrayToByteString(v));
  return new GoMap(m, 'string');
}

export function isTemplateError(e: unknown): e is TemplateParseError | TemplateExecError {
  return e instanceof TemplateParseError || e instanceof TemplateExecError;
}
