/**
 * How the control plane proves who it is to a member cluster: a bearer token from a source that
 * knows when to refresh it (EKS presigned token, ServiceAccount token kept in Secrets Manager, a
 * fixed token in tests), or whatever a kubeconfig says (dev mode).
 */
import type { RequestOptions } from 'node:https';
import type { KubeConfig, RequestContext, SecurityAuthentication } from '@kubernetes/client-node';

/** Supplies the bearer token of one cluster identity, refreshing it when it is due. */
export interface BearerTokenSource {
  token(): Promise<string>;
  /** The API server said 401: forget the cached token so the next call fetches a fresh one. */
  invalidate(): void;
}

/** A token that never changes (tests, short-lived tools). */
export class StaticTokenSource implements BearerTokenSource {
  readonly #token: string;
  constructor({ token }: { token: string }) {
    this.#token = token;
  }
  async token(): Promise<string> {
    return this.#token;
  }
  invalidate(): void {}
}

/** Puts `Authorization: Bearer <token>` on every request. */
export class TokenSourceAuthentication implements SecurityAuthentication {
  readonly #source: BearerTokenSource;
  constructor({ source }: { source: BearerTokenSource }) {
    this.#source = source;
  }
  getName(): string {
    return 'BearerToken';
  }
  async applySecurityAuthentication(context: RequestContext): Promise<void> {
    context.setHeaderParam('Authorization', `Bearer ${await this.#source.token()}`);
  }
}

/**
 * Applies a kubeconfig user (token, exec plugin, basic auth) to each request. Its client
 * certificate, if any, lives in the transport's agent (see kubeconfigTlsOptions).
 */
export class KubeConfigAuthentication implements SecurityAuthentication {
  readonly #kubeConfig: KubeConfig;
  constructor({ kubeConfig }: { kubeConfig: KubeConfig }) {
    this.#kubeConfig = kubeConfig;
  }
  getName(): string {
    return 'KubeConfig';
  }
  async applySecurityAuthentication(context: RequestContext): Promise<void> {
    await this.#kubeConfig.applySecurityAuthentication(context);
  }
}

export interface TlsMaterial {
  ca?: string | Buffer;
  cert?: string | Buffer;
  key?: string | Buffer;
  rejectUnauthorized?: boolean;
  servername?: string;
}

/** The TLS part of a kubeconfig's current context, to build one keep-alive agent from. */
export async function kubeconfigTlsOptions(kubeConfig: KubeConfig): Promise<TlsMaterial> {
  const opts: RequestOptions = {};
  await kubeConfig.applyToHTTPSOptions(opts);
  const cluster = kubeConfig.getCurrentCluster();
  return {
    ca: opts.ca as TlsMaterial['ca'],
    cert: opts.cert as TlsMaterial['cert'],
    key: opts.key as TlsMaterial['key'],
    rejectUnauthorized: cluster?.skipTLSVerify ? false : undefined,
    servername: cluster?.tlsServerName,
  };
}
