import { ProviderError, type ProviderErrorCode } from '../../domain/provider-errors.js';
import { AssumeRoleFailedError } from '../aws-credentials/errors.js';

const CODES: Record<string, ProviderErrorCode> = {
  ResourceNotFoundException: 'NotFound',
  AccessDeniedException: 'AccessDenied',
  AccessDenied: 'AccessDenied',
  UnrecognizedClientException: 'AccessDenied',
  InvalidClientTokenId: 'AccessDenied',
  ExpiredTokenException: 'AccessDenied',
  InvalidSignatureException: 'AccessDenied',
  SignatureDoesNotMatch: 'AccessDenied',
  ThrottlingException: 'Throttled',
  Throttling: 'Throttled',
  TooManyRequestsException: 'Throttled',
  RequestLimitExceeded: 'Throttled',
  DecryptionFailure: 'DecryptionFailure',
  InvalidRequestException: 'InvalidRequest',
  InvalidParameterException: 'InvalidRequest',
  ValidationException: 'InvalidRequest',
  InvalidNextTokenException: 'InvalidRequest',
  InternalServiceError: 'Unavailable',
  InternalFailure: 'Unavailable',
  ServiceUnavailable: 'Unavailable',
  ServiceUnavailableException: 'Unavailable',
};

/** Unknown codes are treated as transient: the next pass retries rather than failing the object for good. */
export function providerErrorCodeFor(awsCode: string | undefined): ProviderErrorCode {
  return (awsCode && CODES[awsCode]) || 'Unavailable';
}

/** AWS error messages name resources, never values; still, keep them to one short line. */
function oneLine(message: string | undefined): string {
  const flat = (message ?? '').replace(/\s+/g, ' ').trim();
  return flat.length > 200 ? `${flat.slice(0, 197)}...` : flat;
}

/** A per-id entry of BatchGetSecretValue's Errors list. */
export function providerErrorFromApiError(opts: {
  storeName: string;
  key: string;
  code: string | undefined;
  message: string | undefined;
}): ProviderError {
  const message = oneLine(opts.message);
  return new ProviderError({
    code: providerErrorCodeFor(opts.code),
    storeName: opts.storeName,
    key: opts.key,
    detail: [opts.code, message].filter(Boolean).join(': ') || 'unknown error',
  });
}

/**
 * A thrown SDK error (or a failed role assumption) for one key. The original error is not kept
 * as `cause`: SDK errors carry the raw HTTP response, and nothing that might echo a payload may
 * ride along into logs or status.
 */
export function providerErrorFromThrown(err: unknown, storeName: string, key: string): ProviderError {
  if (err instanceof ProviderError) return err;
  if (err instanceof AssumeRoleFailedError) {
    return new ProviderError({
      code: err.code === undefined ? 'Unavailable' : providerErrorCodeFor(err.code),
      storeName,
      key,
      detail: err.message,
    });
  }
  const e = err as { name?: string; message?: string; $fault?: string; code?: string } | undefined;
  const awsCode = e?.name && e.name !== 'Error' ? e.name : e?.code;
  return providerErrorFromApiError({ storeName, key, code: awsCode, message: e?.message });
}
