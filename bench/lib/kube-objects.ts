/**
 * What the benchmarks do to real clusters as an admin or as the apps' users would: install the CRDs,
 * create the control plane's identity, create ExternalSecrets, edit Secrets behind our back, and
 * watch the Secrets the control plane writes (to time when a new value becomes visible).
 */
import {
  type CoreV1Api,
  type KubernetesObject,
  PatchStrategy,
  setHeaderOptions,
  type V1CustomResourceDefinition,
  type V1Secret,
} from '@kubernetes/client-node';
import { kubeClientsFor } from '../../infra-tests/helpers/kube.js';
import {
  adminApply,
  bindClusterWide,
  createServiceAccountIdentity,
} from '../../infra-tests/helpers/kube-test-support.js';
import type { KubeClusterEndpoint } from '../../infra-tests/peers/types.js';
import type { ChangeNotice } from '../../shared/control-plane/ingest.js';
import { buildCrds } from '../../shared/domain/crds.js';
import { MANAGED_SELECTOR } from '../../shared/domain/labels.js';
import { API_GROUP, API_VERSION, type ExternalSecretSpec } from '../../shared/domain/schema.js';
import { inParallel } from './stats.js';

const HOME_NAMESPACE = 'fleet-secrets-bench';

async function installCrds(cluster: KubeClusterEndpoint): Promise<void> {
  const crds = buildCrds() as unknown as V1CustomResourceDefinition[];
  await adminApply(cluster.adminKubeconfig, crds);
  const { apiextensions } = kubeClientsFor(cluster, 'admin');
  for (const crd of crds) {
    const name = crd.metadata?.name ?? '';
    for (let i = 0; ; i++) {
      const current = await apiextensions.readCustomResourceDefinition({ name });
      if (current.status?.conditions?.some((c) => c.type === 'Established' && c.status === 'True')) break;
      if (i > 600) throw new Error(`CRD ${name} not Established in ${cluster.name}`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }
}

/**
 * Prepares a cluster for registration: CRDs, and a ServiceAccount bound cluster-wide to the
 * control-plane ClusterRole. Returns the ServiceAccount's token (kept in Secrets Manager by the caller).
 */
export async function registerKubeIdentity(cluster: KubeClusterEndpoint): Promise<string> {
  await installCrds(cluster);
  await ensureNamespaces(cluster, [HOME_NAMESPACE]);
  const admin = kubeClientsFor(cluster, 'admin');
  const identity = await createServiceAccountIdentity(admin.core, HOME_NAMESPACE);
  await bindClusterWide(cluster.adminKubeconfig, identity.subject, admin.rbac);
  return identity.token;
}

export async function ensureNamespaces(cluster: KubeClusterEndpoint, names: string[]): Promise<void> {
  await adminApply(
    cluster.adminKubeconfig,
    names.map((name) => ({ apiVersion: 'v1', kind: 'Namespace', metadata: { name } })),
  );
}

export interface DesiredExternalSecret {
  name: string;
  spec: ExternalSecretSpec;
}

/** Creates ExternalSecrets as a user would; returns the watcher's notice for each. */
export async function createExternalSecrets(
  cluster: KubeClusterEndpoint,
  namespace: string,
  objects: DesiredExternalSecret[],
  concurrency = 8,
): Promise<ChangeNotice[]> {
  const { custom } = kubeClientsFor(cluster, 'admin');
  const notices: ChangeNotice[] = new Array(objects.length);
  await inParallel(objects.length, concurrency, async (i) => {
    const { name, spec } = objects[i] as DesiredExternalSecret;
    const live = (await custom.createNamespacedCustomObject({
      group: API_GROUP,
      version: API_VERSION,
      namespace,
      plural: 'externalsecrets',
      body: {
        apiVersion: `${API_GROUP}/${API_VERSION}`,
        kind: 'ExternalSecret',
        metadata: { name, namespace },
        spec,
      },
    })) as KubernetesObject & { metadata: { uid: string; resourceVersion: string; generation: number } };
    notices[i] = {
      kind: 'ExternalSecret',
      namespace,
      name,
      uid: live.metadata.uid,
      resourceVersion: live.metadata.resourceVersion,
      generation: live.metadata.generation,
      event: 'upsert',
    };
  });
  return notices;
}

function decoded(secret: V1Secret | undefined, field: string): string | undefined {
  const b64 = secret?.data?.[field];
  return b64 === undefined ? undefined : Buffer.from(b64, 'base64').toString('utf8');
}

/** Reads one field of a Secret back from the API server (undefined when absent). */
export async function readSecretField(
  core: CoreV1Api,
  namespace: string,
  name: string,
  field: string,
): Promise<string | undefined> {
  try {
    return decoded(await core.readNamespacedSecret({ name, namespace }), field);
  } catch {
    return undefined;
  }
}

/** Out-of-band edits (drift): someone changes the data of Secrets the control plane manages. */
export async function editSecrets(
  cluster: KubeClusterEndpoint,
  namespace: string,
  names: string[],
  field: string,
): Promise<void> {
  const { core } = kubeClientsFor(cluster, 'admin');
  const mergePatch = setHeaderOptions('Content-Type', PatchStrategy.MergePatch);
  await inParallel(names.length, 8, (i) =>
    core.patchNamespacedSecret(
      {
        name: names[i] as string,
        namespace,
        body: { data: { [field]: Buffer.from('edited-out-of-band').toString('base64') } },
      },
      mergePatch,
    ),
  );
}

/**
 * Watches the managed Secrets of one namespace in several clusters and tells when every expected
 * Secret has shown an expected value: the moment a reader of the cluster can see it.
 */
export class SecretWatch {
  readonly #aborts: AbortController[] = [];
  #pending = new Map<string, string>();
  #first: number | undefined;
  #done: ((at: { first: number; last: number }) => void) | undefined;
  readonly #field: string;
  /** Watch connections that closed early (each is restarted). */
  restarts = 0;

  private constructor(field: string) {
    this.#field = field;
  }

  static async start(
    clusters: KubeClusterEndpoint[],
    namespace: string,
    field: string,
  ): Promise<SecretWatch> {
    const watch = new SecretWatch(field);
    await Promise.all(clusters.map((cluster) => watch.#watch(cluster, namespace)));
    return watch;
  }

  async #watch(cluster: KubeClusterEndpoint, namespace: string): Promise<void> {
    const { watch } = kubeClientsFor(cluster, 'admin');
    const abort = await watch.watch(
      `/api/v1/namespaces/${namespace}/secrets`,
      { labelSelector: MANAGED_SELECTOR },
      (_phase: string, secret: V1Secret) => this.#seen(cluster.name, secret),
      () => {
        if (this.#aborts.includes(abort)) {
          this.restarts++;
          this.#aborts.splice(this.#aborts.indexOf(abort), 1);
          void this.#watch(cluster, namespace).catch(() => undefined);
        }
      },
    );
    this.#aborts.push(abort);
  }

  #seen(cluster: string, secret: V1Secret): void {
    const key = `${cluster}/${secret.metadata?.name ?? ''}`;
    const want = this.#pending.get(key);
    if (want === undefined || decoded(secret, this.#field) !== want) return;
    this.#pending.delete(key);
    const now = performance.now();
    this.#first ??= now;
    if (this.#pending.size === 0) this.#done?.({ first: this.#first, last: now });
  }

  /**
   * Arms the watch for the next change: resolves with the performance.now() times at which the first
   * and the last of `expected` (Secrets by cluster, all with `value`) were seen; undefined on timeout.
   */
  expect(expected: Array<{ cluster: string; name: string }>, value: string, timeoutMs: number) {
    this.#pending = new Map(expected.map((e) => [`${e.cluster}/${e.name}`, value]));
    this.#first = undefined;
    return new Promise<{ first: number; last: number } | undefined>((resolve) => {
      const timer = setTimeout(() => resolve(undefined), timeoutMs);
      this.#done = (at) => {
        clearTimeout(timer);
        resolve(at);
      };
    });
  }

  stop(): void {
    const aborts = this.#aborts.splice(0);
    for (const abort of aborts) abort.abort();
  }
}
