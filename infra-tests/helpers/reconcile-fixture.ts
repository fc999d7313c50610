/**
 * The real world a reconcile integration test runs in: kube-apiservers with the fleet-secrets
 * CRDs and the control plane's RBAC, moto for Secrets Manager, a state store, the real cluster
 * and provider factories. Every name carries a random suffix: test files share the peers.
 * Test code only: nothing in the product imports it.
 */
import { randomBytes } from 'node:crypto';
import {
  CreateSecretCommand,
  DeleteSecretCommand,
  PutSecretValueCommand,
  SecretsManagerClient,
} from '@aws-sdk/client-secrets-manager';
import { STSClient } from '@aws-sdk/client-sts';
import type { KubernetesObject } from '@kubernetes/client-node';
import { AssumedRoleCredentialCache } from '../../shared/adapters/aws-credentials/index.js';
import { SecretsManagerClients } from '../../shared/adapters/aws-secrets-manager/secrets-manager-clients.js';
import { KubeClusterClientFactory } from '../../shared/adapters/kubernetes/cluster-client-factory.js';
import { CentralProviderFactory } from '../../shared/adapters/provider-factory.js';
import { planReads } from '../../shared/domain/plan.js';
import type { ClusterRecord, DesiredSnapshot, SourceKind } from '../../shared/domain/records.js';
import {
  API_GROUP,
  API_VERSION,
  type ExternalSecretSpec,
  type SecretStore,
} from '../../shared/domain/schema.js';
import type { Clock } from '../../shared/ports/clock.js';
import type { Logger } from '../../shared/ports/logger.js';
import type { StateStore } from '../../shared/ports/state-store.js';
import type { ReconcileDeps } from '../../shared/reconcile/types.js';
import type { KubeClusterEndpoint } from '../peers/types.js';
import { countRequests, type RequestCounts as SdkRequestCounts } from './counting-middleware.js';
import { kubeClientsFor } from './kube.js';
import {
  adminApply,
  bindClusterWide,
  bindInNamespaces,
  createServiceAccountIdentity,
} from './kube-test-support.js';
import { loadPeers } from './peers.js';
// The generated crds/ files through client-node's YAML loader, so x-kubernetes-* keys survive.
import { fleetCrds } from './watcher/fleet-crds.js';

export const awsTestCredentials = { accessKeyId: 'testing', secretAccessKey: 'testing' };

