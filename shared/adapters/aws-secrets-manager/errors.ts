/** A credential the control plane keeps for a store (in its own Secrets Manager) could not be read. */
export class CredentialUnavailableError extends Error {
  override readonly name = 'CredentialUnavailableError';
  readonly key: string;

  constructor(opts: { key: string; detail: string }) {
    super(`control-plane credential "${opts.key}" could not be read: ${opts.detail}`);
    this.key = opts.key;
  }
}
