import { describe, expect, it } from 'vitest';
import { IAM_SERVER_ID_HEADER, iamLoginBody } from './aws-iam-login.js';

const credentials = {
  accessKeyId: 'AKIDEXAMPLE',
  secretAccessKey: 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY',
};
const decode = (b64: string) => Buffer.from(b64, 'base64').toString('utf8');

describe('iamLoginBody', () => {
  it('should sign a POST of GetCallerIdentity to the configured STS endpoint', async () => {
    const body = await iamLoginBody({
      credentials,
      role: 'fleet-secrets',
      stsEndpoint: 'http://127.0.0.1:5000',
      signingDate: new Date('2026-01-02T03:04:05Z'),
    });
    expect(body.role).toBe('fleet-secrets');
    expect(body.iam_http_request_method).toBe('POST');
    expect(decode(body.iam_request_url!)).toBe('http://127.0.0.1:5000/');
    expect(decode(body.iam_request_body!)).toBe('Action=GetCallerIdentity&Version=2011-06-15');
    const headers = JSON.parse(decode(body.iam_request_headers!)) as Record<string, string[]>;
    expect(headers.host).toEqual(['127.0.0.1:5000']);
    expect(headers['x-amz-date']).toEqual(['20260102T030405Z']);
    expect(headers.authorization?.[0]).toMatch(
      /^AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE\/20260102\/us-east-1\/sts\/aws4_request, SignedHeaders=[^,]*host/,
    );
  });

  it('should sign the server id header so Vault can check it was meant for this server', async () => {
    const body = await iamLoginBody({ credentials, role: 'r', serverIdHeader: 'vault.example.com' });
    const headers = JSON.parse(decode(body.iam_request_headers!)) as Record<string, string[]>;
    expect(headers[IAM_SERVER_ID_HEADER.toLowerCase()]).toEqual(['vault.example.com']);
    expect(headers.authorization?.[0]).toMatch(/SignedHeaders=[^,]*x-vault-aws-iam-server-id/);
  });

  it('should carry the session token of temporary credentials and never the secret key', async () => {
    const body = await iamLoginBody({
      credentials: { ...credentials, sessionToken: 'FQoGZXIvYXdzEXAMPLE' },
      role: 'r',
    });
    const headers = JSON.parse(decode(body.iam_request_headers!)) as Record<string, string[]>;
    expect(headers['x-amz-security-token']).toEqual(['FQoGZXIvYXdzEXAMPLE']);
    expect(JSON.stringify(body)).not.toContain(credentials.secretAccessKey);
    expect(decode(body.iam_request_headers!)).not.toContain(credentials.secretAccessKey);
  });

  it('should produce the same signature for the same inputs', async () => {
    const opts = { credentials, role: 'r', signingDate: new Date('2026-01-02T03:04:05Z') };
    expect(await iamLoginBody(opts)).toEqual(await iamLoginBody(opts));
  });
});
