/**
 * Errors of the pure domain. Every message names a field path, a store or a key, never a value:
 * a secret that reached a message would reach logs, status and events.
 */
import type { ProviderErrorCode } from './provider-errors.js';

export { DurationParseError } from '../go-compat/duration.js';

export type RenderErrorReason =
  | 'StoreNotResolved'
  | 'NotFetched'
  | 'ProviderError'
  | 'InvalidJson'
  | 'PropertyNotFound'
  | 'UnsupportedPropertyPath'
  | 'NotAJsonObject'
  | 'DecodingFailed'
  | 'TemplateParse'
  | 'TemplateExec'
  | 'TemplateBudget'
  | 'TemplateOutput'
  | 'InvalidRegexp'
  | 'KeyCollision'
  | 'InvalidSecretKey'
  | 'ReservedMetadata'
  | 'ForbiddenSecretType'
  | 'InvalidSpec'
  | 'Internal';

/** Why a target Secret could not be rendered; `path` is the spec field that led there. */
export class RenderError extends Error {
  override readonly name: string = 'RenderError';
  readonly reason: RenderErrorReason;
  readonly path: string;
  /** A later pass may succeed without a spec change (throttling, an unreachable store). */
  readonly transient: boolean;
  constructor(opts: { reason: RenderErrorReason; path: string; message: string; transient?: boolean }) {
    super(`${opts.path}: ${opts.message}`);
    this.reason = opts.reason;
    this.path = opts.path;
    this.transient = opts.transient ?? false;
  }
}

/** No store named by the entry, the spec, or the control plane default. */
export class StoreNotResolvedError extends RenderError {
  override readonly name = 'StoreNotResolvedError';
  constructor(path: string) {
    super({ reason: 'StoreNotResolved', path, message: 'no secretStoreRef and no default store' });
  }
}

/** The reconcile pass did not fetch a value the spec needs (a planning bug, or a skipped read). */
export class NotFetchedError extends RenderError {
  override readonly name = 'NotFetchedError';
  constructor(path: string, storeName: string, key: string) {
    super({ reason: 'NotFetched', path, message: `key "${key}" of store "${storeName}" was not fetched` });
  }
}

/** The provider read failed; carries the provider's code and whether a retry may help. */
export class ProviderReadError extends RenderError {
  override readonly name = 'ProviderReadError';
  readonly code: ProviderErrorCode;
  readonly storeName: string;
  readonly key: string;
  constructor(
    path: string,
    opts: { code: ProviderErrorCode; storeName: string; key: string; transient: boolean },
  ) {
    super({
      reason: 'ProviderError',
      path,
      message: `${opts.code} reading key "${opts.key}" from store "${opts.storeName}"`,
      transient: opts.transient,
    });
    this.code = opts.code;
    this.storeName = opts.storeName;
    this.key = opts.key;
  }
}

/** A value that had to be JSON (property, extract) is not; only the offset is told. */
export class InvalidJsonError extends RenderError {
  override readonly name = 'InvalidJsonError';
  constructor(path: string, key: string, offset: number) {
    super({
      reason: 'InvalidJson',
      path,
      message: `value of key "${key}" is not valid JSON (offset ${offset})`,
    });
  }
}

/** remoteRef.property names nothing in the value. */
export class PropertyNotFoundError extends RenderError {
  override readonly name = 'PropertyNotFoundError';
  constructor(path: string, key: string) {
    super({ reason: 'PropertyNotFound', path, message: `property not found in key "${key}"` });
  }
}

/** remoteRef.property uses gjson syntax we do not implement (wildcards, queries, modifiers). */
export class UnsupportedPropertyPathError extends RenderError {
  override readonly name = 'UnsupportedPropertyPathError';
  constructor(path: string, feature: string) {
    super({ reason: 'UnsupportedPropertyPath', path, message: `property path uses unsupported ${feature}` });
  }
}

/** dataFrom.extract met a value that is not a JSON object. */
export class NotAJsonObjectError extends RenderError {
  override readonly name = 'NotAJsonObjectError';
  constructor(path: string, key: string) {
    super({ reason: 'NotAJsonObject', path, message: `value of key "${key}" is not a JSON object` });
  }
}

