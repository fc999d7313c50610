import type { Terminal } from './terminal.js';

/**
 * "[12/50] label" for long operations. On a terminal one stderr line rewrites itself; elsewhere
 * (CI logs, pipes) nothing is drawn, since each step already prints its result line.
 */
export class Progress {
  readonly #terminal: Terminal;
  readonly #total: number;
  #done = 0;
  #drawn = false;

  constructor({ terminal, total }: { terminal: Terminal; total: number }) {
    this.#terminal = terminal;
    this.#total = total;
  }

  /** Shows what is being worked on now. */
  working(label: string): void {
    if (!this.#terminal.stderrIsTTY || this.#total < 2) return;
    this.#terminal.errRaw(`\r\u001b[2K[${this.#done + 1}/${this.#total}] ${label}`);
    this.#drawn = true;
  }

  /** Prints a finished step's line above the progress line. */
  finished(line: string, to: 'out' | 'err' = 'out'): void {
    this.#done++;
    this.clear();
    this.#terminal[to](line);
  }

  clear(): void {
    if (this.#drawn) this.#terminal.errRaw('\r\u001b[2K');
    this.#drawn = false;
  }
}
