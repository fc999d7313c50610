/**
 * STAND-IN Kubernetes for the scale model only: an in-memory cluster that answers the control
 * plane's LIST/apply/status/event calls so that 1,000 clusters fit on one machine. Every other
 * benchmark talks to real kube-apiservers. It counts requests the way the real adapter's counter
 * does, so its numbers line up with the real ones.
 */
import { randomUUID } from 'node:crypto';
import type { ClusterRecord } from '../../shared/domain/records.js';
import { API_GROUP, API_VERSION, type ExternalSecretSpec } from '../../shared/domain/schema.js';
import { RequestCounter } from '../../shared/lib/request-counter.js';
import type {
  AccessReview,
  ClusterClient,
  ClusterClientFactory,
  CustomKind,
  LiveSecretMeta,
  SecretManifest,
} from '../../shared/ports/cluster-client.js';

interface StoredSecret {
  meta: LiveSecretMeta;
  data: Record<string, string>;
}

export interface StandInExternalSecret {
  uid: string;
  resourceVersion: string;
  generation: number;
}

export class StandInCluster implements ClusterClient {
  readonly clusterId: string;
  readonly counter = new RequestCounter();
  readonly #secrets = new Map<string, StoredSecret>();
  readonly #externalSecrets = new Map<string, { object: unknown; meta: StandInExternalSecret }>();
  #resourceVersion = 1;

  constructor(clusterId: string) {
    this.clusterId = clusterId;
  }

  /** What a user's `kubectl apply` of an ExternalSecret would leave in the cluster. */
  putExternalSecret(namespace: string, name: string, spec: ExternalSecretSpec): StandInExternalSecret {
    const meta = { uid: randomUUID(), resourceVersion: String(this.#resourceVersion++), generation: 1 };
    const object = {
      apiVersion: `${API_GROUP}/${API_VERSION}`,
      kind: 'ExternalSecret',
      metadata: { name, namespace, ...meta },
      spec,
    };
    this.#externalSecrets.set(`${namespace}/${name}`, { object, meta });
    return meta;
  }

  /** Data of a Secret the control plane wrote (base64 values), for checks. */
  secretData(namespace: string, name: string): Record<string, string> | undefined {
    return this.#secrets.get(`${namespace}/${name}`)?.data;
  }

  async listManagedSecrets(opts: { labelSelector: string; namespace?: string }): Promise<LiveSecretMeta[]> {
    this.counter.record('list', 'secrets');
    const [label, value] = opts.labelSelector.split('=');
    return [...this.#secrets.values()]
      .filter((s) => opts.namespace === undefined || s.meta.namespace === opts.namespace)
      .filter((s) => label === undefined || s.meta.labels[label] === value)
      .map((s) => structuredClone(s.meta));
  }

  async getSecretMeta(namespace: string, name: string): Promise<LiveSecretMeta | undefined> {
    this.counter.record('get', 'secrets');
    const found = this.#secrets.get(`${namespace}/${name}`);
    return found ? structuredClone(found.meta) : undefined;
  }

  async applySecret(secret: SecretManifest): Promise<{ resourceVersion: string; uid: string }> {
    this.counter.record('apply', 'secrets');
    const key = `${secret.namespace}/${secret.name}`;
    const uid = this.#secrets.get(key)?.meta.uid ?? randomUUID();
    const meta: LiveSecretMeta = {
      namespace: secret.namespace,
      name: secret.name,
      uid,
      resourceVersion: String(this.#resourceVersion++),
      labels: { ...secret.labels },
      annotations: { ...secret.annotations },
      ...(secret.ownerReferences ? { ownerReferences: secret.ownerReferences } : {}),
    };
    this.#secrets.set(key, { meta, data: { ...secret.data } });
    return { resourceVersion: meta.resourceVersion, uid };
  }

  async deleteSecret(namespace: string, name: string): Promise<void> {
    this.counter.record('delete', 'secrets');
    this.#secrets.delete(`${namespace}/${name}`);
  }

  async getCustomObject(kind: CustomKind, namespace: string | undefined, name: string): Promise<unknown> {
    this.counter.record('get', kind === 'ExternalSecret' ? 'externalsecrets' : 'clusterexternalsecrets');
    if (kind !== 'ExternalSecret') return undefined;
    return structuredClone(this.#externalSecrets.get(`${namespace}/${name}`)?.object);
  }

  async listCustomObjects(kind: CustomKind, namespace?: string): Promise<unknown[]> {
    this.counter.record('list', kind === 'ExternalSecret' ? 'externalsecrets' : 'clusterexternalsecrets');
    if (kind !== 'ExternalSecret') return [];
    return [...this.#externalSecrets.entries()]
      .filter(([key]) => namespace === undefined || key.startsWith(`${namespace}/`))
      .map(([, v]) => structuredClone(v.object));
  }

  async patchExternalSecretStatus(): Promise<void> {
    this.counter.record('patch', 'externalsecrets/status');
  }

  async createEvent(): Promise<void> {
    this.counter.record('create', 'events');
  }

  async listNamespaces(): Promise<Array<{ name: string; labels: Record<string, string> }>> {
    this.counter.record('list', 'namespaces');
    const names = new Set([...this.#externalSecrets.keys()].map((key) => key.split('/')[0] as string));
    return [...names].sort().map((name) => ({ name, labels: {} }));
  }

  async reviewAccessRules(): Promise<AccessReview> {
    this.counter.record('create', 'selfsubjectrulesreviews');
    return { rules: [{ verbs: ['*'], apiGroups: ['*'], resources: ['*'] }], incomplete: false };
  }

  async canI(): Promise<boolean> {
    this.counter.record('create', 'selfsubjectaccessreviews');
    return true;
  }

  async serverVersion(): Promise<string> {
    this.counter.record('get', 'version');
    return 'v1.34.0-stand-in';
  }
}

/** Hands out one stand-in per cluster id, the way the real factory caches one client per cluster. */
export class StandInClusterFactory implements ClusterClientFactory {
  readonly #clusters = new Map<string, StandInCluster>();

  cluster(clusterId: string): StandInCluster {
    let cluster = this.#clusters.get(clusterId);
    if (!cluster) {
      cluster = new StandInCluster(clusterId);
      this.#clusters.set(clusterId, cluster);
    }
    return cluster;
  }

  async forCluster(clusterId: string): Promise<ClusterClient> {
    return this.cluster(clusterId);
  }

  async forRecord(record: ClusterRecord): Promise<ClusterClient> {
    return this.cluster(record.clusterId);
  }

  /** Requests of every stand-in so far, summed. */
  totals(): { reads: number; writes: number; byAction: Record<string, number> } {
    const byAction: Record<string, number> = {};
    let reads = 0;
    let writes = 0;
    for (const cluster of this.#clusters.values()) {
      const snap = cluster.counter.snapshot();
      reads += snap.reads;
      writes += snap.writes;
      for (const [action, n] of Object.entries(snap.byAction)) byAction[action] = (byAction[action] ?? 0) + n;
    }
    return { reads, writes, byAction };
  }
}
