/**
 * The whole control plane in this process, as functions/functions.int.test.ts drives it: the real
 * handler cores (with the Powertools middleware every Lambda has), the DynamoDB state store on
 * DynamoDB Local (or, where a benchmark counts only provider and Kubernetes calls, the in-memory
 * dev-mode store), Secrets Manager in moto behind the real provider factory, and an in-process
 * invoker whose 'reconcile-cluster' target is the reconcile-cluster handler, like Lambda's async
 * invoke. Clusters are real kube-apiservers unless a benchmark passes the scale model's stand-in.
 *
 * Everything a benchmark reports is counted here: DynamoDB requests and capacity units per function
 * (SDK middleware), Secrets Manager calls (SDK middleware), invocations per function, log bytes.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import {
  CreateSecretCommand,
  DescribeSecretCommand,
  PutSecretValueCommand,
  SecretsManagerClient,
} from '@aws-sdk/client-secrets-manager';
import { STSClient } from '@aws-sdk/client-sts';
import type { Context } from 'aws-lambda';
import { createIngestHandler } from '../../functions/ingest/handler.js';
import { type ControlPlane, composeControlPlane } from '../../functions/lib/compose-control-plane.js';
import { withObservability } from '../../functions/lib/middleware.js';
import { createObservability, type Observability } from '../../functions/lib/observability.js';
import { createReconcileClusterHandler } from '../../functions/reconcile-cluster/handler.js';
import { createRotationHandler } from '../../functions/rotation/handler.js';
import { createSweepHandler } from '../../functions/sweep/handler.js';
import { countRequests, type RequestCounts } from '../../infra-tests/helpers/counting-middleware.js';
import type { KubeClusterEndpoint } from '../../infra-tests/peers/types.js';
import { AssumedRoleCredentialCache } from '../../shared/adapters/aws-credentials/index.js';
import { SecretsManagerClients } from '../../shared/adapters/aws-secrets-manager/secrets-manager-clients.js';
import { createStateTable, deleteStateTable } from '../../shared/adapters/dynamodb/create-table.js';
import { DynamoDbStateStore } from '../../shared/adapters/dynamodb/dynamodb-state-store.js';
import { InProcessInvoker } from '../../shared/adapters/in-process/in-process-invoker.js';
import { KubeClusterClientFactory } from '../../shared/adapters/kubernetes/cluster-client-factory.js';
import { LocalStateStore } from '../../shared/adapters/local-state/local-state-store.js';
import { CentralProviderFactory } from '../../shared/adapters/provider-factory.js';
import type { ChangeNotice } from '../../shared/control-plane/ingest.js';
import type { ClusterRecord, ReconcileRequest } from '../../shared/domain/records.js';
import { API_GROUP, API_VERSION, type SecretStore } from '../../shared/domain/schema.js';
import type { Clock } from '../../shared/ports/clock.js';
import type { ClusterClientFactory } from '../../shared/ports/cluster-client.js';
import type { StateStore } from '../../shared/ports/state-store.js';
import { type ProviderReader, reconcileCluster } from '../../shared/reconcile/index.js';
import type { ReconcileResult } from '../../shared/reconcile/types.js';
import { currentRole, type Role, runAs } from './attribution.js';
import { DynamoDbMeter } from './dynamodb-meter.js';
import { registerKubeIdentity } from './kube-objects.js';
import { lambdaContext } from './lambda-context.js';

export const benchCredentials = { accessKeyId: 'testing', secretAccessKey: 'testing' };

/** Real time plus however far a benchmark moved it (to make refreshes and drift checks due). */
export class AdjustableClock implements Clock {
  #offsetMs = 0;
  now(): Date {
    return new Date(Date.now() + this.#offsetMs);
  }
  advance(ms: number): void {
    this.#offsetMs += ms;
  }
}

export interface BenchPlaneOptions {
  moto: { url: string; region: string };
  dynamodb: { url: string; region: string };
  /** Names everything this plane creates: table, store, secret prefix, cluster labels. */
  name: string;
  /** The scale model's stand-in; default: real kube-apiservers through the real client factory. */
  clusters?: ClusterClientFactory;
  /**
   * 'dynamodb' (default): DynamoDB Local, metered. 'memory': the dev-mode LocalStateStore, for
   * benchmarks whose numbers are provider and Kubernetes calls (DynamoDB Local would only slow them).
   */
  store?: 'dynamodb' | 'memory';
}

/** One reconcile-cluster invocation as the benchmark saw it. */
export interface ReconcileRun {
  request: ReconcileRequest;
  ms: number;
  folded: boolean;
  passes: ReconcileResult[];
}

type Handler = (event: unknown, context: Context) => Promise<unknown>;

/** The stack's memory sizes (cdk/constructs/control-plane-functions.ts), for the Lambda context. */
const MEMORY_MB = { rotation: 512, sweep: 512, ingest: 1024, 'reconcile-cluster': 1024 } as const;

export class BenchPlane {
  readonly name: string;
  readonly region: string;
  readonly clock = new AdjustableClock();
  readonly dynamo: DynamoDBClient;
  readonly meter: DynamoDbMeter;
  readonly state: StateStore;
  readonly tableName: string;
  readonly storeKind: 'dynamodb' | 'memory';
  /** Setup only (creating values, tokens); not counted as control-plane calls. */
  readonly sm: SecretsManagerClient;
  readonly kube: KubeClusterClientFactory | undefined;
  readonly clusters: ClusterClientFactory;
  readonly invoker = new InProcessInvoker();
  readonly storeName: string;
  readonly keyPrefix: string;
  readonly providers: CentralProviderFactory;
  readonly plane: ControlPlane;
  readonly invocations: Record<Exclude<Role, 'setup'>, number> = {
    rotation: 0,
    sweep: 0,
    ingest: 0,
    'reconcile-cluster': 0,
  };
  runs: ReconcileRun[] = [];
  readonly #providerCounts: RequestCounts[] = [];
  readonly #tokenCounts: RequestCounts;
  readonly #tokenSm: SecretsManagerClient;
  readonly #sts: STSClient;
  readonly #handlers: Record<Exclude<Role, 'setup'>, Handler>;
  readonly #hmacKey = randomBytes(32);
  readonly #created: string[] = [];

