/**
 * EKS bearer tokens, as `aws eks get-token` makes them: a presigned STS GetCallerIdentity URL whose
 * signature covers the `x-k8s-aws-id: <cluster name>` header (so a token for one cluster is useless
 * against another), encoded as 'k8s-aws-v1.' + base64url without padding. The API server's
 * authenticator replays the URL against STS and maps the returned ARN through the cluster's access
 * entries. EKS accepts a token for 15 minutes after its signing time.
 */
import { createHash, createHmac, type Hash, type Hmac } from 'node:crypto';
import { SignatureV4 } from '@smithy/signature-v4';
import type { Clock } from '../../ports/clock.js';
import { systemClock } from '../../ports/clock.js';
import type { BearerTokenSource } from './auth.js';

export const EKS_TOKEN_PREFIX = 'k8s-aws-v1.';
/** How long EKS honours a token after its X-Amz-Date. */
export const EKS_TOKEN_VALIDITY_MS = 15 * 60_000;
/** The expiry aws-iam-authenticator puts in the URL; EKS ignores it in favour of the 15 minutes. */
const PRESIGN_EXPIRES_SECONDS = 60;

export interface AwsCredentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
  expiration?: Date;
}

export type AwsCredentialsProvider = () => Promise<AwsCredentials>;

export interface PresignEksTokenOptions {
  clusterName: string;
  region: string;
  credentials: AwsCredentialsProvider;
  /** The STS endpoint to presign for; defaults to the regional one (tests point it at moto). */
  stsEndpoint?: string;
  signingDate?: Date;
}

export interface EksToken {
  token: string;
  signedAt: Date;
  /** When EKS stops accepting it. */
  expiresAt: Date;
}

/** node:crypto as the SHA-256 / HMAC-SHA-256 the signer asks for. */
class NodeSha256 {
  #hash: Hash | Hmac;
  constructor(secret?: string | ArrayBuffer | ArrayBufferView) {
    this.#hash = secret === undefined ? createHash('sha256') : createHmac('sha256', toBuffer(secret));
  }
  update(data: string | ArrayBuffer | ArrayBufferView): void {
    this.#hash.update(toBuffer(data));
  }
  async digest(): Promise<Uint8Array> {
    return new Uint8Array(this.#hash.digest());
  }
}

function toBuffer(data: string | ArrayBuffer | ArrayBufferView): Buffer {
  if (typeof data === 'string') return Buffer.from(data, 'utf8');
  if (ArrayBuffer.isView(data)) return Buffer.from(data.buffer, data.byteOffset, data.byteLength);
  return Buffer.from(data);
}

/** RFC 3986 escaping, as SigV4 canonicalises query values (encodeURIComponent leaves !'()* alone). */
function escapeUri(value: string): string {
  return encodeURIComponent(value).replace(
    /[!'()*]/g,
    (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`,
  );
}

export async function presignEksToken(options: PresignEksTokenOptions): Promise<EksToken> {
  const { clusterName, region, credentials } = options;
  if (!clusterName) throw new Error('EKS token: clusterName is required');
  const endpoint = new URL(options.stsEndpoint ?? `https://sts.${region}.amazonaws.com`);
  const signer = new SignatureV4({ service: 'sts', region, credentials, sha256: NodeSha256 });
  const signedAt = options.signingDate ?? new Date();
  const signed = await signer.presign(
    {
      method: 'GET',
      protocol: endpoint.protocol,
      hostname: endpoint.hostname,
      port: endpoint.port ? Number(endpoint.port) : undefined,
      path: endpoint.pathname || '/',
      query: { Action: 'GetCallerIdentity', Version: '2011-06-15' },
      headers: { host: endpoint.host, 'x-k8s-aws-id': clusterName },
    },
    { expiresIn: PRESIGN_EXPIRES_SECONDS, signingDate: signedAt },
  );
  const query = Object.entries(signed.query ?? {})
    .flatMap(([key, value]) =>
      (Array.isArray(value) ? value : [value]).map((v) => `${escapeUri(key)}=${escapeUri(String(v ?? ''))}`),
    )
    .join('&');
  const url = `${endpoint.protocol}//${endpoint.host}${signed.path}?${query}`;
  return {
    token: EKS_TOKEN_PREFIX + Buffer.from(url, 'utf8').toString('base64url'),
    signedAt,
    expiresAt: new Date(signedAt.getTime() + EKS_TOKEN_VALIDITY_MS),
  };
}

/** The presigned URL inside a token (for tests and debugging; it carries no secret but a signature). */
export function decodeEksToken(token: string): URL {
  if (!token.startsWith(EKS_TOKEN_PREFIX)) throw new Error('not an EKS token (missing k8s-aws-v1. prefix)');
  return new URL(Buffer.from(token.slice(EKS_TOKEN_PREFIX.length), 'base64url').toString('utf8'));
}

export interface EksTokenSourceOptions extends Omit<PresignEksTokenOptions, 'signingDate'> {
  clock?: Clock;
  /** Mint a new token once the current one is this old; well inside the 15-minute validity. */
  refreshAfterMs?: number;
}

/** Keeps one EKS token per cluster and mints the next one before the current one runs out. */
export class EksTokenSource implements BearerTokenSource {
  readonly #options: EksTokenSourceOptions;
  readonly #clock: Clock;
  readonly #refreshAfterMs: number;
  #current: EksToken | undefined;
  #pending: Promise<EksToken> | undefined;

  constructor(options: EksTokenSourceOptions) {
    this.#options = options;
    this.#clock = options.clock ?? systemClock;
    this.#refreshAfterMs = options.refreshAfterMs ?? 10 * 60_000;
  }

  async token(): Promise<string> {
    const now = this.#clock.now().getTime();
    if (this.#current && now - this.#current.signedAt.getTime() < this.#refreshAfterMs) {
      return this.#current.token;
    }
    // Concurrent requests of one pass share a single presign.
    this.#pending ??= presignEksToken({ ...this.#options, signingDate: this.#clock.now() }).finally(() => {
      this.#pending = undefined;
    });
    this.#current = await this.#pending;
    return this.#current.token;
  }

  invalidate(): void {
    this.#current = undefined;
  }
}
