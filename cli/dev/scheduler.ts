/**
 * The in-process stand-in for the EventBridge schedule: runs a task every interval, never two at
 * once (a slow sweep delays the next one instead of piling up).
 */
export class IntervalScheduler {
  readonly #intervalMs: number;
  readonly #task: () => Promise<void>;
  readonly #onError: (error: unknown) => void;
  #timer: NodeJS.Timeout | undefined;
  #running: Promise<void> | undefined;
  #stopped = false;

  constructor(options: { intervalMs: number; task: () => Promise<void>; onError: (error: unknown) => void }) {
    this.#intervalMs = options.intervalMs;
    this.#task = options.task;
    this.#onError = options.onError;
  }

  start(): void {
    this.#schedule(0);
  }

  #schedule(delayMs: number): void {
    if (this.#stopped) return;
    this.#timer = setTimeout(() => {
      this.#running = this.#task()
        .catch(this.#onError)
        .finally(() => {
          this.#running = undefined;
          this.#schedule(this.#intervalMs);
        });
    }, delayMs);
  }

  /** Stops scheduling and waits for a run in progress. */
  async stop(): Promise<void> {
    this.#stopped = true;
    clearTimeout(this.#timer);
    await this.#running;
  }
}
