/** Vault answered an HTTP error; carries the status and Vault's own error strings (never a request body). */
export class VaultApiError extends Error {
  override readonly name = 'VaultApiError';
  readonly statusCode: number;
  /** The response body, kept for 404s of KV v2 where it says whether a version was deleted or destroyed. */
  readonly body: unknown;

  constructor(opts: { method: string; path: string; statusCode: number; errors: string[]; body: unknown }) {
    const why = opts.errors.length ? `: ${opts.errors.join('; ')}` : '';
    super(`${opts.method} ${opts.path} answered ${opts.statusCode}${why}`);
    this.statusCode = opts.statusCode;
    this.body = opts.body;
  }
}

/** Vault could not be reached (connection, TLS, timeout); the message says why, never what was sent. */
export class VaultUnreachableError extends Error {
  override readonly name = 'VaultUnreachableError';
}

/** Logging in to Vault (token lookup, AppRole, AWS IAM) failed for a store. */
export class VaultAuthError extends Error {
  override readonly name = 'VaultAuthError';
  /** True when Vault refused the identity (4xx), false when it could not be asked. */
  readonly denied: boolean;

  constructor(opts: { storeName: string; method: string; denied: boolean; detail: string }) {
    super(`${opts.method} login to Vault for store "${opts.storeName}" failed: ${opts.detail}`);
    this.denied = opts.denied;
  }
}
