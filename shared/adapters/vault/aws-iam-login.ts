import { createHash, createHmac, type Hash, type Hmac } from 'node:crypto';
import { SignatureV4 } from '@smithy/signature-v4';
import type {
  AwsCredentialIdentity,
  AwsCredentialIdentityProvider,
  Checksum,
  SourceData,
} from '@smithy/types';

/** The header Vault's aws auth checks against its `iam_server_id_header_value` (replay protection). */
export const IAM_SERVER_ID_HEADER = 'X-Vault-AWS-IAM-Server-ID';
const GET_CALLER_IDENTITY_BODY = 'Action=GetCallerIdentity&Version=2011-06-15';

export interface IamLoginOptions {
  /** The Lambda's own identity (or, in tests, moto's dummy keys). */
  credentials: AwsCredentialIdentity | AwsCredentialIdentityProvider;
  /** Vault role to log in as. */
  role: string;
  /** Signing region; the global STS endpoint signs as us-east-1. */
  region?: string;
  /**
   * Where the signed request claims to go. Vault forwards it to its own configured sts_endpoint
   * and the Host header must match what was signed, so the two must agree.
   */
  stsEndpoint?: string;
  serverIdHeader?: string;
  /** Fixed signing time, for deterministic tests. */
  signingDate?: Date;
}

/** SHA-256 / HMAC-SHA-256 from node:crypto in the shape SignatureV4 asks for. */
class NodeSha256 implements Checksum {
  readonly #secret: SourceData | undefined;
  #hash: Hash | Hmac;

  constructor(secret?: SourceData) {
    this.#secret = secret;
    this.#hash = this.#fresh();
  }

  update(data: Uint8Array): void {
    this.#hash.update(data);
  }

  async digest(): Promise<Uint8Array> {
    return new Uint8Array(this.#hash.digest());
  }

  reset(): void {
    this.#hash = this.#fresh();
  }

  #fresh(): Hash | Hmac {
    if (this.#secret === undefined) return createHash('sha256');
    const key =
      typeof this.#secret === 'string'
        ? Buffer.from(this.#secret, 'utf8')
        : ArrayBuffer.isView(this.#secret)
          ? Buffer.from(this.#secret.buffer, this.#secret.byteOffset, this.#secret.byteLength)
          : Buffer.from(this.#secret);
    return createHmac('sha256', key);
  }
}

/**
 * The body of a Vault `auth/<aws>/login` call: a SigV4-signed sts:GetCallerIdentity request that
 * Vault replays to STS to learn who the caller is. No secret leaves the function: the signature
 * proves possession of the credentials and is only valid for that one request.
 */
export async function iamLoginBody({
  credentials,
  role,
  region = 'us-east-1',
  stsEndpoint = 'https://sts.amazonaws.com',
  serverIdHeader,
  signingDate,
}: IamLoginOptions): Promise<Record<string, string>> {
  const url = new URL(stsEndpoint);
  const path = url.pathname && url.pathname !== '' ? url.pathname : '/';
  const headers: Record<string, string> = {
    host: url.host,
    'content-type': 'application/x-www-form-urlencoded; charset=utf-8',
    ...(serverIdHeader ? { [IAM_SERVER_ID_HEADER.toLowerCase()]: serverIdHeader } : {}),
  };
  const signer = new SignatureV4({ service: 'sts', region, credentials, sha256: NodeSha256 });
  const signed = await signer.sign(
    {
      method: 'POST',
      protocol: url.protocol,
      hostname: url.hostname,
      ...(url.port ? { port: Number(url.port) } : {}),
      path,
      query: {},
      headers,
      body: GET_CALLER_IDENTITY_BODY,
    },
    signingDate ? { signingDate } : {},
  );
  // Vault wants a map of header name to list of values.
  const signedHeaders = Object.fromEntries(Object.entries(signed.headers).map(([k, v]) => [k, [v]]));
  const b64 = (text: string) => Buffer.from(text, 'utf8').toString('base64');
  return {
    role,
    iam_http_request_method: 'POST',
    iam_request_url: b64(`${url.protocol}//${url.host}${path}`),
    iam_request_body: b64(GET_CALLER_IDENTITY_BODY),
    iam_request_headers: b64(JSON.stringify(signedHeaders)),
  };
}
