/**
 * Benchmarks 2 and 3 on real clusters: N clusters x M ExternalSecrets over K distinct keys.
 * - Provider calls per sweep: ours (one reconcile-cluster invocation per cluster, each with its own
 *   coalescing reader, as separate Lambdas are) beside the in-process shared-reader number and the
 *   per-object count N x M x refs of a per-object controller such as ESO.
 * - Kubernetes requests per cluster per pass, from the adapter's wire counter: nothing changed
 *   (drift check, and a refresh of every object), 10% of the values changed, 10% of the Secrets
 *   edited out of band.
 */
import { randomBytes } from 'node:crypto';
import type { KubeClusterEndpoint } from '../infra-tests/peers/types.js';
import type { ExternalSecretSpec } from '../shared/domain/schema.js';
import { diffCounts, type RequestCounts } from '../shared/lib/request-counter.js';
import { ProviderReader } from '../shared/reconcile/index.js';
import type { ReconcileResult } from '../shared/reconcile/types.js';
import type { BenchPlane } from './lib/bench-plane.js';
import { type DynamoDbUsage, subtractUsage } from './lib/dynamodb-meter.js';
import { createExternalSecrets, editSecrets, ensureNamespaces } from './lib/kube-objects.js';
import { roundSpread, type Spread, spreadOf } from './lib/stats.js';

const NAMESPACE = 'bench-fleet';
const FIELD = 'value';
const HOUR = 3_600_000;

export interface FleetOptions {
  objectsPerCluster: number;
  keys: number;
  /** Share of values changed / Secrets edited in the "changed" passes. */
  changedShare: number;
}

export interface FleetPass {
  name: string;
  what: string;
  reconcileInvocations: number;
  batchGetSecretValue: number;
  getSecretValue: number;
  /** Kubernetes requests of one cluster's pass (wire counter); `alike` says every cluster saw the same. */
  perCluster: RequestCounts;
  alike: boolean;
  synced: number;
  unchanged: number;
  failed: number;
  rendered: number;
  statusWrites: number;
  dynamodb: Record<string, DynamoDbUsage>;
  /** Per invocation, all N running at once on this machine. */
  invocationMs: Spread;
}

export interface FleetResult {
  clusters: number;
  objectsPerCluster: number;
  keys: number;
  refsPerObject: number;
  /** What one sweep costs in provider calls. */
  providerCalls: {
    oursPerInvocation: number;
    oursPerSweep: number;
    sharedReaderPerSweep: number;
    expectedPerInvocation: number;
    perObjectControllerPerRefresh: number;
  };
  initialSync: { objects: number; invocationMs: Spread; objectsPerSecondPerInvocation: Spread };
  passes: FleetPass[];
}

function specFor(plane: BenchPlane, key: string): ExternalSecretSpec {
  return {
    secretStoreRef: { name: plane.storeName },
    refreshInterval: '1h',
    data: [{ secretKey: FIELD, remoteRef: { key: plane.key(key) } }],
  };
}

function totals(results: ReconcileResult[]) {
  const sum = (f: (r: ReconcileResult) => number) => results.reduce((n, r) => n + f(r), 0);
  return {
    synced: sum((r) => r.synced),
    unchanged: sum((r) => r.unchanged),
    failed: sum((r) => r.failed),
    rendered: sum((r) => r.rendered),
    statusWrites: sum((r) => r.statusWrites),
  };
}

