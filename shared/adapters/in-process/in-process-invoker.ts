import type { InvocationPayloads, Invoker } from '../../ports/invoker.js';

export type InProcessTargets = {
  [F in keyof InvocationPayloads]?: (payload: InvocationPayloads[F]) => Promise<unknown>;
};

export interface FailedInvocation {
  fn: keyof InvocationPayloads;
  payload: unknown;
  error: unknown;
}

/**
 * Runs the target function in this process, without the caller awaiting it — the same contract
 * as Lambda's Event invocation. Used by tests and dev mode. Failures are kept (Lambda would send
 * them to the on-failure destination) and `drain()` waits for everything started so far.
 */
export class InProcessInvoker implements Invoker {
  readonly #targets: InProcessTargets;
  readonly #pending = new Set<Promise<void>>();
  readonly failures: FailedInvocation[] = [];
  readonly invocations: Array<{ fn: keyof InvocationPayloads; payload: unknown }> = [];

  constructor({ targets = {} }: { targets?: InProcessTargets } = {}) {
    this.#targets = targets;
  }

  /** Targets can be set after construction: handlers and their invoker depend on each other. */
  setTarget<F extends keyof InvocationPayloads>(
    fn: F,
    target: (payload: InvocationPayloads[F]) => Promise<unknown>,
  ) {
    (this.#targets as Record<string, unknown>)[fn] = target;
  }

  async invokeAsync<F extends keyof InvocationPayloads>(
    fn: F,
    payload: InvocationPayloads[F],
  ): Promise<void> {
    const target = this.#targets[fn] as ((p: InvocationPayloads[F]) => Promise<unknown>) | undefined;
    if (!target) throw new Error(`no in-process target registered for "${fn}"`);
    // A structured clone mimics the JSON boundary: the target can never share the caller's objects.
    const copy = structuredClone(payload);
    this.invocations.push({ fn, payload: copy });
    const run = (async () => {
      await new Promise<void>((resolve) => setImmediate(resolve));
      try {
        await target(copy);
      } catch (error) {
        this.failures.push({ fn, payload: copy, error });
      }
    })();
    this.#pending.add(run);
    void run.finally(() => this.#pending.delete(run));
  }

  /** Waits until every invocation started so far, and any they started, has finished. */
  async drain(): Promise<void> {
    while (this.#pending.size > 0) await Promise.all([...this.#pending]);
  }
}
