/**
 * Runtime validation of fleet-secrets manifests: the TypeBox schema first (shape, types, enums,
 * patterns), then the cross-field rules ESO enforces in its webhook. Issues carry a field path
 * (`spec.data[2].remoteRef.key`) and a message that never repeats the offending value: a
 * manifest may hold a secret (a literal in a template) and issues reach logs and status.
 */
import type { TSchema } from '@sinclair/typebox';
import { type TypeCheck, TypeCompiler } from '@sinclair/typebox/compiler';
import { type ValueError, ValueErrorType } from '@sinclair/typebox/errors';
import { formatDuration, parseDuration } from '../go-compat/duration.js';
import { goRegexpProblem } from '../go-compat/regexp/regexp.js';
import { checkTemplateSyntax } from '../go-compat/template/index.js';
import { isReservedMetadataKey } from './labels.js';
import { DEFAULT_MIN_REFRESH_INTERVAL_MS } from './refresh.js';
import {
  ClusterExternalSecret,
  DNS_SUBDOMAIN_PATTERN,
  ExternalSecret,
  type ExternalSecretSpec,
  FleetExternalSecret,
  GO_DURATION_PATTERN,
  SECRET_KEY_PATTERN,
  SERVICE_ACCOUNT_TOKEN_TYPE,
  SecretStore,
} from './schema.js';

export interface ValidationIssue {
  path: string;
  message: string;
}

/** Control-plane settings the rules depend on. */
export interface ValidationOptions {
  /** Shortest non-zero spec.refreshInterval accepted. Default: DEFAULT_MIN_REFRESH_INTERVAL_MS. */
  minRefreshIntervalMs?: number;
}

export type ValidationResult<T> = { ok: true; value: T } | { ok: false; issues: ValidationIssue[] };

export type ManifestKind = 'ExternalSecret' | 'ClusterExternalSecret' | 'SecretStore' | 'FleetExternalSecret';

export type AnyManifest = ExternalSecret | ClusterExternalSecret | SecretStore | FleetExternalSecret;

export const MANIFEST_KINDS: readonly ManifestKind[] = [
  'ExternalSecret',
  'ClusterExternalSecret',
  'SecretStore',
  'FleetExternalSecret',
];

const compiled = new Map<TSchema, TypeCheck<TSchema>>();
function checker(schema: TSchema): TypeCheck<TSchema> {
  let c = compiled.get(schema);
  if (!c) {
    c = TypeCompiler.Compile(schema);
    compiled.set(schema, c);
  }
  return c;
}

export function validateExternalSecret(
  obj: unknown,
  options: ValidationOptions = {},
): ValidationResult<ExternalSecret> {
  return run(obj, ExternalSecret, (es, issues) => {
    checkMetadataName(es.metadata.name, issues);
    checkExternalSecretSpec(es.spec, 'spec', issues, options);
  });
}

export function validateClusterExternalSecret(
  obj: unknown,
  options: ValidationOptions = {},
): ValidationResult<ClusterExternalSecret> {
  return run(obj, ClusterExternalSecret, (ces, issues) => {
    checkMetadataName(ces.metadata.name, issues);
    const { spec } = ces;
    if (!spec.namespaces && !spec.namespaceSelectors && !spec.namespaceSelector) {
      issues.push({
        path: 'spec.namespaces',
        message: 'set namespaces, namespaceSelectors or namespaceSelector',
      });
    }
    if (spec.refreshTime !== undefined) checkDuration(spec.refreshTime, 'spec.refreshTime', issues);
    checkExternalSecretSpec(spec.externalSecretSpec, 'spec.externalSecretSpec', issues, options);
  });
}

export function validateFleetExternalSecret(
  obj: unknown,
  options: ValidationOptions = {},
): ValidationResult<FleetExternalSecret> {
  return run(obj, FleetExternalSecret, (fes, issues) => {
    checkMetadataName(fes.metadata.name, issues);
    const { spec } = fes;
    if (!spec.namespaces && !spec.namespaceSelector) {
      issues.push({ path: 'spec.namespaces', message: 'set namespaces or namespaceSelector' });
    }
    checkExternalSecretSpec(spec.externalSecretSpec, 'spec.externalSecretSpec', issues, options);
  });
}

