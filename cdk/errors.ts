/** A stack prop is missing or malformed; the message names the prop. */
export class InvalidStackPropsError extends Error {
  override readonly name = 'InvalidStackPropsError';
  constructor(
    readonly prop: string,
    problem: string,
  ) {
    super(`${prop} ${problem}`);
  }
}

/** A function bundle the stack deploys is not on disk (and could not be built). */
export class MissingBundleError extends Error {
  override readonly name = 'MissingBundleError';
}

/** A cdk-nag acknowledgment was given without a real reason. */
export class UnexplainedSuppressionError extends Error {
  override readonly name = 'UnexplainedSuppressionError';
}
