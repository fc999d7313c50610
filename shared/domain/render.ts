/**
 * Renders the target Secret of one ExternalSecret from values the reconcile pass already fetched.
 * Pure and total: every failure is a RenderError (with a reason code and the spec field that led
 * there); nothing is thrown, and no message carries a value. The order of operations is ESO's:
 * dataFrom entries in order, then data entries (later keys win), then the template.
 */

import { decodeGoBase64 } from '../go-compat/base64.js';
import { lookupProperty, parseJson } from '../go-compat/json-path.js';
import { compileGoRegexp, goReplaceAll } from '../go-compat/regexp/regexp.js';
import { goJsonMarshal } from '../go-compat/template/go-json.js';
import { goFromYamlStrict } from '../go-compat/template/go-yaml.js';
import {
  fromBytes,
  GoMap,
  runTemplate,
  TemplateBudget,
  TemplateExecError,
  TemplateParseError,
  templateDataFrom,
  toBytes,
  type Value,
} from '../go-compat/template/index.js';
import {
  DecodingError,
  ForbiddenSecretTypeError,
  InternalRenderError,
  InvalidJsonError,
  InvalidRegexpError,
  InvalidSecretKeyError,
  KeyCollisionError,
  NotAJsonObjectError,
  NotFetchedError,
  PropertyNotFoundError,
  ProviderReadError,
  RenderError,
  ReservedMetadataError,
  StoreNotResolvedError,
  TemplateBudgetRenderError,
  TemplateExecRenderError,
  TemplateOutputError,
  TemplateParseRenderError,
  UnsupportedPropertyPathError,
} from './errors.js';
import {
  isReservedMetadataKey,
  MANAGED_BY_LABEL,
  MANAGED_BY_VALUE,
  OWNER_LABEL,
  ownerLabelValue,
  type SecretSource,
  SOURCE_ANNOTATION,
  sourceAnnotationValue,
} from './labels.js';
import { findQueryId, resolveStoreName, toFindQuery, toReadRequest } from './plan.js';
import { ProviderError } from './provider-errors.js';
import type { FindQuery, ReadRequest, SecretPayload } from './provider-requests.js';
import type { SourceKind } from './records.js';
import type { RenderedSecret } from './rendered-secret.js';
import {
  type ConversionStrategy,
  type DecodingStrategy,
  type ExternalSecretSpec,
  type RemoteRef,
  type Rewrite,
  SECRET_KEY_PATTERN,
  SERVICE_ACCOUNT_TOKEN_TYPE,
} from './schema.js';

export type LookupResult = SecretPayload | ProviderError | undefined;

export interface RenderInput {
  object: {
    namespace: string;
    name: string;
    spec: ExternalSecretSpec;
    /** The source object's own labels/annotations: copied to the Secret when there is no template (as ESO does). */
    labels?: Record<string, string>;
    annotations?: Record<string, string>;
    /** Which kind of object asked for this Secret (default ExternalSecret): part of the owner label. */
    kind?: SourceKind;
  };
  /** A value fetched this pass; undefined when it was not fetched. */
  lookup: (storeName: string, request: ReadRequest) => LookupResult;
  /** Keys a dataFrom.find query listed this pass; undefined when it was not run. */
  findResults: (storeName: string, query: FindQuery) => string[] | undefined;
  defaultStore?: string;
}

export type RenderResult = { ok: true; secret: RenderedSecret } | { ok: false; error: RenderError };

const SECRET_KEY = new RegExp(SECRET_KEY_PATTERN);
/** kubectl's bookkeeping annotation is not the application's: ESO does not copy it either. */
const NOT_COPIED_ANNOTATIONS = new Set(['kubectl.kubernetes.io/last-applied-configuration']);

export function renderTargetSecret(input: RenderInput): RenderResult {
  try {
    return { ok: true, secret: render(input) };
  } catch (e) {
    if (e instanceof RenderError) return { ok: false, error: e };
    return { ok: false, error: new InternalRenderError('spec', e) };
  }
}

