/** A request named a cluster that is not registered with the control plane. */
export class UnknownClusterError extends Error {
  override readonly name = 'UnknownClusterError';
  constructor(readonly clusterId: string) {
    super(`cluster "${clusterId}" is not registered`);
  }
}

/** A request was malformed; `field` names what to fix. */
export class InvalidRequestError extends Error {
  override readonly name = 'InvalidRequestError';
  constructor(
    readonly field: string,
    detail: string,
    readonly issues: string[] = [`${field}: ${detail}`],
  ) {
    super(`${field}: ${detail}`);
  }

  static fromIssues(kind: string, issues: Array<{ path: string; message: string }>): InvalidRequestError {
    const lines = issues.map((i) => `${i.path}: ${i.message}`);
    return new InvalidRequestError(issues[0]?.path ?? kind, `invalid ${kind}: ${lines.join('; ')}`, lines);
  }
}

/** Registration refused: the cluster is unreachable or our identity lacks permissions there. */
export class RegistrationRejectedError extends Error {
  override readonly name = 'RegistrationRejectedError';
  constructor(
    readonly clusterId: string,
    readonly reasons: string[],
  ) {
    super(`cluster "${clusterId}" was not registered: ${reasons.join('; ')}`);
  }
}
