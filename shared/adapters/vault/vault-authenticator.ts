import type { Static } from '@sinclair/typebox';
import type { AwsCredentialIdentity, AwsCredentialIdentityProvider } from '@smithy/types';
import type { VaultAuth } from '../../domain/schema.js';
import { type Clock, systemClock } from '../../ports/clock.js';
import type { CredentialSource } from '../../ports/secret-provider.js';
import { iamLoginBody } from './aws-iam-login.js';
import { VaultApiError, VaultAuthError } from './errors.js';
import type { VaultApi } from './vault-api.js';

export type VaultAuthConfig = Static<typeof VaultAuth>;

/** How the control plane signs Vault's AWS IAM login: its own identity, and where STS is. */
export interface VaultIamSigning {
  credentials: AwsCredentialIdentity | AwsCredentialIdentityProvider;
  /**
   * Must match the sts_endpoint Vault is configured with (moto in tests). Default: the global
   * endpoint for us-east-1 (or no region), else the regional one, sts.<region>.amazonaws.com.
   */
  stsEndpoint?: string;
  /** Signing region when the store's auth.iam.region is not set. */
  region?: string;
}

export interface VaultAuthenticatorOptions {
  storeName: string;
  api: VaultApi;
  auth: VaultAuthConfig;
  /** Reads the token / AppRole secret id the store record references by key. */
  credentialSource: CredentialSource;
  iam?: VaultIamSigning;
  clock?: Clock;
  /** Renew (or log in again) once this share of the token's TTL has passed, as Vault Agent does. */
  renewAfter?: number;
}

interface Lease {
  token: string;
  obtainedAt: number;
  /** 0 = the token never expires (root tokens, for instance). */
  ttlMs: number;
  renewable: boolean;
}

interface AuthBlock {
  client_token?: string;
  lease_duration?: number;
  renewable?: boolean;
}

export interface VaultAuthStats {
  logins: number;
  renewals: number;
}

/**
 * Holds one store's Vault token across warm invocations: logs in lazily (token, AppRole or AWS
 * IAM), renews renewable tokens past `renewAfter` of their TTL, logs in again when renewal is
 * refused or the token is not renewable, and drops a token Vault rejected (`invalidate`) so the
 * next call logs in afresh. Concurrent callers share one login or renewal.
 */
export class VaultAuthenticator {
  readonly #storeName: string;
  readonly #api: VaultApi;
  readonly #auth: VaultAuthConfig;
  readonly #credentialSource: CredentialSource;
  readonly #iam: VaultIamSigning | undefined;
  readonly #clock: Clock;
  readonly #renewAfter: number;
  #lease: Lease | undefined;
  #pending: Promise<Lease> | undefined;
  /** After a rejection the referenced credential is re-read past any cache: it may have rotated. */
  #freshCredential = false;
  readonly #stats: VaultAuthStats = { logins: 0, renewals: 0 };

  constructor({
    storeName,
    api,
    auth,
    credentialSource,
    iam,
    clock = systemClock,
    renewAfter = 2 / 3,
  }: VaultAuthenticatorOptions) {
    this.#storeName = storeName;
    this.#api = api;
    this.#auth = auth;
    this.#credentialSource = credentialSource;
    this.#iam = iam;
    this.#clock = clock;
    this.#renewAfter = renewAfter;
  }