function render(input: RenderInput): RenderedSecret {
  const { object } = input;
  const spec = object.spec;
  // One budget for every template of the object: its Secret is one write, bounded as a whole.
  const budget = new TemplateBudget();
  const versions: Record<string, string> = {};
  const fetch = (storeName: string, request: ReadRequest, path: string): SecretPayload => {
    const r = input.lookup(storeName, request);
    if (r === undefined) throw new NotFetchedError(path, storeName, request.key);
    if (r instanceof ProviderError) {
      throw new ProviderReadError(path, {
        code: r.code,
        storeName,
        key: request.key,
        transient: r.transient,
      });
    }
    if (r.versionId !== undefined) versions[`${storeName}/${request.key}`] = r.versionId;
    return r;
  };

  const providerData = new Map<string, Uint8Array>();

  (spec.dataFrom ?? []).forEach((item, i) => {
    const at = `spec.dataFrom[${i}]`;
    const storeName = resolveStoreName(item.sourceRef?.storeRef, spec, input.defaultStore);
    if (storeName === undefined) throw new StoreNotResolvedError(at);
    let entries: Map<string, Uint8Array>;
    let decoding: DecodingStrategy | undefined;
    let conversion: ConversionStrategy | undefined;
    if (item.extract) {
      const payload = fetch(storeName, toReadRequest(item.extract), `${at}.extract.key`);
      entries = extractMap(payload, item.extract, `${at}.extract`);
      decoding = item.extract.decodingStrategy;
      conversion = item.extract.conversionStrategy;
    } else if (item.find) {
      const query = toFindQuery(item.find);
      const keys = input.findResults(storeName, query);
      if (keys === undefined) throw new NotFetchedError(`${at}.find`, storeName, findQueryId(query));
      entries = new Map();
      for (const key of [...new Set(keys)].sort())
        entries.set(key, fetch(storeName, { key }, `${at}.find`).value);
      decoding = item.find.decodingStrategy;
      conversion = item.find.conversionStrategy;
    } else {
      return;
    }
    entries = item.rewrite?.length
      ? rewriteKeys(entries, item.rewrite, `${at}.rewrite`, budget)
      : convertKeys(entries, conversion ?? 'Default', at);
    for (const [key, value] of entries) {
      if (!SECRET_KEY.test(key)) throw new InvalidSecretKeyError(at);
      providerData.set(
        key,
        decode(value, decoding, `${at}.${item.extract ? 'extract' : 'find'}.decodingStrategy`),
      );
    }
  });

  (spec.data ?? []).forEach((item, i) => {
    const at = `spec.data[${i}]`;
    const storeName = resolveStoreName(item.sourceRef?.storeRef, spec, input.defaultStore);
    if (storeName === undefined) throw new StoreNotResolvedError(at);
    const payload = fetch(storeName, toReadRequest(item.remoteRef), `${at}.remoteRef.key`);
    const value = remoteValue(payload, item.remoteRef, `${at}.remoteRef`);
    providerData.set(
      item.secretKey,
      decode(value, item.remoteRef.decodingStrategy, `${at}.remoteRef.decodingStrategy`),
    );
  });

  const target = spec.target ?? {};
  const tpl = target.template;
  let data = new Map<string, Uint8Array>();
  let labels: Record<string, string> = {};
  let annotations: Record<string, string> = {};
  let type = 'Opaque';

  if (!tpl) {
    data = providerData;
    labels = copyable(object.labels, new Set());
    annotations = copyable(object.annotations, NOT_COPIED_ANNOTATIONS);
  } else {
    if (tpl.type) type = tpl.type;
    if (tpl.mergePolicy === 'Merge') data = new Map(providerData);
    const tplData = templateDataFrom(Object.fromEntries(providerData));
    const sinks = {
      Data: (k: string, v: string) => data.set(k, new Uint8Array(Buffer.from(v, 'latin1'))),
      Labels: (k: string, v: string) => {
        labels[k] = fromBytes(v);
      },
      Annotations: (k: string, v: string) => {
        annotations[k] = fromBytes(v);
      },
    };
    (tpl.templateFrom ?? []).forEach((tf, i) => {
      if (tf.literal === undefined) return;
      const at = `spec.target.template.templateFrom[${i}].literal`;
      const out = evalTemplate(tf.literal, tplData, at, budget);
      if (out.length === 0) return;
      const pairs = goFromYamlStrict(out);
      if (!pairs.ok) throw new TemplateOutputError(at, 'output is not a YAML map of string values');
      const sink = sinks[tf.target ?? 'Data'];
      for (const [k, v] of pairs.entries) sink(k, v);
    });
    for (const [key, text] of sortedEntries(tpl.data ?? {})) {
      sinks.Data(key, evalTemplate(text, tplData, fieldPath('spec.target.template.data', key), budget));
    }
    for (const [key, text] of sortedEntries(tpl.metadata?.labels ?? {})) {
      sinks.Labels(
        key,
        evalTemplate(text, tplData, fieldPath('spec.target.template.metadata.labels', key), budget),
      );
    }
    for (const [key, text] of sortedEntries(tpl.metadata?.annotations ?? {})) {
      sinks.Annotations(
        key,
        evalTemplate(text, tplData, fieldPath('spec.target.template.metadata.annotations', key), budget),
      );
    }
    if (Object.keys(tpl.data ?? {}).length === 0 && (tpl.templateFrom ?? []).length === 0) {
      for (const [k, v] of providerData) data.set(k, v);
    }
  }

  if (type === SERVICE_ACCOUNT_TOKEN_TYPE) throw new ForbiddenSecretTypeError('spec.target.template.type');
  for (const key of data.keys()) {
    if (!SECRET_KEY.test(key) || key.length > 253) throw new InvalidSecretKeyError('spec.target.template');
  }
  for (const [where, map] of [
    ['labels', labels],
    ['annotations', annotations],
  ] as const) {
    for (const key of Object.keys(map)) {
      if (isReservedMetadataKey(key))
        throw new ReservedMetadataError(`spec.target.template.metadata.${where}`, key);
    }
  }

  const source: SecretSource = {
    kind: object.kind ?? 'ExternalSecret',
    namespace: object.namespace,
    name: object.name,
  };
  labels[MANAGED_BY_LABEL] = MANAGED_BY_VALUE;
  if ((target.creationPolicy ?? 'Owner') !== 'Merge') labels[OWNER_LABEL] = ownerLabelValue(source);
  annotations[SOURCE_ANNOTATION] = sourceAnnotationValue(source);

  return {
    name: target.name ?? object.name,
    type,
    labels: sortObject(labels),
    annotations: sortObject(annotations),
    data: Object.fromEntries([...data.entries()].sort(([a], [b]) => compare(a, b))),
    immutable: target.immutable ?? false,
    versions: sortObject(versions),
  };
}

