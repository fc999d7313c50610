/** Why a provider read failed; every message names the store and key, never a value. */
export type ProviderErrorCode =
  | 'NotFound'
  | 'AccessDenied'
  | 'Throttled'
  | 'DecryptionFailure'
  | 'InvalidRequest'
  | 'Unavailable'
  | 'VersionDeleted';

/** A failed read of one key from one store. */
export class ProviderError extends Error {
  override readonly name = 'ProviderError';
  readonly code: ProviderErrorCode;
  readonly storeName: string;
  readonly key: string;
  /** Transient errors are retried by the next pass; others mark the object failed until its spec changes. */
  readonly transient: boolean;

  constructor(opts: {
    code: ProviderErrorCode;
    storeName: string;
    key: string;
    detail?: string;
    cause?: unknown;
  }) {
    super(
      `${opts.code}: key "${opts.key}" in store "${opts.storeName}"${opts.detail ? `: ${opts.detail}` : ''}`,
      opts.cause === undefined ? undefined : { cause: opts.cause },
    );
    this.code = opts.code;
    this.storeName = opts.storeName;
    this.key = opts.key;
    this.transient = opts.code === 'Throttled' || opts.code === 'Unavailable';
  }
}

/** A store cannot serve reads as configured (no such store, no or several providers): not transient. */
export class StoreConfigError extends Error {
  override readonly name = 'StoreConfigError';
  readonly storeName: string;

  constructor(storeName: string, detail: string) {
    super(`SecretStore "${storeName}": ${detail}`);
    this.storeName = storeName;
  }
}