  get stats(): Readonly<VaultAuthStats> {
    return { ...this.#stats };
  }

  async token(): Promise<string> {
    if (this.#pending) return (await this.#pending).token;
    const lease = this.#lease;
    if (!lease) return (await this.#run(() => this.#login())).token;
    if (lease.ttlMs === 0) return lease.token;
    const age = this.#clock.now().getTime() - lease.obtainedAt;
    if (age >= lease.ttlMs) return (await this.#run(() => this.#login())).token;
    if (age >= lease.ttlMs * this.#renewAfter) {
      return (await this.#run(() => (lease.renewable ? this.#renew(lease) : this.#login()))).token;
    }
    return lease.token;
  }

  /** Vault refused `token`: forget it (unless a newer one already replaced it). */
  invalidate(token: string): void {
    if (this.#lease?.token !== token) return;
    this.#lease = undefined;
    this.#freshCredential = true;
  }

  #run(step: () => Promise<Lease>): Promise<Lease> {
    const pending: Promise<Lease> = step()
      .then(
        (lease) => {
          this.#lease = lease;
          return lease;
        },
        (err: unknown) => {
          this.#lease = undefined;
          throw err;
        },
      )
      .finally(() => {
        if (this.#pending === pending) this.#pending = undefined;
      });
    this.#pending = pending;
    return pending;
  }

  async #renew(lease: Lease): Promise<Lease> {
    this.#stats.renewals++;
    try {
      const body = (await this.#api.call('POST', 'auth/token/renew-self', {
        token: lease.token,
        body: {},
      })) as {
        auth?: AuthBlock;
      };
      const ttl = body.auth?.lease_duration ?? 0;
      // A renewal capped by the token's max TTL gives back less each time; once little is left,
      // a fresh login is cheaper than a string of short renewals.
      if (ttl > 0 && ttl * 1000 > lease.ttlMs * (1 - this.#renewAfter)) {
        return {
          ...lease,
          obtainedAt: this.#clock.now().getTime(),
          ttlMs: ttl * 1000,
          renewable: body.auth?.renewable ?? false,
        };
      }
    } catch {
      // Renewal refused or failed: a fresh login below decides whether the store is reachable.
    }
    return this.#login();
  }

  async #login(): Promise<Lease> {
    this.#stats.logins++;
    const fresh = this.#freshCredential;
    this.#freshCredential = false;
    const auth = this.#auth;
    if ('tokenSecretRef' in auth) {
      const token = await this.#credential(auth.tokenSecretRef.key, fresh, 'token');
      const body = (await this.#ask('token', () =>
        this.#api.call('GET', 'auth/token/lookup-self', { token }),
      )) as { data?: { ttl?: number; renewable?: boolean } };
      return this.#leaseOf(
        {
          client_token: token,
          lease_duration: body.data?.ttl ?? 0,
          renewable: body.data?.renewable ?? false,
        },
        'token',
      );
    }
    if ('appRole' in auth) {
      const secretId = await this.#credential(auth.appRole.secretRef.key, fresh, 'AppRole');
      const mount = trimSlashes(auth.appRole.path ?? 'approle');
      const body = (await this.#ask('AppRole', () =>
        this.#api.call('POST', `auth/${mount}/login`, {
          body: { role_id: auth.appRole.roleId, secret_id: secretId },
        }),
      )) as { auth?: AuthBlock };
      return this.#leaseOf(body.auth, 'AppRole');
    }
    const iam = this.#iam;
    if (!iam) {
      throw new VaultAuthError({
        storeName: this.#storeName,
        method: 'AWS IAM',
        denied: true,
        detail: 'no AWS identity is configured to sign the login',
      });
    }
    const mount = trimSlashes(auth.iam.path ?? 'aws');
    const loginBody = await this.#ask('AWS IAM', () =>
      iamLoginBody({
        credentials: iam.credentials,
        role: auth.iam.role,
        region: auth.iam.region ?? iam.region ?? 'us-east-1',
        stsEndpoint: iam.stsEndpoint ?? stsEndpointFor(auth.iam.region ?? iam.region),
        ...(auth.iam.serverIdHeader ? { serverIdHeader: auth.iam.serverIdHeader } : {}),
      }),
    );
    const body = (await this.#ask('AWS IAM', () =>
      this.#api.call('POST', `auth/${mount}/login`, { body: loginBody }),
    )) as { auth?: AuthBlock };
    return this.#leaseOf(body.auth, 'AWS IAM');
  }

  async #credential(key: string, fresh: boolean, method: string): Promise<string> {
    try {
      const value = await this.#credentialSource(key, { fresh });
      if (!value) throw new Error('empty');
      return value;
    } catch (err) {
      const why = err instanceof Error && err.name !== 'Error' ? err.name : 'unreadable or empty';
      throw new VaultAuthError({
        storeName: this.#storeName,
        method,
        denied: false,
        detail: `credential "${key}" could not be read (${why})`,
      });
    }
  }

  async #ask<T>(method: string, call: () => Promise<T>): Promise<T> {
    try {
      return await call();
    } catch (err) {
      const denied = err instanceof VaultApiError && err.statusCode >= 400 && err.statusCode < 500;
      const detail = err instanceof Error ? err.message : 'unknown error';
      throw new VaultAuthError({ storeName: this.#storeName, method, denied, detail });
    }
  }

  #leaseOf(auth: AuthBlock | undefined, method: string): Lease {
    if (!auth?.client_token) {
      throw new VaultAuthError({
        storeName: this.#storeName,
        method,
        denied: true,
        detail: 'Vault returned no token',
      });
    }
    return {
      token: auth.client_token,
      obtainedAt: this.#clock.now().getTime(),
      ttlMs: (auth.lease_duration ?? 0) * 1000,
      renewable: auth.renewable ?? false,
    };
  }
}

/** Vault replays the signed request with the Host it was signed for, so region and endpoint must agree. */
export function stsEndpointFor(region: string | undefined): string {
  return !region || region === 'us-east-1'
    ? 'https://sts.amazonaws.com'
    : `https://sts.${region}.amazonaws.com`;
}

function trimSlashes(path: string): string {
  return path.replace(/^\/+|\/+$/g, '');
}