/** The bytes one data entry stands for: the whole value, a property of its JSON, or its tags. */
function remoteValue(payload: SecretPayload, ref: RemoteRef, at: string): Uint8Array {
  if (ref.metadataPolicy === 'Fetch') {
    const tags = payload.tags ?? {};
    if (ref.property === undefined || ref.property === '') return utf8(goJson(tags));
    const v = tags[ref.property];
    if (v === undefined) throw new PropertyNotFoundError(`${at}.property`, payload.key);
    return utf8(v);
  }
  if (ref.property === undefined || ref.property === '') return payload.value;
  const r = lookupProperty(Buffer.from(payload.value).toString('utf8'), ref.property);
  if (r.ok) return utf8(r.value);
  if (r.reason === 'invalid-json') throw new InvalidJsonError(`${at}.property`, payload.key, r.offset);
  if (r.reason === 'unsupported') throw new UnsupportedPropertyPathError(`${at}.property`, r.feature);
  throw new PropertyNotFoundError(`${at}.property`, payload.key);
}

/** dataFrom.extract: a JSON object's members become keys (strings unquoted, other values raw JSON). */
function extractMap(payload: SecretPayload, ref: RemoteRef, at: string): Map<string, Uint8Array> {
  if (ref.metadataPolicy === 'Fetch' && (ref.property === undefined || ref.property === '')) {
    return new Map(Object.entries(payload.tags ?? {}).map(([k, v]) => [k, utf8(v)]));
  }
  const doc = remoteValue(payload, ref, at);
  const parsed = parseJson(Buffer.from(doc).toString('utf8'));
  if (!parsed.ok) throw new InvalidJsonError(`${at}.key`, payload.key, parsed.offset);
  if (parsed.node.kind !== 'object') throw new NotAJsonObjectError(`${at}.key`, payload.key);
  const out = new Map<string, Uint8Array>();
  for (const [k, node] of parsed.node.entries) {
    // Go's json.Unmarshal into a map: the last duplicate wins; null unmarshals to "".
    out.set(k, utf8(node.kind === 'string' ? node.value : node.kind === 'null' ? '' : node.raw));
  }
  return out;
}

