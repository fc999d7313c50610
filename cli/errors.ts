/**
 * What the CLI reports as a message and an exit code instead of a stack trace. Exit codes:
 * 0 done, 1 the request failed or something is failing, 2 bad usage or input, 130 interrupted.
 */
export const EXIT = { ok: 0, failed: 1, usage: 2, interrupted: 130 } as const;

/** A failure to report as one message (and optional detail lines) with an exit code. */
export class CliError extends Error {
  override readonly name: string = 'CliError';
  constructor(
    message: string,
    readonly exitCode: number = EXIT.failed,
    readonly details: readonly string[] = [],
  ) {
    super(message);
  }
}

/** Bad flags or bad input files: fixing the command line or the file is the way out. */
export class UsageError extends CliError {
  override readonly name = 'UsageError';
  constructor(message: string, details: readonly string[] = []) {
    super(message, EXIT.usage, details);
  }
}

/** The control plane refused a request; `field` names what to fix. */
export class ApiRequestError extends CliError {
  override readonly name = 'ApiRequestError';
  constructor(
    readonly action: string,
    readonly errorName: string,
    message: string,
    readonly field?: string,
    issues: readonly string[] = [],
  ) {
    super(message, errorName === 'InvalidRequestError' ? EXIT.usage : EXIT.failed, issues);
  }
}

/** The control plane could not be reached, or failed without answering the request. */
export class ControlPlaneUnavailableError extends CliError {
  override readonly name = 'ControlPlaneUnavailableError';
}

/** No control plane is configured: neither a deployed stack nor a running dev mode was found. */
export class NoControlPlaneError extends CliError {
  override readonly name = 'NoControlPlaneError';
}

/** The user pressed Ctrl-C; what was done so far has been reported. */
export class InterruptedError extends CliError {
  override readonly name = 'InterruptedError';
  constructor(message = 'interrupted') {
    super(message, EXIT.interrupted);
  }
}
