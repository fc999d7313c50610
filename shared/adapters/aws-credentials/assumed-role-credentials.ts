import { AssumeRoleCommand, type AssumeRoleCommandOutput, type STSClient } from '@aws-sdk/client-sts';
import type { AwsCredentialIdentity, AwsCredentialIdentityProvider } from '@smithy/types';
import { type Clock, systemClock } from '../../ports/clock.js';
import { AssumeRoleFailedError } from './errors.js';

export interface AssumeRoleParams {
  roleArn: string;
  /** The store's externalId: guards against the confused-deputy problem in cross-account roles. */
  externalId?: string;
  sessionName: string;
  /** A session policy (JSON): the session may do only what both it and the role allow. */
  sessionPolicy?: string;
}

export interface AssumedRoleCredentialCacheOptions {
  sts: STSClient;
  clock?: Clock;
  /** Credentials are replaced this long before they expire (the SDK itself refreshes at 5 minutes). */
  refreshBeforeExpiryMs?: number;
  durationSeconds?: number;
  /** A warm container serves many clusters over its life; the oldest sessions are dropped past this. */
  maxEntries?: number;
}

interface Entry {
  credentials: Promise<AwsCredentialIdentity>;
  /** Set once STS answered; until then the entry is in flight and shared by every caller. */
  refreshAt?: number;
}

/**
 * Assumed-role credentials per (role, externalId, session name), kept in module scope by the
 * caller so warm Lambda invocations reuse them until shortly before they expire. Concurrent
 * requests for the same session share one AssumeRole call; failures are not cached.
 */
export class AssumedRoleCredentialCache {
  readonly #sts: STSClient;
  readonly #clock: Clock;
  readonly #refreshBeforeExpiryMs: number;
  readonly #durationSeconds: number;
  readonly #maxEntries: number;
  readonly #entries = new Map<string, Entry>();
  #assumeRoleCalls = 0;

  constructor({
    sts,
    clock = systemClock,
    refreshBeforeExpiryMs = 5 * 60_000,
    durationSeconds = 3600,
    maxEntries = 512,
  }: AssumedRoleCredentialCacheOptions) {
    this.#sts = sts;
    this.#clock = clock;
    this.#refreshBeforeExpiryMs = refreshBeforeExpiryMs;
    this.#durationSeconds = durationSeconds;
    this.#maxEntries = maxEntries;
  }

  /** sts:AssumeRole calls made so far (tests and benchmarks read it). */
  get assumeRoleCalls(): number {
    return this.#assumeRoleCalls;
  }

  /** A credential provider for an SDK client's `credentials` option. */
  provider(params: AssumeRoleParams): AwsCredentialIdentityProvider {
    return () => this.get(params);
  }

  get(params: AssumeRoleParams): Promise<AwsCredentialIdentity> {
    const id = JSON.stringify([
      params.roleArn,
      params.externalId ?? '',
      params.sessionName,
      params.sessionPolicy ?? '',
    ]);
    const cached = this.#entries.get(id);
    if (cached && (cached.refreshAt === undefined || this.#clock.now().getTime() < cached.refreshAt)) {
      // Re-insert: Map order doubles as least-recently-used order.
      this.#entries.delete(id);
      this.#entries.set(id, cached);
      return cached.credentials;
    }
    const entry: Entry = { credentials: this.#assume(params) };
    entry.credentials.then(
      (credentials) => {
        const expiresAt = credentials.expiration?.getTime() ?? Number.POSITIVE_INFINITY;
        entry.refreshAt = expiresAt - this.#refreshBeforeExpiryMs;
      },
      () => {
        if (this.#entries.get(id) === entry) this.#entries.delete(id);
      },
    );
    this.#entries.delete(id);
    this.#entries.set(id, entry);
    while (this.#entries.size > this.#maxEntries) {
      const oldest = this.#entries.keys().next().value;
      if (oldest === undefined) break;
      this.#entries.delete(oldest);
    }
    return entry.credentials;
  }

  async #assume({
    roleArn,
    externalId,
    sessionName,
    sessionPolicy,
  }: AssumeRoleParams): Promise<AwsCredentialIdentity> {
    this.#assumeRoleCalls++;
    let response: AssumeRoleCommandOutput;
    try {
      response = await this.#sts.send(
        new AssumeRoleCommand({
          RoleArn: roleArn,
          RoleSessionName: sessionName,
          DurationSeconds: this.#durationSeconds,
          ...(externalId ? { ExternalId: externalId } : {}),
          ...(sessionPolicy ? { Policy: sessionPolicy } : {}),
        }),
      );
    } catch (err) {
      const code = (err as { name?: string }).name;
      throw new AssumeRoleFailedError({ roleArn, ...(code ? { code, detail: code } : {}) });
    }
    const c = response.Credentials;
    if (!c?.AccessKeyId || !c.SecretAccessKey) {
      throw new AssumeRoleFailedError({ roleArn, detail: 'STS returned no credentials' });
    }
    return {
      accessKeyId: c.AccessKeyId,
      secretAccessKey: c.SecretAccessKey,
      ...(c.SessionToken ? { sessionToken: c.SessionToken } : {}),
      ...(c.Expiration ? { expiration: c.Expiration } : {}),
    };
  }
}