export function validateSecretStore(obj: unknown): ValidationResult<SecretStore> {
  return run(obj, SecretStore, (store, issues) => {
    checkMetadataName(store.metadata.name, issues);
    const { provider, accessPolicy } = store.spec;
    const providers = [provider.awsSecretsManager, provider.vault, provider.file].filter(
      (p) => p !== undefined,
    );
    if (providers.length !== 1) {
      issues.push({ path: 'spec.provider', message: 'set exactly one of awsSecretsManager, vault or file' });
    }
    if (provider.vault) {
      const server = parseUrl(provider.vault.server);
      if (!server || (server.protocol !== 'https:' && server.protocol !== 'http:')) {
        issues.push({ path: 'spec.provider.vault.server', message: 'must be an http(s) URL' });
      } else if (server.username || server.password) {
        issues.push({ path: 'spec.provider.vault.server', message: 'must not carry credentials' });
      }
    }
    accessPolicy?.keys?.forEach((k, i) => {
      if (k.split('/').some((seg) => seg === '..')) {
        issues.push({ path: `spec.accessPolicy.keys[${i}]`, message: 'must not contain ".." segments' });
      }
    });
  });
}

/** Validates any of the four kinds, chosen by `kind`. */
export function validateManifest(
  obj: unknown,
  options: ValidationOptions = {},
): ValidationResult<AnyManifest> {
  const kind = isRecord(obj) ? obj.kind : undefined;
  switch (kind) {
    case 'ExternalSecret':
      return validateExternalSecret(obj, options);
    case 'ClusterExternalSecret':
      return validateClusterExternalSecret(obj, options);
    case 'SecretStore':
      return validateSecretStore(obj);
    case 'FleetExternalSecret':
      return validateFleetExternalSecret(obj, options);
    default:
      return {
        ok: false,
        issues: [
          {
            path: 'kind',
            message: kind === undefined ? 'required' : `must be one of: ${MANIFEST_KINDS.join(', ')}`,
          },
        ],
      };
  }
}

/**
 * The cross-field rules of an ExternalSecret spec (also the spec inside a ClusterExternalSecret
 * or FleetExternalSecret). `at` is the path prefix of the spec.
 */
export function checkExternalSecretSpec(
  spec: ExternalSecretSpec,
  at: string,
  issues: ValidationIssue[],
  options: ValidationOptions = {},
): void {
  const data = spec.data ?? [];
  const dataFrom = spec.dataFrom ?? [];
  if (data.length === 0 && dataFrom.length === 0) {
    issues.push({ path: `${at}.data`, message: 'data or dataFrom required' });
  }
  const firstUse = new Map<string, number>();
  data.forEach((item, i) => {
    const earlier = firstUse.get(item.secretKey);
    if (earlier !== undefined) {
      issues.push({
        path: `${at}.data[${i}].secretKey`,
        message: `duplicate secretKey (first used at ${at}.data[${earlier}])`,
      });
    } else {
      firstUse.set(item.secretKey, i);
    }
  });
  dataFrom.forEach((item, i) => {
    const p = `${at}.dataFrom[${i}]`;
    if ((item.extract === undefined) === (item.find === undefined)) {
      issues.push({ path: p, message: 'set exactly one of extract or find' });
    }
    if (item.find) {
      const { path, name, tags } = item.find;
      if (path === undefined && name === undefined && tags === undefined) {
        issues.push({ path: `${p}.find`, message: 'set path, name or tags' });
      }
      const nameProblem = name && goRegexpProblem(name.regexp);
      if (nameProblem) issues.push({ path: `${p}.find.name.regexp`, message: nameProblem });
    }
    item.rewrite?.forEach((rw, j) => {
      const sourceProblem = 'regexp' in rw && goRegexpProblem(rw.regexp.source);
      if (sourceProblem) issues.push({ path: `${p}.rewrite[${j}].regexp.source`, message: sourceProblem });
      if ('transform' in rw) {
        checkTemplate(rw.transform.template, `${p}.rewrite[${j}].transform.template`, issues);
      }
    });
  });
  if (spec.refreshInterval !== undefined) {
    checkRefreshInterval(
      spec.refreshInterval,
      `${at}.refreshInterval`,
      options.minRefreshIntervalMs ?? DEFAULT_MIN_REFRESH_INTERVAL_MS,
      issues,
    );
  }

  const target = spec.target;
  if (target) {
    const creation = target.creationPolicy ?? 'Owner';
    if (target.deletionPolicy === 'Delete' && creation !== 'Owner') {
      issues.push({ path: `${at}.target.deletionPolicy`, message: 'Delete needs creationPolicy Owner' });
    }
    if (target.deletionPolicy === 'Merge' && creation === 'None') {
      issues.push({
        path: `${at}.target.deletionPolicy`,
        message: 'Merge cannot be used with creationPolicy None',
      });
    }
    const tpl = target.template;
    if (tpl) {
      if (tpl.type === SERVICE_ACCOUNT_TOKEN_TYPE) {
        issues.push({
          path: `${at}.target.template.type`,
          message: 'a Secret of this type would have a ServiceAccount token minted into it',
        });
      }
      for (const [key, text] of Object.entries(tpl.data ?? {})) {
        if (!new RegExp(SECRET_KEY_PATTERN).test(key)) {
          issues.push({
            path: fieldPath(`${at}.target.template.data`, key),
            message: 'not a valid Secret key',
          });
        }
        checkTemplate(text, fieldPath(`${at}.target.template.data`, key), issues);
      }
      for (const which of ['labels', 'annotations'] as const) {
        for (const [key, text] of Object.entries(tpl.metadata?.[which] ?? {})) {
          const p = fieldPath(`${at}.target.template.metadata.${which}`, key);
          if (isReservedMetadataKey(key)) issues.push({ path: p, message: 'reserved for fleet-secrets' });
          checkTemplate(text, p, issues);
        }
      }
      tpl.templateFrom?.forEach((tf, i) => {
        if (tf.literal === undefined) {
          issues.push({ path: `${at}.target.template.templateFrom[${i}].literal`, message: 'required' });
        } else {
          checkTemplate(tf.literal, `${at}.target.template.templateFrom[${i}].literal`, issues);
        }
      });
    }
  }
}

