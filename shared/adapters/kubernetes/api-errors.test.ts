import { ApiException } from '@kubernetes/client-node';
import { describe, expect, it } from 'vitest';
import { redact, toKubeError } from './api-errors.js';
import {
  KubeConflictError,
  KubeForbiddenError,
  KubeInvalidError,
  KubeNotFoundError,
  KubeUnauthorizedError,
  KubeUnreachableError,
} from './errors.js';
import { goQuoteInner, spellingsOf } from './redaction.js';

const status = (code: number, reason: string, message: string) =>
  new ApiException(code, 'x', JSON.stringify({ kind: 'Status', code, reason, message }), {});

describe('toKubeError', () => {
  it.each([
    [401, KubeUnauthorizedError],
    [403, KubeForbiddenError],
    [404, KubeNotFoundError],
    [409, KubeConflictError],
    [422, KubeInvalidError],
    [400, KubeInvalidError],
    [429, KubeUnreachableError],
    [503, KubeUnreachableError],
  ])('should map HTTP %i to %o', (code, type) => {
    const error = toKubeError(status(code, 'R', 'm'), {
      clusterId: 'c1',
      action: 'list secrets in namespace a',
    });
    expect(error).toBeInstanceOf(type);
    expect(error.status).toBe(code);
  });

  it('should name the cluster, the action and the API server reason', () => {
    const error = toKubeError(status(403, 'Forbidden', 'secrets is forbidden: User "u" cannot list'), {
      clusterId: 'prod-eu-1',
      action: 'list secrets in namespace team-a',
    });
    expect(error.message).toBe(
      'Forbidden: cluster "prod-eu-1": list secrets in namespace team-a: secrets is forbidden: User "u" cannot list',
    );
    expect(error.reason).toBe('Forbidden');
  });

  it('should redact the values we sent from an API server message', () => {
    const error = toKubeError(status(500, 'InternalError', 'webhook said: "hunter22" is weak'), {
      clusterId: 'c',
      action: 'apply secret a/b',
      secretValues: ['hunter22', 'aHVudGVyMjI='],
    });
    expect(error.message).not.toContain('hunter22');
    expect(error.message).toContain('[redacted]');
  });

  describe('a 400/422 rejection', () => {
    // What the API server answers when a label value is not valid: its message quotes the value.
    const canary = 'Pa55/w0rd+CANARY="\\\u00e9';
    const quoted = 'Pa55/w0rd+CANARY=\\"\\\\\u00e9';
    const invalid = (code: number) =>
      new ApiException(
        code,
        'x',
        JSON.stringify({
          kind: 'Status',
          code,
          status: 'Failure',
          reason: 'Invalid',
          message: `Secret "db" is invalid: metadata.labels: Invalid value: "${quoted}": a valid label must be ...`,
          details: {
            name: 'db',
            kind: 'Secret',
            causes: [
              {
                reason: 'FieldValueInvalid',
                message: `Invalid value: "${quoted}": a valid label must be ...`,
                field: 'metadata.labels',
              },
            ],
          },
        }),
        {},
      );

    it.each([422, 400])('should forward the reason and field paths of HTTP %i, never the message', (code) => {
      // No secretValues: the message is dropped whatever the caller knew to redact.
      const error = toKubeError(invalid(code), { clusterId: 'c', action: 'apply secret a/db' });
      expect(error).toBeInstanceOf(KubeInvalidError);
      expect(error.reason).toBe('Invalid');
      expect(error.message).toBe(
        'Invalid: cluster "c": apply secret a/db: rejected (Invalid): metadata.labels: FieldValueInvalid',
      );
      expect(error.message).not.toContain('CANARY');
      expect(JSON.stringify(error)).not.toContain(canary);
    });

    it('should not chain the API server response as the cause (loggers serialise error.cause)', () => {
      const error = toKubeError(invalid(422), { clusterId: 'c', action: 'apply secret a/db' });
      expect(error.cause).toBeUndefined();
      expect(JSON.stringify({ ...error, message: error.message, stack: error.stack })).not.toContain(
        'CANARY',
      );
    });
  });

  it.each([
    ['JSON-escaped', 'pass"word\\tab\t'],
    ['Go %q-escaped', 'caf\u00e9\u0007bell'],
    ['HTML-escaped by Go json', 'a<b>&c=1'],
  ])('should redact a value the API server echoes %s', (_form, value) => {
    // A 500 from an admission webhook that echoes the value in each of its spellings.
    const body = JSON.stringify({
      kind: 'Status',
      code: 500,
      reason: 'InternalError',
      message: `denied ${JSON.stringify(value)} / ${goQuote(value)}`,
    });
    const raw = new ApiException(500, 'x', body, {});
    const unparsed = new ApiException(500, 'x', `oops ${body}`, {});
    for (const e of [raw, unparsed]) {
      const error = toKubeError(e, { clusterId: 'c', action: 'apply secret a/b', secretValues: [value] });
      for (const spelling of spellingsOf(value)) expect(error.message).not.toContain(spelling);
      expect(error.message).toContain('[redacted]');
    }
  });

  it('should redact a network error message and chain no cause', () => {
    const network = new Error('socket hang up after writing "s3cr3t-value"');
    const error = toKubeError(network, { clusterId: 'c', action: 'apply', secretValues: ['s3cr3t-value'] });
    expect(error.message).not.toContain('s3cr3t-value');
    expect(error.cause).toBeUndefined();
  });

  it('should treat a network failure as Unreachable', () => {
    const error = toKubeError(Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' }), {
      clusterId: 'c',
      action: 'list secrets',
    });
    expect(error).toBeInstanceOf(KubeUnreachableError);
  });
});

describe('redact', () => {
  it('should replace longer values first so no part of one survives', () => {
    expect(redact('x=secret-long y=secret', ['secret', 'secret-long'])).toBe('x=[redacted] y=[redacted]');
  });

  it('should remove the Go-quoted and JSON-escaped spellings of a value', () => {
    const value = 'Pa55/w0rd+CANARY="\\é\n<&>';
    const text = [value, goQuote(value), JSON.stringify(value), JSON.stringify(goQuote(value))].join(' | ');
    expect(redact(text, [value])).not.toMatch(/Pa55|CANARY/);
  });
});

describe('goQuoteInner', () => {
  it.each([
    ['plain', 'plain'],
    ['a"b\\c', 'a\\"b\\\\c'],
    ['tab\tnl\n\u0007\u000b', 'tab\\tnl\\n\\a\\v'],
    ['\u0001\u007f', '\\x01\\x7f'],
    ['é ü', 'é ü'],
    ['nbsp\u00a0zwsp\u200b', 'nbsp\\u00a0zwsp\\u200b'],
    ['\u{1F600}', '\u{1F600}'],
    ['\u{E0001}', '\\U000e0001'],
  ])('should quote %j as strconv.Quote does', (input, expected) => {
    expect(goQuoteInner(input)).toBe(expected);
  });
});

/** strconv.Quote, quotes included. */
const goQuote = (value: string) => `"${goQuoteInner(value)}"`;