  constructor(options: BenchPlaneOptions) {
    this.name = options.name;
    this.region = options.moto.region;
    this.tableName = `bench-${options.name}`;
    this.storeName = `aws-${options.name}`;
    this.keyPrefix = `bench-${options.name}`;
    this.dynamo = new DynamoDBClient({
      endpoint: options.dynamodb.url,
      region: options.dynamodb.region,
      credentials: benchCredentials,
      // DynamoDB Local on a busy machine can be slow; the benchmark waits rather than fails.
      requestHandler: { requestTimeout: 30_000 },
    });
    this.meter = new DynamoDbMeter({ client: this.dynamo, label: currentRole });
    this.storeKind = options.store ?? 'dynamodb';
    this.state =
      this.storeKind === 'memory'
        ? new LocalStateStore({ clock: this.clock })
        : new DynamoDbStateStore({ client: this.dynamo, tableName: this.tableName, clock: this.clock });
    const smConfig = {
      endpoint: options.moto.url,
      region: options.moto.region,
      credentials: benchCredentials,
    };
    this.sm = new SecretsManagerClient(smConfig);
    this.#tokenSm = new SecretsManagerClient(smConfig);
    this.#tokenCounts = countRequests(this.#tokenSm);
    this.#sts = new STSClient(smConfig);
    this.kube = options.clusters
      ? undefined
      : new KubeClusterClientFactory({
          state: this.state,
          secretsManager: this.#tokenSm,
          requestTimeoutMs: 30_000,
          clock: this.clock,
        });
    this.clusters = options.clusters ?? (this.kube as KubeClusterClientFactory);
    this.providers = new CentralProviderFactory({
      stores: this.state,
      secretsManager: new SecretsManagerClients({
        credentials: new AssumedRoleCredentialCache({ sts: this.#sts }),
        clientConfig: { endpoint: options.moto.url, credentials: benchCredentials },
        instrument: (client) => this.#providerCounts.push(countRequests(client)),
      }),
      credentialSource: async () => 'unused',
    });
    this.plane = composeControlPlane({
      state: this.state,
      providers: this.providers,
      clusters: this.clusters,
      invoker: this.invoker,
      clock: this.clock,
      hmacKey: async () => this.#hmacKey,
      region: this.region,
    });
    const observed = <E, R>(
      role: Exclude<Role, 'setup'>,
      make: (obs: Observability) => (event: E, context: Context) => Promise<R>,
    ): Handler => {
      const obs = createObservability(role);
      const wrapped = withObservability(obs, make(obs));
      return (event, context) => wrapped(event as E, context) as Promise<unknown>;
    };
    this.#handlers = {
      rotation: observed('rotation', (obs) => createRotationHandler(async () => this.plane.rotation, obs)),
      sweep: observed('sweep', (obs) => createSweepHandler(async () => this.plane.sweep, obs)),
      ingest: observed('ingest', (obs) =>
        createIngestHandler(async () => this.plane.ingest, obs, { kind: 'in-process' }),
      ),
      'reconcile-cluster': observed('reconcile-cluster', (obs) =>
        createReconcileClusterHandler(async () => this.plane.reconcileCluster, obs),
      ),
    };
    this.invoker.setTarget('reconcile-cluster', (payload) => this.reconcile(payload));
  }

  async start(): Promise<void> {
    if (this.storeKind === 'dynamodb') await createStateTable(this.dynamo, this.tableName);
  }

  /** Runs one function the way Lambda would: its own attribution, a fresh context, counted. */
  async invoke(role: Exclude<Role, 'setup'>, event: unknown): Promise<unknown> {
    this.invocations[role]++;
    return runAs(role, () => this.#handlers[role](event, lambdaContext(role, MEMORY_MB[role])));
  }

  rotation(event: unknown) {
    return this.invoke('rotation', event) as Promise<{ dependents: number; invocations: unknown[] }>;
  }

  sweep() {
    return this.invoke('sweep', {}) as Promise<{ dueObjects: number; driftChecks: string[] }>;
  }

  ingest(clusterId: string, notices: ChangeNotice[]) {
    return this.invoke('ingest', { clusterId, notices }) as Promise<{ stored: number }>;
  }

  async reconcile(request: ReconcileRequest): Promise<ReconcileRun> {
    const started = performance.now();
    const out = (await this.invoke('reconcile-cluster', request)) as {
      folded: boolean;
      passes?: ReconcileResult[];
    };
    const run: ReconcileRun = {
      request,
      ms: performance.now() - started,
      folded: out.folded,
      passes: out.passes ?? [],
    };
    this.runs.push(run);
    return run;
  }

  /**
   * One pass straight through reconcileCluster (no handler, no lease) with a provider reader the
   * caller may share between clusters: the in-process coalescing that separate Lambdas cannot have.
   */
  reconcileDirect(request: ReconcileRequest, reader?: ProviderReader): Promise<ReconcileResult> {
    return runAs('reconcile-cluster', () =>
      reconcileCluster(
        {
          state: this.state,
          clusters: this.clusters,
          providers: this.providers,
          clock: this.clock,
          hmacKey: this.#hmacKey,
          ...(reader ? { reader } : {}),
        },
        request,
      ),
    );
  }

  /** Runs after every invocation started so far (and what they started) has finished. */
  async drain(): Promise<void> {
    await this.invoker.drain();
    if (this.invoker.failures.length > 0) {
      const first = this.invoker.failures[0]?.error;
      throw new Error(
        `${this.invoker.failures.length} reconcile-cluster invocation(s) failed; first: ${first instanceof Error ? `${first.name}: ${first.message}` : String(first)}`,
      );
    }
  }

  /** Secrets Manager API calls the control plane's providers made, by operation. */
  providerCalls(): Record<string, number> {
    const total: Record<string, number> = {};
    for (const counts of this.#providerCounts) {
      for (const [op, n] of Object.entries(counts.commands)) total[op] = (total[op] ?? 0) + n;
    }
    return total;
  }

  /** Secrets Manager calls made to read cluster tokens (once per cluster per warm container). */
  tokenCalls(): number {
    return this.#tokenCounts.count();
  }

  /** The central store: clusters labelled bench=<name>, every namespace, keys under this plane's prefix. */
  async putStore(): Promise<void> {
    const store: SecretStore = {
      apiVersion: `${API_GROUP}/${API_VERSION}`,
      kind: 'SecretStore',
      metadata: { name: this.storeName },
      spec: {
        provider: { awsSecretsManager: { region: this.region } },
        accessPolicy: {
          clusterSelector: { matchLabels: { bench: this.name } },
          namespaces: ['*'],
          keys: [`${this.keyPrefix}/**`],
        },
      },
    };
    await this.state.putStore(store);
  }

  key(name: string): string {
    return `${this.keyPrefix}/${name}`;
  }

  /** Creates the secret in moto or puts a new version; returns the version id. */
  async putValue(name: string, value: string): Promise<string> {
    const id = this.key(name);
    if (!this.#created.includes(id)) {
      this.#created.push(id);
      const out = await this.sm.send(new CreateSecretCommand({ Name: id, SecretString: value }));
      return out.VersionId ?? '';
    }
    const out = await this.sm.send(new PutSecretValueCommand({ SecretId: id, SecretString: value }));
    return out.VersionId ?? '';
  }

  /** The native "Secret Label Updated" event for a new AWSCURRENT version, from the checked-in fixture. */
  async rotationEvent(name: string, versionId: string): Promise<unknown> {
    const key = this.key(name);
    const described = await this.sm.send(new DescribeSecretCommand({ SecretId: key }));
    const template = JSON.parse(
      readFileSync(
        new URL('../../infra-tests/fixtures/events/secret-label-updated.json', import.meta.url),
        'utf8',
      ),
    );
    return {
      ...template,
      id: randomUUID(),
      region: this.region,
      time: new Date().toISOString(),
      resources: [described.ARN],
      detail: { ...template.detail, name: key, labelUpdated: 'AWSCURRENT', versionId },
    };
  }

  /** Registers a real cluster: a ServiceAccount bound to the control-plane role, its token in moto. */
  async registerKubeCluster(endpoint: KubeClusterEndpoint, clusterId: string): Promise<ClusterRecord> {
    const token = await registerKubeIdentity(endpoint);
    const secretId = `fleet-secrets/clusters/${this.name}/${clusterId}/token`;
    await this.sm.send(new CreateSecretCommand({ Name: secretId, SecretString: JSON.stringify({ token }) }));
    return this.#putCluster({
      clusterId,
      endpoint: endpoint.server,
      caData: endpoint.caData,
      auth: { type: 'token', secretId },
    });
  }

