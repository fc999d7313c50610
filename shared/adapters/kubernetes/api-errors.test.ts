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
    const error = toKubeError(status(422, 'Invalid', 'data[k]: Invalid value: "hunter22": nope'), {
      clusterId: 'c',
      action: 'apply secret a/b',
      secretValues: ['hunter22', 'aHVudGVyMjI='],
    });
    expect(error.message).not.toContain('hunter22');
    expect(error.message).toContain('[redacted]');
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
});
