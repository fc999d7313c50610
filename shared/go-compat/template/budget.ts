/**
 * The execution budget of one render. Templates are tenant code running inside the control
 * plane: without bounds, `{{ range 100000000000 }}` exhausts the heap (an uncatchable crash that
 * takes every other object of the pass with it) and two nested ranges of 20,000 run for minutes.
 * Each bound fails only the object that exceeds it, with the budget's name, never a value.
 */
import { GoMap, type Value } from './values.js';

/** One render's limits; every real Secret template stays orders of magnitude below each. */
export const TEMPLATE_LIMITS = {
  /** Nodes walked plus functions called: a template of a few hundred actions over a few hundred keys needs thousands. */
  steps: 1_000_000,
  /** Elements one range may iterate, checked before the first one, so a huge integer allocates nothing. */
  rangeItems: 100_000,
  /** Bytes written by all templates of the object: a Secret holds at most 1 MiB, so more could never be stored. */
  outputBytes: 1024 * 1024,
  /**
   * Size of any one value a function builds (bytes of a string, bytes plus elements of a list or
   * map): checked before building where the size is known up front (repeat, indent, printf widths),
   * so one call cannot allocate gigabytes, and on every result, so nested lists cannot double forever.
   */
  valueBytes: 4 * 1024 * 1024,
  /** Wall-clock backstop for what the counts miss (say, hashing large values many times); far under the Lambda's 30 s. */
  timeMs: 2_000,
} as const;

export type TemplateLimits = { [K in keyof typeof TEMPLATE_LIMITS]: number };

export type BudgetName = 'steps' | 'range size' | 'output size' | 'value size' | 'time';

/** A budget ran out; the executor adds where. */
export class BudgetExceededError extends Error {
  override readonly name = 'BudgetExceededError';
  readonly budget: BudgetName;
  readonly limit: number;
  constructor(budget: BudgetName, limit: number) {
    super(`template exceeded its ${budget} budget (${limit})`);
    this.budget = budget;
    this.limit = limit;
  }
}

/** Check the clock once per this many steps: reading it every step would cost more than the step. */
const CLOCK_EVERY_STEPS = 1024;

export class TemplateBudget {
  readonly limits: TemplateLimits;
  readonly #now: () => number;
  readonly #deadline: number;
  #steps = 0;
  #output = 0;

  constructor(limits: Partial<TemplateLimits> = {}, now: () => number = () => performance.now()) {
    this.limits = { ...TEMPLATE_LIMITS, ...limits };
    this.#now = now;
    this.#deadline = now() + this.limits.timeMs;
  }

  /** Steps taken so far (for tests and diagnostics). */
  get steps(): number {
    return this.#steps;
  }

  step(): void {
    this.#steps++;
    if (this.#steps > this.limits.steps) throw new BudgetExceededError('steps', this.limits.steps);
    if (this.#steps % CLOCK_EVERY_STEPS === 0 && this.#now() > this.#deadline) {
      throw new BudgetExceededError('time', this.limits.timeMs);
    }
  }

  range(items: bigint | number): void {
    if (items > this.limits.rangeItems) throw new BudgetExceededError('range size', this.limits.rangeItems);
  }

  output(bytes: number): void {
    this.#output += bytes;
    if (this.#output > this.limits.outputBytes) {
      throw new BudgetExceededError('output size', this.limits.outputBytes);
    }
  }

  /** Refuses to build a value of `size` (see valueBytes). */
  value(size: bigint | number): void {
    if (size > this.limits.valueBytes) throw new BudgetExceededError('value size', this.limits.valueBytes);
  }
}

const weights = new WeakMap<object, number>();

/**
 * Bytes of a string, or bytes plus elements of a list or map, counted once per distinct object:
 * `list $l $l` shares `$l`, but printing or serialising it visits it twice, so it weighs twice.
 */
export function valueWeight(v: Value): number {
  if (typeof v === 'string') return v.length;
  if (Array.isArray(v) || v instanceof GoMap) {
    const known = weights.get(v);
    if (known !== undefined) return known;
    let w = 1;
    if (Array.isArray(v)) for (const e of v) w += valueWeight(e);
    else for (const [k, e] of v.entries) w += k.length + valueWeight(e);
    weights.set(v, w);
    return w;
  }
  return 1;
}
