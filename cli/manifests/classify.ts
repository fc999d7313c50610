/**
 * What `apply`/`delete` do with each manifest: the two central kinds go to the control plane,
 * everything else gets a sentence saying where it belongs instead.
 */
import { dirname, isAbsolute, resolve } from 'node:path';
import { API_GROUP_VERSION, type FleetExternalSecret, type SecretStore } from '../../shared/domain/schema.js';
import { validateManifest } from '../../shared/domain/validate.js';
import type { LoadedManifest } from './load-manifests.js';

export type CentralObject =
  | { kind: 'SecretStore'; name: string; manifest: SecretStore; source: LoadedManifest }
  | {
      kind: 'FleetExternalSecret';
      namespace: string;
      name: string;
      manifest: FleetExternalSecret;
      source: LoadedManifest;
    };

export type Classified = { ok: true; object: CentralObject } | { ok: false; problems: string[] };

const ESO_GROUP = 'external-secrets.io';

interface Head {
  apiVersion?: unknown;
  kind?: unknown;
  metadata?: { name?: unknown; namespace?: unknown };
}

export function describeManifest(m: LoadedManifest): string {
  const head = (m.object ?? {}) as Head;
  const kind = typeof head.kind === 'string' ? head.kind : 'object';
  const name = typeof head.metadata?.name === 'string' ? head.metadata.name : '(no name)';
  const ns = typeof head.metadata?.namespace === 'string' ? `${head.metadata.namespace}/` : '';
  return `${kind} ${ns}${name}`;
}

/** Full validation, as the control plane would do it, with every issue at file:line. */
export function classifyForApply(m: LoadedManifest): Classified {
  const misplaced = misplacedKind(m);
  if (misplaced) return { ok: false, problems: [misplaced] };
  const what = describeManifest(m);
  const validated = validateManifest(m.object);
  if (!validated.ok) {
    return {
      ok: false,
      problems: validated.issues.map(
        (i) => `${m.file}:${m.lineOf(i.path)}: ${what}: ${i.path}: ${i.message}`,
      ),
    };
  }
  return { ok: true, object: toCentral(m, validated.value as SecretStore | FleetExternalSecret) };
}

/** Only what identifies the object: a delete needs no valid spec. */
export function classifyForDelete(m: LoadedManifest): Classified {
  const misplaced = misplacedKind(m);
  if (misplaced) return { ok: false, problems: [misplaced] };
  const head = m.object as Head;
  if (typeof head.metadata?.name !== 'string' || head.metadata.name === '') {
    return {
      ok: false,
      problems: [`${m.file}:${m.lineOf('metadata.name')}: ${describeManifest(m)}: metadata.name: required`],
    };
  }
  return { ok: true, object: toCentral(m, m.object as SecretStore | FleetExternalSecret) };
}

function toCentral(m: LoadedManifest, value: SecretStore | FleetExternalSecret): CentralObject {
  if (value.kind === 'SecretStore') {
    return {
      kind: 'SecretStore',
      name: value.metadata.name,
      manifest: withAbsoluteFilePath(value, m),
      source: m,
    };
  }
  return {
    kind: 'FleetExternalSecret',
    namespace: value.metadata.namespace ?? 'default',
    name: value.metadata.name,
    manifest: value,
    source: m,
  };
}

/** A file store's relative path means "next to this manifest", as it would to a reader of the repo. */
function withAbsoluteFilePath(store: SecretStore, m: LoadedManifest): SecretStore {
  // A manifest named only for deletion may carry no spec at all.
  const file = store.spec?.provider?.file;
  if (!file || isAbsolute(file.path)) return store;
  const base = m.file === '<stdin>' ? process.cwd() : dirname(resolve(m.file));
  return {
    ...store,
    spec: { ...store.spec, provider: { ...store.spec.provider, file: { path: resolve(base, file.path) } } },
  };
}

function misplacedKind(m: LoadedManifest): string | undefined {
  const head = (m.object ?? {}) as Head;
  const where = `${m.file}:${m.line}: ${describeManifest(m)}`;
  const apiVersion = typeof head.apiVersion === 'string' ? head.apiVersion : '';
  if (apiVersion.startsWith(`${ESO_GROUP}/`)) {
    return `${where}: an External Secrets Operator manifest; convert it first: fleet-secrets import-eso -f ${m.file}`;
  }
  if (head.kind === 'ExternalSecret' || head.kind === 'ClusterExternalSecret') {
    return `${where}: ${head.kind}s live in member clusters: kubectl apply it there, or wrap its spec in a FleetExternalSecret to land it fleet-wide`;
  }
  if (head.kind !== 'SecretStore' && head.kind !== 'FleetExternalSecret') {
    return `${where}: the control plane keeps SecretStores and FleetExternalSecrets (${API_GROUP_VERSION}) only`;
  }
  if (apiVersion !== API_GROUP_VERSION) {
    return `${m.file}:${m.lineOf('apiVersion')}: ${describeManifest(m)}: apiVersion: must be "${API_GROUP_VERSION}"`;
  }
  return undefined;
}
