/**
 * Runs the watcher chart through the real helm binary (built by infra-tests/peers/build-helm.sh)
 * and maps manifest options onto chart values, so tests can hold `helm template` against
 * `fleet-secrets watcher manifest` with equivalent inputs.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseAllDocuments } from 'yaml';
import { cachedToolBinary } from '../../../infra-tests/helpers/tools.js';
import type { ManifestObject, WatcherManifestOptions } from '../../../watcher/install-manifests.js';

export const chartDir = join(dirname(fileURLToPath(import.meta.url)), '..', 'fleet-secrets-watcher');
export const releaseName = 'fleet-secrets-watcher';

export interface HelmResult {
  status: number | null;
  stdout: string;
  stderr: string;
}

/** Runs helm with its state (cache, config, plugins) in a throw-away HOME. */
export function helm(args: string[], { env = {} }: { env?: NodeJS.ProcessEnv } = {}): HelmResult {
  const home = mkdtempSync(join(tmpdir(), 'fleet-secrets-helm-home-'));
  try {
    const result = spawnSync(cachedToolBinary('helm'), args, {
      encoding: 'utf8',
      env: { PATH: process.env.PATH, HOME: home, ...env },
      maxBuffer: 64 * 1024 * 1024,
    });
    return { status: result.status, stdout: result.stdout, stderr: result.stderr };
  } finally {
    rmSync(home, { recursive: true, force: true });
  }
}

/** Writes values to a temp file (JSON is YAML) and hands helm `-f FILE`; removes it afterwards. */
export function withValuesFile<T>(values: Record<string, unknown>, run: (file: string) => T): T {
  const dir = mkdtempSync(join(tmpdir(), 'fleet-secrets-helm-values-'));
  try {
    const file = join(dir, 'values.yaml');
    writeFileSync(file, JSON.stringify(values));
    return run(file);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Chart values that mean the same as these manifest options. */
export function chartValuesFor(options: WatcherManifestOptions): Record<string, unknown> {
  const [repository, digest] = options.image.split('@');
  return {
    clusterId: options.clusterId,
    ingestFunctionArn: options.ingestFunctionArn,
    region: options.region,
    credentials: { mode: options.mode, roleArn: options.roleArn },
    image: {
      repository,
      digest,
      ...(options.imagePullPolicy ? { pullPolicy: options.imagePullPolicy } : {}),
    },
    ...(options.name ? { name: options.name } : {}),
    // The CLI's stream starts with the namespace; `helm template` renders it when asked.
    namespace: { create: true },
    networkPolicy: {
      ...(options.apiServerCidr ? { apiServerCidr: options.apiServerCidr } : {}),
      ...(options.apiServerPort ? { apiServerPort: options.apiServerPort } : {}),
      ...(options.awsEndpointCidrs ? { awsEndpointCidrs: options.awsEndpointCidrs } : {}),
    },
    ...(options.resyncSeconds === undefined ? {} : { resyncSeconds: options.resyncSeconds }),
    ...(options.logLevel === undefined ? {} : { logLevel: options.logLevel }),
  };
}

/** `helm template` of the chart: the objects, or an error carrying helm's stderr. */
export function helmTemplate(
  values: Record<string, unknown>,
  { namespace, extraArgs = [] }: { namespace: string; extraArgs?: string[] },
): { objects: ManifestObject[]; yaml: string } {
  const result = withValuesFile(values, (file) =>
    helm(['template', releaseName, chartDir, '--namespace', namespace, '-f', file, ...extraArgs]),
  );
  if (result.status !== 0) throw new Error(`helm template failed (${result.status}): ${result.stderr}`);
  return { objects: parseObjects(result.stdout), yaml: result.stdout };
}

export function parseObjects(yaml: string): ManifestObject[] {
  return parseAllDocuments(yaml)
    .map((document) => document.toJS() as ManifestObject | null)
    .filter((object): object is ManifestObject => object !== null);
}

/** Labels helm adds to every object of a release; they say who rendered it, not what it is. */
const helmOnlyLabels = ['helm.sh/chart', 'app.kubernetes.io/managed-by', 'app.kubernetes.io/version'];

function withoutHelmLabels(labels: unknown): unknown {
  if (!labels || typeof labels !== 'object') return labels;
  return Object.fromEntries(Object.entries(labels).filter(([key]) => !helmOnlyLabels.includes(key)));
}

/** Objects compared by meaning: helm's own labels dropped, sorted by kind and name. */
export function normalise(objects: readonly ManifestObject[]): ManifestObject[] {
  return objects
    .map((object) => {
      const copy = structuredClone(object) as ManifestObject & {
        spec?: { template?: { metadata?: { labels?: unknown } } };
      };
      if (copy.metadata.labels)
        copy.metadata.labels = withoutHelmLabels(copy.metadata.labels) as Record<string, string>;
      const template = copy.spec?.template?.metadata;
      if (template?.labels) template.labels = withoutHelmLabels(template.labels);
      return copy;
    })
    .sort((a, b) => `${a.kind}/${a.metadata.name}`.localeCompare(`${b.kind}/${b.metadata.name}`));
}
