/**
 * Template errors say where (line:col) and what went wrong; they never quote the template text or
 * a value, because templates can hold literal secrets and values are secrets. Identifiers (a
 * function or field name) may appear: they name things, they are not data.
 */

/** The template text does not parse. */
export class TemplateParseError extends Error {
  override readonly name = 'TemplateParseError';
  readonly line: number;
  readonly column: number;
  readonly detail: string;
  constructor(detail: string, line: number, column: number) {
    super(`${line}:${column}: ${detail}`);
    this.detail = detail;
    this.line = line;
    this.column = column;
  }
}

/** The template parsed but failed while executing (missing key, wrong argument type, ...). */
export class TemplateExecError extends Error {
  override readonly name = 'TemplateExecError';
  readonly line: number;
  readonly column: number;
  readonly detail: string;
  /** Set when the render's execution budget ran out (budget.ts), naming which one. */
  readonly budget: string | undefined;
  constructor(detail: string, line: number, column: number, budget?: string) {
    super(`${line}:${column}: ${detail}`);
    this.detail = detail;
    this.line = line;
    this.column = column;
    this.budget = budget;
  }
}

/** Thrown by a template function; the executor adds the position and the function name. */
export class FuncError extends Error {
  override readonly name = 'FuncError';
}
