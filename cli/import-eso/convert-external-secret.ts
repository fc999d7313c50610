/**
 * ESO ExternalSecret / ClusterExternalSecret -> ours. The field names are ESO's on purpose, so
 * most of a spec carries over as it is; this walks every field so that anything without an
 * equivalent is named with its path and a reason instead of being dropped silently.
 */
import { API_GROUP_VERSION } from '../../shared/domain/schema.js';
import { asArray, type Findings, isRecord } from './conversion.js';
import type { StoreNames } from './store-names.js';

const REMOTE_REF_FIELDS = [
  'key',
  'property',
  'version',
  'decodingStrategy',
  'metadataPolicy',
  'conversionStrategy',
];
const FIND_FIELDS = ['path', 'name', 'tags', 'decodingStrategy', 'conversionStrategy'];

export interface SpecContext {
  findings: Findings;
  stores: StoreNames;
  /** Namespace of an ExternalSecret; undefined inside a ClusterExternalSecret. */
  namespace: string | undefined;
}

export function convertExternalSecretSpec(
  spec: unknown,
  at: string,
  ctx: SpecContext,
): Record<string, unknown> {
  const f = ctx.findings;
  const s = f.pick(spec, at, [
    'secretStoreRef',
    'refreshInterval',
    'refreshPolicy',
    'target',
    'data',
    'dataFrom',
  ]);
  const out: Record<string, unknown> = {};
  if (s.secretStoreRef !== undefined)
    out.secretStoreRef = storeRef(s.secretStoreRef, `${at}.secretStoreRef`, ctx);
  if (s.refreshInterval !== undefined) out.refreshInterval = s.refreshInterval;
  if (s.refreshPolicy !== undefined) out.refreshPolicy = s.refreshPolicy;
  if (s.target !== undefined) out.target = target(s.target, `${at}.target`, f);
  if (s.data !== undefined) {
    out.data = asArray(s.data).map((item, i) => {
      const p = `${at}.data[${i}]`;
      const d = f.pick(item, p, ['secretKey', 'remoteRef', 'sourceRef']);
      return {
        secretKey: d.secretKey,
        remoteRef: f.pick(d.remoteRef, `${p}.remoteRef`, REMOTE_REF_FIELDS),
        ...(d.sourceRef !== undefined ? { sourceRef: sourceRef(d.sourceRef, `${p}.sourceRef`, ctx) } : {}),
      };
    });
  }
  if (s.dataFrom !== undefined) {
    out.dataFrom = asArray(s.dataFrom).map((item, i) => dataFrom(item, `${at}.dataFrom[${i}]`, ctx));
  }
  return out;
}

function dataFrom(item: unknown, at: string, ctx: SpecContext): Record<string, unknown> {
  const f = ctx.findings;
  // v1alpha1 listed plain remote refs here: they meant "extract this key".
  if (isRecord(item) && 'key' in item && !('extract' in item) && !('find' in item)) {
    f.note(at, 'a v1alpha1 dataFrom entry: converted to extract');
    return { extract: f.pick(item, at, REMOTE_REF_FIELDS) };
  }
  const d = f.pick(item, at, ['extract', 'find', 'rewrite', 'sourceRef']);
  const out: Record<string, unknown> = {};
  if (d.extract !== undefined) out.extract = f.pick(d.extract, `${at}.extract`, REMOTE_REF_FIELDS);
  if (d.find !== undefined) out.find = f.pick(d.find, `${at}.find`, FIND_FIELDS);
  if (d.rewrite !== undefined) {
    out.rewrite = asArray(d.rewrite).map((rw, j) => {
      const p = `${at}.rewrite[${j}]`;
      const r = f.pick(rw, p, ['regexp', 'transform']);
      return {
        ...(r.regexp !== undefined ? { regexp: f.pick(r.regexp, `${p}.regexp`, ['source', 'target']) } : {}),
        ...(r.transform !== undefined
          ? { transform: f.pick(r.transform, `${p}.transform`, ['template']) }
          : {}),
      };
    });
  }
  if (d.sourceRef !== undefined) {
    const ref = sourceRef(d.sourceRef, `${at}.sourceRef`, ctx);
    if (ref) out.sourceRef = ref;
  }
  return out;
}

function sourceRef(value: unknown, at: string, ctx: SpecContext): Record<string, unknown> | undefined {
  const f = ctx.findings;
  if (isRecord(value) && value.generatorRef !== undefined) {
    f.cannot(
      `${at}.generatorRef`,
      'generators have no equivalent: the control plane only reads secrets that already exist in a store',
    );
    return undefined;
  }
  const s = f.pick(value, at, ['storeRef']);
  return s.storeRef !== undefined ? { storeRef: storeRef(s.storeRef, `${at}.storeRef`, ctx) } : {};
}

