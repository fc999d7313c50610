import { describe, expect, it } from 'vitest';
import { ProviderError } from '../../domain/provider-errors.js';
import { AssumeRoleFailedError } from '../aws-credentials/errors.js';
import { providerErrorCodeFor, providerErrorFromApiError, providerErrorFromThrown } from './error-mapping.js';

describe('providerErrorCodeFor', () => {
  it.each([
    ['ResourceNotFoundException', 'NotFound'],
    ['AccessDeniedException', 'AccessDenied'],
    ['ThrottlingException', 'Throttled'],
    ['DecryptionFailure', 'DecryptionFailure'],
    ['InvalidRequestException', 'InvalidRequest'],
    ['InvalidParameterException', 'InvalidRequest'],
    ['InternalServiceError', 'Unavailable'],
    ['SomethingNew', 'Unavailable'],
    [undefined, 'Unavailable'],
  ])('should map %s to %s', (aws, code) => {
    expect(providerErrorCodeFor(aws)).toBe(code);
  });
});

describe('providerErrorFromApiError', () => {
  it('should name the key and store and keep the AWS message on one short line', () => {
    const err = providerErrorFromApiError({
      storeName: 'aws-prod',
      key: 'app/db',
      code: 'InvalidRequestException',
      message: 'You tried to                 perform the operation on a secret that is marked deleted.',
    });
    expect(err).toBeInstanceOf(ProviderError);
    expect(err.code).toBe('InvalidRequest');
    expect(err.message).toBe(
      'InvalidRequest: key "app/db" in store "aws-prod": InvalidRequestException: You tried to perform the operation on a secret that is marked deleted.',
    );
    expect(err.transient).toBe(false);
  });
});

describe('providerErrorFromThrown', () => {
  it('should keep no cause, so the raw HTTP response never rides along', () => {
    const sdkError = Object.assign(new Error('Rate exceeded'), {
      name: 'ThrottlingException',
      $response: { body: 'raw' },
    });
    const err = providerErrorFromThrown(sdkError, 's', 'k');
    expect(err.code).toBe('Throttled');
    expect(err.transient).toBe(true);
    expect(err.cause).toBeUndefined();
  });

  it('should report a failed role assumption as access denied when STS refused it', () => {
    const err = providerErrorFromThrown(
      new AssumeRoleFailedError({
        roleArn: 'arn:aws:iam::1:role/r',
        code: 'AccessDenied',
        detail: 'AccessDenied',
      }),
      's',
      'k',
    );
    expect(err.code).toBe('AccessDenied');
    expect(err.message).toContain('arn:aws:iam::1:role/r');
  });

  it('should treat a network failure as transient', () => {
    const err = providerErrorFromThrown(
      Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' }),
      's',
      'k',
    );
    expect(err.code).toBe('Unavailable');
    expect(err.transient).toBe(true);
  });
});
