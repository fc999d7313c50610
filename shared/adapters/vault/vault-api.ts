import nodeVault from 'node-vault';
import { VaultApiError, VaultUnreachableError } from './errors.js';

export interface VaultApiOptions {
  /** https://vault.example.com:8200 */
  server: string;
  /** Vault Enterprise / OpenBao namespace, sent as X-Vault-Namespace on every call. */
  namespace?: string;
  /** PEM bundle that signs the server's certificate, for private CAs. */
  caBundle?: string;
  timeoutMs?: number;
}

/** LIST is sent as GET ?list=true, which every proxy in between understands. */
export type VaultMethod = 'GET' | 'POST';

/** The few calls the provider and the authenticator make; a seam that keeps node-vault in one file. */
export interface VaultApi {
  call(method: VaultMethod, path: string, opts?: { token?: string; body?: unknown }): Promise<unknown>;
}

interface AxiosLikeError {
  code?: string;
  message?: string;
}

/**
 * node-vault underneath, used only for its transport (TLS agent with a custom CA, namespace
 * header): tokens are passed per call, never left on the shared client, and node-vault's debug
 * output is silenced because it prints request bodies (AppRole secret ids) when DEBUG is set.
 */
export class NodeVaultApi implements VaultApi {
  readonly #client: ReturnType<typeof nodeVault>;
  readonly #timeoutMs: number;

  constructor({ server, namespace, caBundle, timeoutMs = 10_000 }: VaultApiOptions) {
    this.#timeoutMs = timeoutMs;
    this.#client = nodeVault({
      endpoint: server,
      apiVersion: 'v1',
      debug: () => undefined,
      ...(namespace ? { namespace } : {}),
      ...(caBundle ? { requestOptions: { ca: caBundle } } : {}),
    });
    // Never fall back to VAULT_TOKEN / VAULT_NAMESPACE from the function's environment.
    this.#client.token = '';
    (this.#client as unknown as { namespace?: string }).namespace = namespace ?? '';
  }

  async call(
    method: VaultMethod,
    path: string,
    opts: { token?: string; body?: unknown } = {},
  ): Promise<unknown> {
    const [pathOnly] = path.split('?');
    try {
      return await this.#client.request({
        path: `/${path}`,
        method,
        headers: opts.token ? { 'X-Vault-Token': opts.token } : {},
        ...(opts.body === undefined ? {} : { json: opts.body }),
        timeout: this.#timeoutMs,
      });
    } catch (err) {
      const response = (err as { response?: { statusCode?: number; body?: unknown } }).response;
      if (typeof response?.statusCode === 'number') {
        const body = response.body as { errors?: unknown } | undefined;
        const errors = Array.isArray(body?.errors) ? body.errors.map(String) : [];
        throw new VaultApiError({
          method,
          path: pathOnly ?? path,
          statusCode: response.statusCode,
          errors,
          body,
        });
      }
      // Axios errors carry the request config (headers with the token, the login body): keep only
      // the code and message.
      const e = err as AxiosLikeError;
      throw new VaultUnreachableError(
        `${method} ${pathOnly} failed: ${[e.code, e.message].filter(Boolean).join(' ') || 'unknown error'}`,
      );
    }
  }
}
