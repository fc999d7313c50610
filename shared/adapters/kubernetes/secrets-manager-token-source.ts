/**
 * A ServiceAccount bearer token for a non-EKS cluster, kept in the control plane's own Secrets
 * Manager (never in a tenant store). The secret holds the token itself or JSON `{"token": "..."}`.
 * It is re-read after maxAgeMs and at once after a 401, so a rotated token is picked up without a
 * cold start.
 */
import { GetSecretValueCommand, type SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import type { Clock } from '../../ports/clock.js';
import { systemClock } from '../../ports/clock.js';
import type { BearerTokenSource } from './auth.js';
import { ClusterConfigError } from './errors.js';

export interface SecretsManagerTokenSourceOptions {
  client: SecretsManagerClient;
  secretId: string;
  clock?: Clock;
  maxAgeMs?: number;
}

export class SecretsManagerTokenSource implements BearerTokenSource {
  readonly #options: SecretsManagerTokenSourceOptions;
  readonly #clock: Clock;
  readonly #maxAgeMs: number;
  #cached: { token: string; readAt: number } | undefined;
  #pending: Promise<string> | undefined;

  constructor(options: SecretsManagerTokenSourceOptions) {
    this.#options = options;
    this.#clock = options.clock ?? systemClock;
    this.#maxAgeMs = options.maxAgeMs ?? 5 * 60_000;
  }

  async token(): Promise<string> {
    const now = this.#clock.now().getTime();
    if (this.#cached && now - this.#cached.readAt < this.#maxAgeMs) return this.#cached.token;
    this.#pending ??= this.#read().finally(() => {
      this.#pending = undefined;
    });
    const token = await this.#pending;
    this.#cached = { token, readAt: now };
    return token;
  }

  invalidate(): void {
    this.#cached = undefined;
  }

  async #read(): Promise<string> {
    const { client, secretId } = this.#options;
    const out = await client.send(new GetSecretValueCommand({ SecretId: secretId }));
    const raw = out.SecretString ?? (out.SecretBinary ? Buffer.from(out.SecretBinary).toString('utf8') : '');
    const token = parseToken(raw);
    if (!token) {
      throw new ClusterConfigError(
        `cluster token secret "${secretId}" holds no token (expected the token or JSON with a "token" field)`,
      );
    }
    return token;
  }
}

function parseToken(raw: string): string | undefined {
  const trimmed = raw.trim();
  if (trimmed.startsWith('{')) {
    try {
      const parsed = JSON.parse(trimmed) as { token?: unknown };
      return typeof parsed.token === 'string' && parsed.token ? parsed.token : undefined;
    } catch {
      // Not JSON after all: a token never starts with '{', so this is a broken document.
      return undefined;
    }
  }
  return trimmed || undefined;
}