/** Real time, plus however far a test has moved it forward (to make refreshes due). */
export class TestClock implements Clock {
  #offsetMs = 0;
  now(): Date {
    return new Date(Date.now() + this.#offsetMs);
  }
  advance(ms: number): void {
    this.#offsetMs += ms;
  }
}

export interface CapturedLog {
  level: string;
  message: string;
  attributes?: Record<string, unknown>;
}

export function capturingLogger(into: CapturedLog[]): Logger {
  const at = (level: string) => (message: string, attributes?: Record<string, unknown>) => {
    into.push({ level, message, ...(attributes ? { attributes } : {}) });
  };
  return { debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error') };
}

export function suffix(): string {
  return randomBytes(4).toString('hex');
}

/** Applies the generated CRDs (idempotent across parallel files) and waits until they are served. */
export async function installCrds(cluster: KubeClusterEndpoint): Promise<void> {
  const crds = fleetCrds().crds;
  await adminApply(cluster.adminKubeconfig, crds);
  const { apiextensions } = kubeClientsFor(cluster, 'admin');
  for (const crd of crds) {
    const name = crd.metadata?.name ?? '';
    for (let i = 0; ; i++) {
      const current = await apiextensions.readCustomResourceDefinition({ name });
      if (current.status?.conditions?.some((c) => c.type === 'Established' && c.status === 'True')) break;
      if (i > 200) throw new Error(`CRD ${name} not Established`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }
}

export interface FixtureOptions {
  state: StateStore;
  clock?: TestClock;
  requestTimeoutMs?: number;
}

/** Secrets Manager in moto, a central store over it, and the factories reconcile needs. */
export class ReconcileFixture {
  readonly runId = suffix();
  readonly state: StateStore;
  readonly clock: TestClock;
  readonly sm: SecretsManagerClient;
  readonly clusters: KubeClusterClientFactory;
  readonly providers: CentralProviderFactory;
  readonly hmacKey = randomBytes(32);
  readonly logs: CapturedLog[] = [];
  readonly storeName: string;
  /** Every provider key of this file starts with it; the store policy allows exactly that. */
  readonly keyPrefix: string;
  readonly #created = new Set<string>();
  readonly #providerCounts: SdkRequestCounts[] = [];
  readonly #sts: STSClient;

  constructor(options: FixtureOptions) {
    const { moto } = loadPeers();
    this.state = options.state;
    this.clock = options.clock ?? new TestClock();
    this.storeName = `aws-${this.runId}`;
    this.keyPrefix = `reconcile-${this.runId}`;
    this.sm = new SecretsManagerClient({
      endpoint: moto.url,
      region: moto.region,
      credentials: awsTestCredentials,
    });
    this.#sts = new STSClient({ endpoint: moto.url, region: moto.region, credentials: awsTestCredentials });
    this.clusters = new KubeClusterClientFactory({
      state: this.state,
      secretsManager: this.sm,
      requestTimeoutMs: options.requestTimeoutMs ?? 5_000,
      clock: this.clock,
    });
    this.providers = new CentralProviderFactory({
      stores: this.state,
      secretsManager: new SecretsManagerClients({
        credentials: new AssumedRoleCredentialCache({ sts: this.#sts }),
        clientConfig: { endpoint: moto.url, credentials: awsTestCredentials },
        instrument: (client) => this.#providerCounts.push(countRequests(client)),
      }),
      // Only the stores of the failure tests name a credential; none of them has a real server.
      credentialSource: async () => 'not-a-real-token',
    });
  }

  /** The central store: this file's clusters (label run=<id>), the given namespaces, keys under the prefix. */
  async putStore(namespaces: string[], overrides: Partial<SecretStore['spec']> = {}, name = this.storeName) {
    const { moto } = loadPeers();
    const store: SecretStore = {
      apiVersion: `${API_GROUP}/${API_VERSION}`,
      kind: 'SecretStore',
      metadata: { name },
      spec: {
        provider: { awsSecretsManager: { region: moto.region } },
        accessPolicy: {
          clusterSelector: { matchLabels: { run: this.runId } },
          namespaces,
          keys: [`${this.keyPrefix}/*`],
        },
        ...overrides,
      },
    };
    await this.state.putStore(store);
    return store;
  }

  /** Secrets Manager API calls the providers made (e.g. "BatchGetSecretValue"), over the wire. */
  providerApiCalls(command: string): number {
    return this.#providerCounts.reduce((n, c) => n + c.count(command), 0);
  }

  key(name: string): string {
    return `${this.keyPrefix}/${name}`;
  }

  /** Creates or updates a secret in moto; returns its new version id. */
  async putValue(name: string, value: string | Record<string, unknown>): Promise<string> {
    const SecretString = typeof value === 'string' ? value : JSON.stringify(value);
    const id = this.key(name);
    if (!this.#created.has(id)) {
      this.#created.add(id);
      const out = await this.sm.send(new CreateSecretCommand({ Name: id, SecretString }));
      return out.VersionId ?? '';
    }
    const out = await this.sm.send(new PutSecretValueCommand({ SecretId: id, SecretString }));
    return out.VersionId ?? '';
  }

  async deleteValue(name: string): Promise<void> {
    const id = this.key(name);
    await this.sm.send(new DeleteSecretCommand({ SecretId: id, ForceDeleteWithoutRecovery: true }));
    this.#created.delete(id);
  }

  deps(overrides: Partial<ReconcileDeps> = {}): ReconcileDeps {
    return {
      state: this.state,
      clusters: this.clusters,
      providers: this.providers,
      clock: this.clock,
      hmacKey: this.hmacKey,
      logger: capturingLogger(this.logs),
      ...overrides,
    };
  }

  /**
   * Registers a cluster. `namespaced`: the shared limited user, bound in the given namespaces only
   * (the registration lists them). `cluster-wide`: a ServiceAccount of this file, bound cluster-wide,
   * whose token is kept in Secrets Manager (auth type token).
   */
  async registerCluster(
    cluster: KubeClusterEndpoint,
    access: { mode: 'namespaced'; namespaces: string[]; bound: string[] } | { mode: 'cluster-wide' },
  ): Promise<ClusterRecord> {
    const clusterId = `${cluster.name}-${this.runId}`;
    const now = this.clock.now().toISOString();
    const base = {
      clusterId,
      endpoint: cluster.server,
      caData: cluster.caData,
      labels: { run: this.runId },
      createdAt: now,
      updatedAt: now,
    };
    let record: ClusterRecord;
    if (access.mode === 'namespaced') {
      await bindInNamespaces(
        cluster.adminKubeconfig,
        { kind: 'User', name: cluster.limitedUser },
        access.bound,
      );
      record = {
        ...base,
        auth: { type: 'kubeconfig', path: cluster.limitedKubeconfig },
        namespaces: access.namespaces,
      };
    } else {
      const admin = kubeClientsFor(cluster, 'admin');
      const home = `fleet-secrets-cp-${this.runId}`;
      await adminApply(cluster.adminKubeconfig, [
        { apiVersion: 'v1', kind: 'Namespace', metadata: { name: home } },
      ]);
      const identity = await createServiceAccountIdentity(admin.core, home);
      await bindClusterWide(cluster.adminKubeconfig, identity.subject, admin.rbac);
      const secretId = `fleet-secrets-internal/clusters/${clusterId}/token`;
      await this.sm.send(
        new CreateSecretCommand({ Name: secretId, SecretString: JSON.stringify({ token: identity.token }) }),
      );
      this.#created.add(secretId);
      record = { ...base, auth: { type: 'token', secretId } };
    }
    await this.state.putCluster(record);
    return record;
  }

  async close(): Promise<void> {
    this.clusters.close();
    await Promise.allSettled(
      [...this.#created].map((id) =>
        this.sm.send(new DeleteSecretCommand({ SecretId: id, ForceDeleteWithoutRecovery: true })),
      ),
    );
    this.sm.destroy();
    this.#sts.destroy();
  }
}

export interface DesireOptions {
  clusterId: string;
  cluster: KubeClusterEndpoint;
  namespace: string;
  name: string;
  spec: ExternalSecretSpec;
  /** ExternalSecret (default): created in the cluster, then snapshotted; central kinds only snapshotted. */
  kind?: SourceKind;
  /** Central kinds: bump it to store a changed spec. */
  generation?: number;
}

/** What ingest does: the object exists (in-cluster ExternalSecrets are created for real), its snapshot is stored. */
export async function desire(state: StateStore, options: DesireOptions): Promise<DesiredSnapshot> {
  const kind = options.kind ?? 'ExternalSecret';
  let source: DesiredSnapshot['source'] = {
    kind,
    name: options.name,
    namespace: options.namespace,
    generation: options.generation ?? 1,
  };
  if (kind === 'ExternalSecret') {
    const { custom } = kubeClientsFor(options.cluster, 'admin');
    const body = {
      apiVersion: `${API_GROUP}/${API_VERSION}`,
      kind: 'ExternalSecret',
      metadata: { name: options.name, namespace: options.namespace },
      spec: options.spec,
    };
    let live: KubernetesObject & { metadata: { generation?: number } };
    try {
      live = await custom.createNamespacedCustomObject({
        group: API_GROUP,
        version: API_VERSION,
        namespace: options.namespace,
        plural: 'externalsecrets',
        body,
      });
    } catch (error) {
      if ((error as { code?: number }).code !== 409) throw error;
      const current = await custom.getNamespacedCustomObject({
        group: API_GROUP,
        version: API_VERSION,
        namespace: options.namespace,
        plural: 'externalsecrets',
        name: options.name,
      });
      live = await custom.replaceNamespacedCustomObject({
        group: API_GROUP,
        version: API_VERSION,
        namespace: options.namespace,
        plural: 'externalsecrets',
        name: options.name,
        body: { ...body, metadata: { ...body.metadata, resourceVersion: current.metadata.resourceVersion } },
      });
    }
    source = {
      kind,
      name: options.name,
      namespace: options.namespace,
      uid: live.metadata?.uid,
      generation: live.metadata.generation ?? 1,
      resourceVersion: live.metadata?.resourceVersion,
    };
  }
  const snapshot: DesiredSnapshot = {
    clusterId: options.clusterId,
    namespace: options.namespace,
    name: options.name,
    source,
    spec: options.spec,
    refs: planReads(options.spec).refs,
    updatedAt: new Date().toISOString(),
  };
  await state.putSnapshot(snapshot);
  return snapshot;
}