function checkTemplate(text: string, path: string, issues: ValidationIssue[]): void {
  const problem = checkTemplateSyntax(text);
  if (problem) issues.push({ path, message: `template does not parse: ${problem}` });
}

function checkDuration(value: string, path: string, issues: ValidationIssue[]): void {
  let ms: number;
  try {
    ms = parseDuration(value);
  } catch {
    issues.push({ path, message: DURATION_MESSAGE });
    return;
  }
  if (ms < 0 || value.startsWith('-')) issues.push({ path, message: 'must not be negative' });
}

/** A duration, and either 0 (ESO: refresh disabled, sync once) or at least the minimum. */
function checkRefreshInterval(value: string, path: string, minMs: number, issues: ValidationIssue[]): void {
  const before = issues.length;
  checkDuration(value, path, issues);
  if (issues.length > before) return;
  const ms = parseDuration(value);
  if (ms > 0 && ms < minMs) {
    issues.push({
      path,
      message: `must be "0" (no periodic refresh) or at least ${formatDuration(minMs)}, the control plane's minimum`,
    });
  }
}

const DURATION_MESSAGE = 'must be a Go duration such as "1h30m", "90s" or "0"';

function checkMetadataName(name: string, issues: ValidationIssue[]): void {
  if (!new RegExp(DNS_SUBDOMAIN_PATTERN).test(name)) {
    issues.push({ path: 'metadata.name', message: 'must be a lowercase RFC 1123 subdomain' });
  }
}

function run<S extends TSchema, V>(
  obj: unknown,
  schema: S,
  rules: (value: V, issues: ValidationIssue[]) => void,
): ValidationResult<V> {
  const c = checker(schema);
  const issues: ValidationIssue[] = c.Check(obj) ? [] : schemaIssues(c, obj);
  try {
    rules(obj as V, issues);
  } catch {
    // A shape error above already explains why the cross-field rules could not run.
    if (issues.length === 0) throw new Error('validator rules failed on a value the schema accepted');
  }
  return issues.length === 0 ? { ok: true, value: obj as V } : { ok: false, issues: dedupe(issues) };
}

function schemaIssues(c: TypeCheck<TSchema>, obj: unknown): ValidationIssue[] {
  const issues: ValidationIssue[] = [];
  for (const e of c.Errors(obj)) collect(e, obj, issues);
  return dedupe(issues);
}

