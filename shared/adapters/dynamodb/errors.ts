/** Errors of the DynamoDB adapter itself; the StateStore errors live in shared/ports/state-store-errors.ts. */

/** The state table does not exist (wrong name, wrong region, or not deployed yet). */
export class StateTableNotFoundError extends Error {
  override readonly name = 'StateTableNotFoundError';
  readonly tableName: string;

  constructor(opts: { tableName: string; cause?: unknown }) {
    super(
      `DynamoDB table "${opts.tableName}" does not exist`,
      opts.cause === undefined ? undefined : { cause: opts.cause },
    );
    this.tableName = opts.tableName;
  }
}

/** An item in the state table is not what this adapter wrote (hand-edited, or another schema version). */
export class MalformedStateItemError extends Error {
  override readonly name = 'MalformedStateItemError';
  readonly tableName: string;
  readonly itemKey: string;

  constructor(opts: { tableName: string; pk: string; sk: string; problem: string }) {
    super(`item ${opts.pk} / ${opts.sk} in table "${opts.tableName}" ${opts.problem}`);
    this.tableName = opts.tableName;
    this.itemKey = `${opts.pk} / ${opts.sk}`;
  }
}