/** decodingStrategy Base64/Base64URL met a value that is not in that encoding. */
export class DecodingError extends RenderError {
  override readonly name = 'DecodingError';
  constructor(path: string, strategy: string) {
    super({ reason: 'DecodingFailed', path, message: `value is not valid ${strategy}` });
  }
}

/** A template does not parse; line and column point into the template text. */
export class TemplateParseRenderError extends RenderError {
  override readonly name = 'TemplateParseRenderError';
  constructor(path: string, detail: string) {
    super({ reason: 'TemplateParse', path, message: `template does not parse: ${detail}` });
  }
}

/** A template parsed but failed while running (missing key, wrong argument type). */
export class TemplateExecRenderError extends RenderError {
  override readonly name = 'TemplateExecRenderError';
  constructor(path: string, detail: string) {
    super({ reason: 'TemplateExec', path, message: `template failed: ${detail}` });
  }
}

/** A template ran out of its render's execution budget (template/budget.ts). */
export class TemplateBudgetRenderError extends RenderError {
  override readonly name = 'TemplateBudgetRenderError';
  constructor(path: string, detail: string) {
    super({ reason: 'TemplateBudget', path, message: `template stopped: ${detail}` });
  }
}

/** templateFrom output is not a YAML map of strings. */
export class TemplateOutputError extends RenderError {
  override readonly name = 'TemplateOutputError';
  constructor(path: string, detail: string) {
    super({ reason: 'TemplateOutput', path, message: detail });
  }
}

/** A regular expression (find.name, rewrite) does not compile. */
export class InvalidRegexpError extends RenderError {
  override readonly name = 'InvalidRegexpError';
  constructor(path: string) {
    super({ reason: 'InvalidRegexp', path, message: 'regular expression does not compile' });
  }
}

/**
 * Two keys became the same Secret key (conversion, rewrite). The key is not named: it may come
 * from a secret value (an extracted JSON object's member names).
 */
export class KeyCollisionError extends RenderError {
  override readonly name = 'KeyCollisionError';
  constructor(path: string) {
    super({ reason: 'KeyCollision', path, message: 'two keys become the same Secret key' });
  }
}

/** A rendered Secret key the apiserver would reject. */
export class InvalidSecretKeyError extends RenderError {
  override readonly name = 'InvalidSecretKeyError';
  constructor(path: string) {
    super({
      reason: 'InvalidSecretKey',
      path,
      message: 'rendered key is not a valid Secret key ([-._a-zA-Z0-9]+)',
    });
  }
}

/** A template tried to set a label or annotation that fleet-secrets reserves for itself. */
export class ReservedMetadataError extends RenderError {
  override readonly name = 'ReservedMetadataError';
  constructor(path: string, key: string) {
    super({ reason: 'ReservedMetadata', path, message: `"${key}" is reserved for fleet-secrets` });
  }
}

/** The rendered Secret type would have the token controller mint a ServiceAccount token. */
export class ForbiddenSecretTypeError extends RenderError {
  override readonly name = 'ForbiddenSecretTypeError';
  constructor(path: string) {
    super({ reason: 'ForbiddenSecretType', path, message: 'Secret type would mint a ServiceAccount token' });
  }
}

/** The spec handed to rendering does not validate (it should have been rejected at ingest). */
export class InvalidSpecError extends RenderError {
  override readonly name = 'InvalidSpecError';
  constructor(path: string, message: string) {
    super({ reason: 'InvalidSpec', path, message });
  }
}

/** A bug: rendering met something it did not expect. The message never carries the cause's text. */
export class InternalRenderError extends RenderError {
  override readonly name = 'InternalRenderError';
  readonly causeName: string;
  constructor(path: string, cause: unknown) {
    super({ reason: 'Internal', path, message: 'internal rendering error' });
    // The cause's name only: its message could quote a value.
    this.causeName = cause instanceof Error ? cause.name : typeof cause;
  }
}