/** ESO's key conversion: characters outside [-._a-zA-Z0-9] (letters/digits of any script kept) become "_" or "_UXXXX_". */
export function convertKey(strategy: ConversionStrategy, key: string): string {
  let out = '';
  for (const ch of key) {
    if (/[\p{L}\p{N}._-]/u.test(ch)) out += ch;
    else if (strategy === 'Unicode') out += `_U${(ch.codePointAt(0) ?? 0).toString(16).padStart(4, '0')}_`;
    else out += '_';
  }
  return out;
}

function convertKeys(entries: Map<string, Uint8Array>, strategy: ConversionStrategy, at: string) {
  const out = new Map<string, Uint8Array>();
  for (const [k, v] of [...entries].sort(([a], [b]) => compare(a, b))) {
    const key = convertKey(strategy, k);
    if (out.has(key)) throw new KeyCollisionError(at);
    out.set(key, v);
  }
  return out;
}

function rewriteKeys(
  entries: Map<string, Uint8Array>,
  rewrites: Rewrite[],
  at: string,
  budget: TemplateBudget,
) {
  let cur = entries;
  rewrites.forEach((rw, j) => {
    const path = `${at}[${j}]`;
    const next = new Map<string, Uint8Array>();
    let rename: (k: string) => string;
    if ('regexp' in rw) {
      const re = compileGoRegexp(rw.regexp.source);
      if (!re) throw new InvalidRegexpError(`${path}.regexp.source`);
      rename = (k) => goReplaceAll(re, k, rw.regexp.target);
    } else {
      rename = (k) =>
        fromBytes(
          evalTemplate(
            rw.transform.template,
            new GoMap(new Map([['value', toBytes(k)]]), 'string'),
            `${path}.transform.template`,
            budget,
          ),
        );
    }
    for (const [k, v] of [...cur].sort(([a], [b]) => compare(a, b))) {
      const key = rename(k);
      // ESO keeps whichever collider its map iteration met last; we refuse instead of guessing.
      if (next.has(key)) throw new KeyCollisionError(path);
      next.set(key, v);
    }
    cur = next;
  });
  return cur;
}

function decode(value: Uint8Array, strategy: DecodingStrategy | undefined, at: string): Uint8Array {
  switch (strategy ?? 'None') {
    case 'None':
      return value;
    case 'Base64':
    case 'Base64URL': {
      const r = decodeGoBase64(Buffer.from(value).toString('latin1'), strategy === 'Base64' ? 'std' : 'url');
      if (!r.ok) throw new DecodingError(at, strategy as string);
      return r.bytes;
    }
    case 'Auto': {
      const text = Buffer.from(value).toString('latin1');
      const std = decodeGoBase64(text, 'std');
      if (std.ok) return std.bytes;
      const url = decodeGoBase64(text, 'url');
      return url.ok ? url.bytes : value;
    }
    default:
      throw new DecodingError(at, String(strategy));
  }
}

function evalTemplate(text: string, data: Value, at: string, budget: TemplateBudget): string {
  try {
    return runTemplate(text, data, budget);
  } catch (e) {
    if (e instanceof TemplateParseError) throw new TemplateParseRenderError(at, e.message);
    if (e instanceof TemplateExecError && e.budget) throw new TemplateBudgetRenderError(at, e.message);
    if (e instanceof TemplateExecError) throw new TemplateExecRenderError(at, e.message);
    throw e;
  }
}

function copyable(m: Record<string, string> | undefined, skip: Set<string>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(m ?? {})) if (!skip.has(k) && !isReservedMetadataKey(k)) out[k] = v;
  return out;
}

function goJson(tags: Record<string, string>): string {
  const m = new Map<string, Value>(Object.entries(tags).map(([k, v]) => [toBytes(k), toBytes(v)]));
  return fromBytes(goJsonMarshal(new GoMap(m, 'string')));
}

function utf8(s: string): Uint8Array {
  return new Uint8Array(Buffer.from(s, 'utf8'));
}

function fieldPath(base: string, key: string): string {
  return /^[A-Za-z_][A-Za-z0-9_]*$/.test(key) ? `${base}.${key}` : `${base}[${JSON.stringify(key)}]`;
}

function sortedEntries(m: Record<string, string>): Array<[string, string]> {
  return Object.entries(m).sort(([a], [b]) => compare(a, b));
}

function sortObject<V>(m: Record<string, V>): Record<string, V> {
  return Object.fromEntries(Object.entries(m).sort(([a], [b]) => compare(a, b)));
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
