import { SecretsManagerClient, type SecretsManagerClientConfig } from '@aws-sdk/client-secrets-manager';
import type { AssumedRoleCredentialCache } from '../aws-credentials/assumed-role-credentials.js';
import { STORE_READ_SESSION_POLICY } from './store-session-policy.js';

export interface ClientIdentity {
  region: string;
  /** Absent: the function's own role. */
  roleArn?: string;
  externalId?: string;
  /** Only meaningful with a role: CloudTrail shows it as the caller. */
  sessionName?: string;
}

export interface SecretsManagerClientsOptions {
  credentials: AssumedRoleCredentialCache;
  /**
   * Shared client settings: `endpoint` (moto in tests), the function's own `credentials`. Retry
   * defaults to adaptive mode with 5 attempts: exponential backoff with jitter on
   * ThrottlingException, plus client-side rate limiting once throttling is seen, which is what a
   * hard quota (BatchGetSecretValue: 100 calls/s) calls for.
   */
  clientConfig?: SecretsManagerClientConfig;
  /** Called once per new client: tracing (Powertools captureAWSv3Client) or test call counters. */
  instrument?: (client: SecretsManagerClient) => void;
  maxClients?: number;
}

/**
 * One SecretsManagerClient per (region, role, externalId, session), held in module scope by the
 * caller so warm invocations reuse connections and assumed credentials.
 */
export class SecretsManagerClients {
  readonly #credentials: AssumedRoleCredentialCache;
  readonly #clientConfig: SecretsManagerClientConfig;
  readonly #instrument: ((client: SecretsManagerClient) => void) | undefined;
  readonly #maxClients: number;
  readonly #clients = new Map<string, SecretsManagerClient>();

  constructor({
    credentials,
    clientConfig = {},
    instrument,
    maxClients = 256,
  }: SecretsManagerClientsOptions) {
    this.#credentials = credentials;
    this.#clientConfig = clientConfig;
    this.#instrument = instrument;
    this.#maxClients = maxClients;
  }

  get size(): number {
    return this.#clients.size;
  }

  clientFor({ region, roleArn, externalId, sessionName }: ClientIdentity): SecretsManagerClient {
    const id = JSON.stringify(roleArn ? [region, roleArn, externalId ?? '', sessionName ?? ''] : [region]);
    const existing = this.#clients.get(id);
    if (existing) {
      // Re-insert: Map order doubles as least-recently-used order.
      this.#clients.delete(id);
      this.#clients.set(id, existing);
      return existing;
    }
    const client = new SecretsManagerClient({
      retryMode: 'adaptive',
      maxAttempts: 5,
      ...this.#clientConfig,
      region,
      ...(roleArn
        ? {
            credentials: this.#credentials.provider({
              roleArn,
              ...(externalId ? { externalId } : {}),
              sessionName: sessionName ?? 'fleet-secrets',
              sessionPolicy: STORE_READ_SESSION_POLICY,
            }),
          }
        : {}),
    });
    this.#instrument?.(client);
    this.#clients.set(id, client);
    while (this.#clients.size > this.#maxClients) {
      const oldest = this.#clients.keys().next().value;
      if (oldest === undefined) break;
      // Not destroyed: a request of the current pass may still be using it; idle sockets time out.
      this.#clients.delete(oldest);
    }
    return client;
  }
}