function collect(e: ValueError, root: unknown, issues: ValidationIssue[]): void {
  if (e.type === ValueErrorType.Union && isObjectUnion(e.schema)) {
    // Report the branch the object meant (the one whose single key it sets), not "no branch fits".
    const chosen = chooseBranch(e);
    if (chosen) {
      for (const inner of chosen) collect(inner, root, issues);
      return;
    }
    const keys = e.schema.anyOf.flatMap((b: TSchema) => Object.keys(b.properties ?? {}));
    issues.push({ path: toFieldPath(e.path, root), message: `set exactly one of: ${keys.join(', ')}` });
    return;
  }
  issues.push({ path: toFieldPath(e.path, root), message: describe(e) });
}

function isObjectUnion(schema: TSchema): boolean {
  return Array.isArray(schema.anyOf) && schema.anyOf.every((b: TSchema) => b.type === 'object');
}

function chooseBranch(e: ValueError): ValueError[] | undefined {
  if (!isRecord(e.value)) return undefined;
  const present = Object.keys(e.value);
  const branches: TSchema[] = e.schema.anyOf;
  const idx = branches.findIndex((b) => {
    const keys = Object.keys(b.properties ?? {});
    return present.length === 1 && keys.length === 1 && keys[0] === present[0];
  });
  if (idx < 0) return undefined;
  const errs = e.errors[idx];
  return errs ? [...errs] : undefined;
}

const PATTERN_MESSAGES: Record<string, string> = {
  [SECRET_KEY_PATTERN]: 'must consist of alphanumerics, "-", "_" or "."',
  [DNS_SUBDOMAIN_PATTERN]: 'must be a lowercase RFC 1123 subdomain',
  [GO_DURATION_PATTERN]: DURATION_MESSAGE,
};

function describe(e: ValueError): string {
  const s = e.schema;
  switch (e.type) {
    case ValueErrorType.ObjectRequiredProperty:
      return 'required';
    case ValueErrorType.ObjectAdditionalProperties:
      return 'unknown field';
    case ValueErrorType.String:
      return 'must be a string';
    case ValueErrorType.Boolean:
      return 'must be a boolean';
    case ValueErrorType.Integer:
      return 'must be an integer';
    case ValueErrorType.Number:
      return 'must be a number';
    case ValueErrorType.Array:
      return 'must be a list';
    case ValueErrorType.Object:
      return 'must be an object';
    case ValueErrorType.StringMinLength:
      return s.minLength === 1 ? 'must not be empty' : `must be at least ${s.minLength} characters`;
    case ValueErrorType.StringMaxLength:
      return `must be at most ${s.maxLength} characters`;
    case ValueErrorType.StringPattern:
      return PATTERN_MESSAGES[s.pattern as string] ?? `must match ${s.pattern}`;
    case ValueErrorType.Literal:
      return `must be ${JSON.stringify(s.const)}`;
    case ValueErrorType.Union: {
      const consts = (s.anyOf as TSchema[]).map((b) => b.const).filter((c) => c !== undefined);
      if (consts.length === s.anyOf.length) return `must be one of: ${consts.join(', ')}`;
      return 'has the wrong shape';
    }
    default:
      // TypeBox messages state the expectation ("Expected ..."), never the value.
      return e.message;
  }
}

/** `/spec/data/2/remoteRef/key` -> `spec.data[2].remoteRef.key`, using the value to tell arrays. */
function toFieldPath(pointer: string, root: unknown): string {
  if (pointer === '') return '(root)';
  const segments = pointer
    .slice(1)
    .split('/')
    .map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'));
  let out = '';
  let node: unknown = root;
  for (const seg of segments) {
    if (Array.isArray(node)) {
      out += `[${seg}]`;
      node = node[Number(seg)];
    } else {
      out = out === '' ? seg : fieldPath(out, seg);
      node = isRecord(node) ? node[seg] : undefined;
    }
  }
  return out;
}

/** Appends a map key to a path: `.key` for identifiers, `["a.b/c"]` otherwise. */
export function fieldPath(base: string, key: string): string {
  return /^[A-Za-z_][A-Za-z0-9_]*$/.test(key) ? `${base}.${key}` : `${base}[${JSON.stringify(key)}]`;
}

function dedupe(issues: ValidationIssue[]): ValidationIssue[] {
  const seen = new Set<string>();
  return issues.filter((i) => {
    if (seen.has(i.path)) return false;
    seen.add(i.path);
    return true;
  });
}

function parseUrl(s: string): URL | undefined {
  try {
    return new URL(s);
  } catch {
    return undefined;
  }
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
