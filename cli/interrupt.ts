import { EXIT } from './errors.js';
import type { Terminal } from './output/terminal.js';

/**
 * Ctrl-C during a multi-step command: the first press lets the step in flight finish (a request
 * already sent cannot be taken back, so its result is still reported) and starts no new step; a
 * second press quits at once.
 */
export class Interrupt {
  readonly #controller = new AbortController();
  readonly #terminal: Terminal;
  #presses = 0;
  readonly #onSignal = () => {
    this.#presses++;
    if (this.#presses > 1) process.exit(EXIT.interrupted);
    this.#terminal.err('\nstopping after the current step (press Ctrl-C again to quit at once)');
    this.#controller.abort();
  };

  constructor({ terminal }: { terminal: Terminal }) {
    this.#terminal = terminal;
    process.on('SIGINT', this.#onSignal);
  }

  get signal(): AbortSignal {
    return this.#controller.signal;
  }

  get interrupted(): boolean {
    return this.#controller.signal.aborted;
  }

  dispose(): void {
    process.off('SIGINT', this.#onSignal);
  }
}
