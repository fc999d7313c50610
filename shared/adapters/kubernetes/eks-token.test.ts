import { createHash, createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { decodeEksToken, EksTokenSource, presignEksToken } from './eks-token.js';

const credentials = async () => ({
  accessKeyId: 'AKIDEXAMPLE',
  secretAccessKey: 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY',
  sessionToken: 'session/token+with=specials',
});

/**
 * An independent SigV4 check, written from the AWS documentation rather than from the signer:
 * what STS does when the EKS authenticator replays the URL with the x-k8s-aws-id header.
 */
function expectedSignature(url: URL, clusterName: string, secretAccessKey: string): string {
  const enc = (s: string) =>
    encodeURIComponent(s).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
  const params = [...url.searchParams.entries()].filter(([k]) => k !== 'X-Amz-Signature');
  const canonicalQuery = params
    .map(([k, v]) => [enc(k), enc(v)] as const)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([k, v]) => `${k}=${v}`)
    .join('&');
  const canonicalRequest = [
    'GET',
    '/',
    canonicalQuery,
    `host:${url.host}\nx-k8s-aws-id:${clusterName}\n`,
    'host;x-k8s-aws-id',
    createHash('sha256').update('').digest('hex'),
  ].join('\n');
  const amzDate = url.searchParams.get('X-Amz-Date')!;
  const [, date, region, service] = url.searchParams.get('X-Amz-Credential')!.split('/');
  const scope = `${date}/${region}/${service}/aws4_request`;
  const stringToSign = [
    'AWS4-HMAC-SHA256',
    amzDate,
    scope,
    createHash('sha256').update(canonicalRequest).digest('hex'),
  ].join('\n');
  const hmac = (key: string | Buffer, data: string) => createHmac('sha256', key).update(data).digest();
  const signingKey = hmac(
    hmac(hmac(hmac(`AWS4${secretAccessKey}`, date!), region!), service!),
    'aws4_request',
  );
  return createHmac('sha256', signingKey).update(stringToSign).digest('hex');
}

describe('presignEksToken', () => {
  it('should produce k8s-aws-v1. plus an unpadded base64url presigned GetCallerIdentity URL', async () => {
    const { token } = await presignEksToken({ clusterName: 'prod-eu-1', region: 'eu-west-1', credentials });
    expect(token).toMatch(/^k8s-aws-v1\.[A-Za-z0-9_-]+$/);
    const url = decodeEksToken(token);
    expect(url.origin).toBe('https://sts.eu-west-1.amazonaws.com');
    expect(url.searchParams.get('Action')).toBe('GetCallerIdentity');
    expect(url.searchParams.get('Version')).toBe('2011-06-15');
    expect(url.searchParams.get('X-Amz-Expires')).toBe('60');
    expect(url.searchParams.get('X-Amz-Security-Token')).toBe('session/token+with=specials');
  });

  it('should sign the x-k8s-aws-id header so the token is bound to one cluster', async () => {
    const signingDate = new Date('2026-03-01T12:00:00Z');
    const { token, expiresAt } = await presignEksToken({
      clusterName: 'prod-eu-1',
      region: 'eu-west-1',
      credentials,
      signingDate,
    });
    const url = decodeEksToken(token);
    const { secretAccessKey } = await credentials();

    expect(url.searchParams.get('X-Amz-SignedHeaders')).toBe('host;x-k8s-aws-id');
    expect(url.searchParams.get('X-Amz-Date')).toBe('20260301T120000Z');
    expect(url.searchParams.get('X-Amz-Signature')).toBe(
      expectedSignature(url, 'prod-eu-1', secretAccessKey),
    );
    expect(url.searchParams.get('X-Amz-Signature')).not.toBe(
      expectedSignature(url, 'prod-us-1', secretAccessKey),
    );
    expect(expiresAt.toISOString()).toBe('2026-03-01T12:15:00.000Z');
  });

  it('should presign for a custom STS endpoint with its port', async () => {
    const { token } = await presignEksToken({
      clusterName: 'c',
      region: 'us-east-1',
      credentials,
      stsEndpoint: 'http://127.0.0.1:5000',
    });
    const url = decodeEksToken(token);
    expect(url.host).toBe('127.0.0.1:5000');
    expect(url.searchParams.get('X-Amz-Signature')).toBe(
      expectedSignature(url, 'c', (await credentials()).secretAccessKey),
    );
  });
});

describe('EksTokenSource', () => {
  it('should reuse a token until it is ten minutes old, then mint a new one', async () => {
    let now = new Date('2026-03-01T12:00:00Z');
    let signed = 0;
    const source = new EksTokenSource({
      clusterName: 'c',
      region: 'us-east-1',
      credentials: async () => {
        signed++;
        return credentials();
      },
      clock: { now: () => now },
    });

    const first = await source.token();
    now = new Date('2026-03-01T12:09:59Z');
    expect(await source.token()).toBe(first);
    now = new Date('2026-03-01T12:10:00Z');
    const second = await source.token();

    expect(second).not.toBe(first);
    expect(signed).toBe(2);
  });

  it('should mint a fresh token after invalidate', async () => {
    const now = new Date('2026-03-01T12:00:00Z');
    let signed = 0;
    const source = new EksTokenSource({
      clusterName: 'c',
      region: 'us-east-1',
      credentials: async () => {
        signed++;
        return credentials();
      },
      clock: { now: () => now },
    });
    await source.token();
    source.invalidate();
    await source.token();
    expect(signed).toBe(2);
  });
});
