/** sts:AssumeRole into a store's role failed; names the role, never the credentials. */
export class AssumeRoleFailedError extends Error {
  override readonly name = 'AssumeRoleFailedError';
  readonly roleArn: string;
  /** The STS error code (AccessDenied, RegionDisabledException, ...), when STS answered. */
  readonly code: string | undefined;

  constructor(opts: { roleArn: string; code?: string; detail?: string }) {
    super(`could not assume role ${opts.roleArn}${opts.detail ? `: ${opts.detail}` : ''}`);
    this.roleArn = opts.roleArn;
    this.code = opts.code;
  }
}