  /** Registers a stand-in cluster (scale model): the stand-in factory ignores endpoint and auth. */
  registerStandInCluster(clusterId: string, extra: Pick<ClusterRecord, 'nextDriftCheckAt'> = {}) {
    return this.#putCluster({
      clusterId,
      endpoint: `https://${clusterId}.stand-in.invalid`,
      auth: { type: 'token', secretId: 'stand-in' },
      ...extra,
    });
  }

  async #putCluster(
    fields: Pick<ClusterRecord, 'clusterId' | 'endpoint' | 'caData' | 'auth' | 'nextDriftCheckAt'>,
  ) {
    const now = this.clock.now().toISOString();
    const record: ClusterRecord = {
      ...fields,
      labels: { bench: this.name },
      createdAt: now,
      updatedAt: now,
    };
    if (record.caData === undefined) delete record.caData;
    if (record.nextDriftCheckAt === undefined) delete record.nextDriftCheckAt;
    await this.state.putCluster(record);
    return record;
  }

  async close(): Promise<void> {
    this.kube?.close();
    if (this.storeKind === 'dynamodb')
      await deleteStateTable(this.dynamo, this.tableName).catch(() => undefined);
    this.dynamo.destroy();
    this.sm.destroy();
    this.#tokenSm.destroy();
    this.#sts.destroy();
  }
}
