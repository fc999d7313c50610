/** The state file exists but is not a state document this store wrote; it is left untouched. */
export class StateFileCorruptError extends Error {
  override readonly name = 'StateFileCorruptError';
  readonly path: string;

  constructor(opts: { path: string; problem: string; cause?: unknown }) {
    super(
      `state file ${opts.path} ${opts.problem}`,
      opts.cause === undefined ? undefined : { cause: opts.cause },
    );
    this.path = opts.path;
  }
}