function storeRef(value: unknown, at: string, ctx: SpecContext): Record<string, unknown> {
  const r = ctx.findings.pick(value, at, ['name', 'kind']);
  if (typeof r.name !== 'string') return r;
  const kind = r.kind === 'ClusterSecretStore' ? 'ClusterSecretStore' : 'SecretStore';
  const resolved = ctx.stores.resolve({ name: r.name, kind }, ctx.namespace);
  if (!resolved.known) {
    ctx.findings.note(at, `store "${r.name}" was not in the input: a central store of that name must exist`);
  } else if (resolved.name !== r.name) {
    ctx.findings.note(
      at,
      `store "${r.name}" is the central store "${resolved.name}" (names of namespaced stores collided)`,
    );
  }
  return { name: resolved.name, kind };
}

function target(value: unknown, at: string, f: Findings): Record<string, unknown> {
  const t = f.pick(value, at, ['name', 'creationPolicy', 'deletionPolicy', 'immutable', 'template']);
  if (t.template === undefined) return t;
  const p = `${at}.template`;
  const tpl = f.pick(t.template, p, [
    'type',
    'engineVersion',
    'mergePolicy',
    'metadata',
    'data',
    'templateFrom',
  ]);
  if (tpl.engineVersion !== undefined && tpl.engineVersion !== 'v2') {
    f.cannot(`${p}.engineVersion`, 'only template engine v2 exists here (v1 templates must be rewritten)');
    delete tpl.engineVersion;
  }
  if (tpl.metadata !== undefined)
    tpl.metadata = f.pick(tpl.metadata, `${p}.metadata`, ['labels', 'annotations']);
  if (tpl.templateFrom !== undefined) {
    tpl.templateFrom = asArray(tpl.templateFrom).flatMap((tf, i) => {
      const q = `${p}.templateFrom[${i}]`;
      if (isRecord(tf) && (tf.configMap !== undefined || tf.secret !== undefined)) {
        f.cannot(
          `${q}.${tf.configMap !== undefined ? 'configMap' : 'secret'}`,
          'templates are not read from in-cluster ConfigMaps or Secrets: inline it as templateFrom[].literal',
        );
        return [];
      }
      return [f.pick(tf, q, ['literal', 'target'])];
    });
  }
  return { ...t, template: tpl };
}

/** Labels and annotations worth keeping: not kubectl's bookkeeping. */
export function cleanMetadata(metadata: unknown, withNamespace: boolean): Record<string, unknown> {
  const m = isRecord(metadata) ? metadata : {};
  const annotations = Object.fromEntries(
    Object.entries(isRecord(m.annotations) ? m.annotations : {}).filter(
      ([k]) => k !== 'kubectl.kubernetes.io/last-applied-configuration',
    ),
  );
  return {
    name: m.name,
    ...(withNamespace && m.namespace !== undefined ? { namespace: m.namespace } : {}),
    ...(isRecord(m.labels) && Object.keys(m.labels).length ? { labels: m.labels } : {}),
    ...(Object.keys(annotations).length ? { annotations } : {}),
  };
}

export function convertExternalSecret(obj: Record<string, unknown>, findings: Findings, stores: StoreNames) {
  const metadata = cleanMetadata(obj.metadata, true);
  const namespace = typeof metadata.namespace === 'string' ? metadata.namespace : 'default';
  return {
    apiVersion: API_GROUP_VERSION,
    kind: 'ExternalSecret',
    metadata,
    spec: convertExternalSecretSpec(obj.spec, 'spec', { findings, stores, namespace }),
  };
}

export function convertClusterExternalSecret(
  obj: Record<string, unknown>,
  findings: Findings,
  stores: StoreNames,
) {
  const spec = findings.pick(obj.spec, 'spec', [
    'externalSecretSpec',
    'externalSecretName',
    'externalSecretMetadata',
    'namespaceSelector',
    'namespaceSelectors',
    'namespaces',
    'refreshTime',
  ]);
  if (spec.externalSecretMetadata !== undefined) {
    findings.cannot(
      'spec.externalSecretMetadata',
      'labels/annotations for the generated ExternalSecrets have no equivalent',
    );
    delete spec.externalSecretMetadata;
  }
  return {
    apiVersion: API_GROUP_VERSION,
    kind: 'ClusterExternalSecret',
    metadata: cleanMetadata(obj.metadata, false),
    spec: {
      ...spec,
      externalSecretSpec: convertExternalSecretSpec(spec.externalSecretSpec, 'spec.externalSecretSpec', {
        findings,
        stores,
        namespace: undefined,
      }),
    },
  };
}
