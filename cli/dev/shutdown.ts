/**
 * Ctrl-C (or SIGTERM) for a long-running process: the first signal runs the registered cleanups in
 * reverse order of registration (what started last stops first); a second one exits at once, which
 * is still clean for the local cluster since the harness's watchdog ends its processes then.
 */
export class Shutdown {
  readonly #controller = new AbortController();
  readonly #cleanups: Array<{ what: string; run: () => Promise<void> | void }> = [];
  readonly #say: (line: string) => void;
  readonly #onSignal = (signal: NodeJS.Signals) => {
    if (this.#controller.signal.aborted) {
      this.#say(`${signal} again: exiting now`);
      process.exit(130);
    }
    this.#say(`\n${signal}: stopping (press Ctrl-C again to exit at once)`);
    this.#controller.abort();
  };

  constructor({ say }: { say: (line: string) => void }) {
    this.#say = say;
    process.on('SIGINT', this.#onSignal);
    process.on('SIGTERM', this.#onSignal);
  }

  get signal(): AbortSignal {
    return this.#controller.signal;
  }

  /** Resolves when a stop was asked for. */
  requested(): Promise<void> {
    if (this.#controller.signal.aborted) return Promise.resolve();
    return new Promise((resolve) =>
      this.#controller.signal.addEventListener('abort', () => resolve(), { once: true }),
    );
  }

  add(what: string, run: () => Promise<void> | void): void {
    this.#cleanups.push({ what, run });
  }

  /** Runs every cleanup once, even when one fails; reports failures by name. */
  async run(): Promise<void> {
    while (this.#cleanups.length > 0) {
      const { what, run } = this.#cleanups.pop()!;
      try {
        await run();
      } catch (error) {
        this.#say(`stopping ${what} failed: ${(error as Error).message}`);
      }
    }
    process.off('SIGINT', this.#onSignal);
    process.off('SIGTERM', this.#onSignal);
  }
}