export async function runFleetBenchmark(
  plane: BenchPlane,
  clusters: Array<{ endpoint: KubeClusterEndpoint; clusterId: string }>,
  options: FleetOptions,
  log: (line: string) => void,
): Promise<FleetResult> {
  const kube = plane.kube;
  if (!kube) throw new Error('the fleet benchmark needs real clusters');
  const { objectsPerCluster: m, keys } = options;
  const keyName = (k: number) => `fleet-${k}`;
  const esName = (i: number) => `fleet-${i}`;
  for (let k = 0; k < keys; k++)
    await plane.putValue(keyName(k), `v0-${k}-${randomBytes(4).toString('hex')}`);

  // Setup: users create the ExternalSecrets, the watcher's notices reach ingest, the initial sync runs.
  const runsBefore = plane.runs.length;
  await Promise.all(
    clusters.map(async ({ endpoint, clusterId }) => {
      await ensureNamespaces(endpoint, [NAMESPACE]);
      const objects = Array.from({ length: m }, (_, i) => ({
        name: esName(i),
        spec: specFor(plane, keyName(i % keys)),
      }));
      const notices = await createExternalSecrets(endpoint, NAMESPACE, objects, 4);
      await plane.ingest(clusterId, notices);
    }),
  );
  await plane.drain();
  const initialRuns = plane.runs.slice(runsBefore).filter((r) => !r.folded);
  const initialObjects = initialRuns.reduce(
    (n, r) => n + r.passes.reduce((s, p) => s + p.synced + p.unchanged, 0),
    0,
  );
  log(`fleet: ${clusters.length} x ${m} ExternalSecrets synced (${initialObjects} objects)`);

  const passes: FleetPass[] = [];
  const measure = async (
    name: string,
    what: string,
    work: () => Promise<ReconcileResult[] | undefined>,
  ): Promise<FleetPass> => {
    const wireBefore = clusters.map(({ clusterId }) => kube.requestCounter(clusterId).snapshot());
    const callsBefore = plane.providerCalls();
    const ddbBefore = plane.meter.all();
    const runsStart = plane.runs.length;
    const direct = await work();
    await plane.drain();
    const runs = plane.runs.slice(runsStart);
    const results = direct ?? runs.flatMap((r) => r.passes);
    const wire = clusters.map(({ clusterId }, i) =>
      diffCounts(wireBefore[i] as RequestCounts, kube.requestCounter(clusterId).snapshot()),
    );
    const callsAfter = plane.providerCalls();
    const ddbAfter = plane.meter.all();
    const dynamodb: Record<string, DynamoDbUsage> = {};
    for (const [role, usage] of Object.entries(ddbAfter)) {
      const before = ddbBefore[role];
      const delta = before ? subtractUsage(usage, before) : usage;
      if (delta.reads + delta.writes > 0) dynamodb[role] = delta;
    }
    const first = wire[0] as RequestCounts;
    const pass: FleetPass = {
      name,
      what,
      reconcileInvocations: direct ? direct.length : runs.length,
      batchGetSecretValue: (callsAfter.BatchGetSecretValue ?? 0) - (callsBefore.BatchGetSecretValue ?? 0),
      getSecretValue: (callsAfter.GetSecretValue ?? 0) - (callsBefore.GetSecretValue ?? 0),
      perCluster: first,
      alike: wire.every((w) => JSON.stringify(w) === JSON.stringify(first)),
      ...totals(results),
      dynamodb,
      invocationMs: roundSpread(spreadOf(direct ? direct.map((r) => r.durationMs) : runs.map((r) => r.ms))),
    };
    passes.push(pass);
    log(
      `fleet pass "${name}": ${pass.batchGetSecretValue} BatchGetSecretValue, per cluster ${first.reads} reads / ${first.writes} writes ${JSON.stringify(first.byAction)}`,
    );
    return pass;
  };

  // Sweep with every object due (an hour-long refreshInterval, two hours later) and values unchanged.
  plane.clock.advance(2 * HOUR);
  const refresh = await measure(
    'refresh, nothing changed',
    'sweep: every object due, no value changed',
    async () => {
      await plane.sweep();
      return undefined;
    },
  );

  // The same sweep in one process with one reader shared by all clusters: coalescing across clusters.
  plane.clock.advance(2 * HOUR);
  const shared = await measure(
    'refresh, shared reader (in-process only)',
    'every object due; all clusters in one process share one provider reader',
    async () => {
      const reader = new ProviderReader({ factory: plane.providers, context: { clusterId: 'fleet' } });
      return Promise.all(
        clusters.map(({ clusterId }) =>
          plane.reconcileDirect({ clusterId, scope: { kind: 'all' }, reason: 'sweep' }, reader),
        ),
      );
    },
  );

  await measure(
    'drift check, nothing changed',
    'whole-cluster drift check, nothing due or changed',
    async () => {
      await Promise.all(
        clusters.map(({ clusterId }) =>
          plane.invoker.invokeAsync('reconcile-cluster', {
            clusterId,
            scope: { kind: 'all' },
            reason: 'drift-check',
          }),
        ),
      );
      return undefined;
    },
  );

  // 10% of the values change: their ExternalSecrets are rewritten at the next due refresh.
  const changedKeys = Math.max(1, Math.round(keys * options.changedShare));
  for (let k = 0; k < changedKeys; k++)
    await plane.putValue(keyName(k), `v1-${k}-${randomBytes(4).toString('hex')}`);
  plane.clock.advance(2 * HOUR);
  await measure(
    `refresh, ${Math.round(options.changedShare * 100)}% values changed`,
    `sweep: every object due, ${changedKeys} of ${keys} values changed`,
    async () => {
      await plane.sweep();
      return undefined;
    },
  );

  // 10% of the Secrets edited behind the control plane's back: the drift check restores them.
  const edited = Math.max(1, Math.round(m * options.changedShare));
  await Promise.all(
    clusters.map(({ endpoint }) =>
      editSecrets(
        endpoint,
        NAMESPACE,
        Array.from({ length: edited }, (_, i) => esName(Math.floor((i * m) / edited))),
        FIELD,
      ),
    ),
  );
  await measure(
    `drift check, ${Math.round(options.changedShare * 100)}% Secrets edited`,
    `whole-cluster drift check after ${edited} of ${m} Secrets per cluster were edited out of band`,
    async () => {
      await Promise.all(
        clusters.map(({ clusterId }) =>
          plane.invoker.invokeAsync('reconcile-cluster', {
            clusterId,
            scope: { kind: 'all' },
            reason: 'drift-check',
          }),
        ),
      );
      return undefined;
    },
  );

  const n = clusters.length;
  return {
    clusters: n,
    objectsPerCluster: m,
    keys,
    refsPerObject: 1,
    providerCalls: {
      oursPerInvocation: refresh.batchGetSecretValue / Math.max(1, refresh.reconcileInvocations),
      oursPerSweep: refresh.batchGetSecretValue,
      sharedReaderPerSweep: shared.batchGetSecretValue,
      expectedPerInvocation: Math.ceil(keys / 20),
      perObjectControllerPerRefresh: n * m * 1,
    },
    initialSync: {
      objects: initialObjects,
      invocationMs: roundSpread(spreadOf(initialRuns.map((r) => r.ms))),
      objectsPerSecondPerInvocation: roundSpread(
        spreadOf(
          initialRuns.map((r) => (r.passes.reduce((s, p) => s + p.synced + p.unchanged, 0) / r.ms) * 1000),
        ),
        1,
      ),
    },
    passes,
  };
}
