/**
 * fleet-secrets beside External Secrets Operator, measured in one run on the same kube-apiservers
 * and the same moto (BENCH_ONLY=eso, `npm run bench:eso`). ESO runs one controller per cluster, as
 * deployed, out of cluster with the admin kubeconfig; it is counted with its own /metrics, scraped
 * before and after each scenario. fleet-secrets runs its real handler cores in this process
 * (bench/lib/bench-plane.ts) and is counted by its SDK and Kubernetes wire counters.
 *
 * Scenarios: (a) rotation -> every dependent Secret visible; (b) provider calls per hour and (c)
 * apiserver requests per hour in steady state for C clusters x M ExternalSecrets over K keys; (d)
 * the in-cluster footprint; (e) initial sync of M and of a larger set (one more cluster).
 *
 * Knobs (environment): BENCH_ESO_CLUSTERS (3), BENCH_ESO_OBJECTS (50), BENCH_ESO_KEYS (10),
 * BENCH_ESO_LARGE (500), BENCH_ESO_WINDOW_MINUTES (3), BENCH_ESO_ROTATIONS (4),
 * BENCH_ESO_OURS_ROTATIONS (5).
 */
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { V1Secret } from '@kubernetes/client-node';
import { kubeClientsFor } from '../infra-tests/helpers/kube.js';
import { adminApply } from '../infra-tests/helpers/kube-test-support.js';
import type { KubeClusterEndpoint } from '../infra-tests/peers/types.js';
import type { ExternalSecretSpec } from '../shared/domain/schema.js';
import { diffCounts, type RequestCounts } from '../shared/lib/request-counter.js';
import { PRICES } from './cost-model.js';
import type { BenchPlane } from './lib/bench-plane.js';
import {
  applyEsoCrds,
  ESO_FLAGS,
  type EsoController,
  type EsoInstall,
  startEsoController,
} from './lib/eso-controller.js';
import { type EsoMetricsDelta, esoDelta } from './lib/eso-metrics.js';
import { createExternalSecrets, ensureNamespaces, readSecretField } from './lib/kube-objects.js';
import type { Sample } from './lib/prometheus.js';
import { inParallel, roundSpread, type Spread, spreadOf } from './lib/stats.js';
import { type RotationSizeResult, runRotationBenchmark } from './rotation.js';

const FIELD = 'value';
const NS_ESO = 'bench-eso';
const NS_OURS = 'bench-eso-ours';
const ESO_GROUP = 'external-secrets.io';
const ESO_VERSION = 'v1';
const HOUR = 3_600_000;

export interface EsoOptions {
  clusters: number;
  objects: number;
  keys: number;
  large: number;
  windowMinutes: number;
  rotations: number;
  oursRotations: number;
}

export function esoOptionsFromEnv(env: NodeJS.ProcessEnv = process.env): EsoOptions {
  const n = (name: string, fallback: number) => {
    const value = Number(env[name] ?? fallback);
    if (!Number.isFinite(value) || value <= 0) throw new Error(`${name} must be a positive number`);
    return value;
  };
  return {
    clusters: n('BENCH_ESO_CLUSTERS', 3),
    objects: n('BENCH_ESO_OBJECTS', 50),
    keys: n('BENCH_ESO_KEYS', 10),
    large: n('BENCH_ESO_LARGE', 500),
    windowMinutes: n('BENCH_ESO_WINDOW_MINUTES', 3),
    rotations: n('BENCH_ESO_ROTATIONS', 4),
    oursRotations: n('BENCH_ESO_OURS_ROTATIONS', 5),
  };
}

export interface InitialSyncRow {
  objects: number;
  /** First create -> last Secret visible (watch), same creation loop on both sides. */
  oursMs: number | undefined;
  esoMs: number | undefined;
  esoProviderCalls: number;
  esoApiserverRequests: number;
  oursProviderCalls: number;
  oursApiserverRequests: number;
  esoRssMiB: number;
  /** First create -> last create returned: the floor both times share. */
  oursCreateMs?: number;
  esoCreateMs?: number;
}

export interface OursHour {
  refreshPass: {
    invocations: number;
    batchGetSecretValue: number;
    apiserverPerCluster: RequestCounts;
    ms: number[];
  };
  driftPass: {
    invocations: number;
    batchGetSecretValue: number;
    apiserverPerCluster: RequestCounts;
    ms: number[];
  };
  sweepMs: number;
  driftChecksPerHour: number;
  providerCallsPerHour: number;
  apiserverRequestsPerHourPerCluster: number;
  lambda: { invocationsPerHour: number; gbSecondsPerHour: number; usdPerHour: number };
}

export interface EsoComparison {
  /** When and where this section was measured (a BENCH_MERGE run keeps the page's other dates). */
  measuredAt?: string;
  commit?: string;
  loadAverage?: number[];
  version: string;
  build: { seconds: number; cached: boolean };
  flags: string[];
  environment: string[];
  options: EsoOptions;
  refreshInterval: string;
  rotation: {
    ours: RotationSizeResult;
    eso: {
      secretsPerRotation: number;
      rotations: number;
      visibleMs: Spread;
      firstSecretMs: Spread;
      timeouts: number;
      readBackMismatches: number;
    };
  };
  steady: {
    windowMs: number;
    perCluster: EsoMetricsDelta[];
    ours: OursHour;
  };
  initialSync: InitialSyncRow[];
  watcher: { rssMiB: number; objects: number; source: string } | undefined;
  seconds: number;
}

/** Secrets Manager price of n API calls. */
export function secretsManagerUsd(calls: number): number {
  return (calls / 10_000) * PRICES.secretsManagerPer10kApiCalls;
}

/** Lambda price of invocations of the given durations at the given memory size. */
export function lambdaUsd(durationsMs: number[], memoryMb: number): { gbSeconds: number; usd: number } {
  const gbSeconds = durationsMs.reduce((s, ms) => s + (ms / 1000) * (memoryMb / 1024), 0);
  return {
    gbSeconds,
    usd:
      gbSeconds * PRICES.lambdaGbSecondArm64 + (durationsMs.length / 1e6) * PRICES.lambdaRequestsPerMillion,
  };
}

/**
 * Watches every Secret of a namespace in several clusters (no label selector: ESO's and ours alike)
 * and resolves each waiter when every Secret it expects shows its expected value. Waiters may overlap.
 */
class ValueWatch {
  readonly #aborts: AbortController[] = [];
  readonly #latest = new Map<string, string | undefined>();
  readonly #waiters = new Set<{
    pending: Map<string, string>;
    first?: number;
    done: (at: { first: number; last: number }) => void;
  }>();
  restarts = 0;

  static async start(clusters: KubeClusterEndpoint[], namespace: string): Promise<ValueWatch> {
    const w = new ValueWatch();
    await Promise.all(clusters.map((c) => w.#watch(c, namespace)));
    return w;
  }

  async #watch(cluster: KubeClusterEndpoint, namespace: string): Promise<void> {
    const { watch } = kubeClientsFor(cluster, 'admin');
    const abort = await watch.watch(
      `/api/v1/namespaces/${namespace}/secrets`,
      {},
      (_phase: string, secret: V1Secret) => {
        const b64 = secret.data?.[FIELD];
        this.#seen(
          `${cluster.name}/${secret.metadata?.name ?? ''}`,
          b64 === undefined ? undefined : Buffer.from(b64, 'base64').toString('utf8'),
        );
      },
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

  #seen(key: string, value: string | undefined): void {
    this.#latest.set(key, value);
    const now = performance.now();
    for (const waiter of this.#waiters) {
      if (waiter.pending.get(key) !== value) continue;
      waiter.pending.delete(key);
      waiter.first ??= now;
      if (waiter.pending.size === 0) waiter.done({ first: waiter.first, last: now });
    }
  }

  /** Resolves with performance.now() of the first and the last expected value seen; undefined on timeout. */
  expect(targets: Array<{ cluster: string; name: string; value: string }>, timeoutMs: number) {
    return new Promise<{ first: number; last: number } | undefined>((resolve) => {
      const waiter = {
        pending: new Map(targets.map((t) => [`${t.cluster}/${t.name}`, t.value])),
        first: undefined as number | undefined,
        done: (at: { first: number; last: number }) => {
          clearTimeout(timer);
          this.#waiters.delete(waiter);
          resolve(at);
        },
      };
      const timer = setTimeout(() => {
        this.#waiters.delete(waiter);
        resolve(undefined);
      }, timeoutMs);
      this.#waiters.add(waiter);
    });
  }

  stop(): void {
    for (const abort of this.#aborts.splice(0)) abort.abort();
  }
}

async function esoStore(cluster: KubeClusterEndpoint, namespace: string, region: string): Promise<void> {
  await ensureNamespaces(cluster, [namespace]);
  await adminApply(cluster.adminKubeconfig, [
    {
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: { name: 'eso-aws-credentials', namespace },
      stringData: { 'access-key': 'testing', 'secret-key': 'testing' },
    },
    {
      apiVersion: `${ESO_GROUP}/${ESO_VERSION}`,
      kind: 'SecretStore',
      metadata: { name: 'moto', namespace },
      spec: {
        provider: {
          aws: {
            service: 'SecretsManager',
            region,
            auth: {
              secretRef: {
                accessKeyIDSecretRef: { name: 'eso-aws-credentials', key: 'access-key' },
                secretAccessKeySecretRef: { name: 'eso-aws-credentials', key: 'secret-key' },
              },
            },
          },
        },
      },
    },
  ]);
}

async function waitStoreReady(cluster: KubeClusterEndpoint, namespace: string, timeoutMs = 120_000) {
  const { custom } = kubeClientsFor(cluster, 'admin');
  const deadline = Date.now() + timeoutMs;
  let last = 'no status';
  while (Date.now() < deadline) {
    const store = (await custom.getNamespacedCustomObject({
      group: ESO_GROUP,
      version: ESO_VERSION,
      namespace,
      plural: 'secretstores',
      name: 'moto',
    })) as { status?: { conditions?: Array<{ type: string; status: string; message?: string }> } };
    const ready = store.status?.conditions?.find((c) => c.type === 'Ready');
    if (ready?.status === 'True') return;
    last = ready?.message ?? last;
    await new Promise((r) => setTimeout(r, 500));
  }
  throw new Error(`ESO SecretStore in ${cluster.name}/${namespace} not Ready: ${last}`);
}

async function createEsoExternalSecrets(
  cluster: KubeClusterEndpoint,
  namespace: string,
  objects: Array<{ name: string; key: string }>,
  refreshInterval: string,
): Promise<void> {
  const { custom } = kubeClientsFor(cluster, 'admin');
  await inParallel(objects.length, 4, async (i) => {
    const { name, key } = objects[i] as { name: string; key: string };
    await custom.createNamespacedCustomObject({
      group: ESO_GROUP,
      version: ESO_VERSION,
      namespace,
      plural: 'externalsecrets',
      body: {
        apiVersion: `${ESO_GROUP}/${ESO_VERSION}`,
        kind: 'ExternalSecret',
        metadata: { name, namespace },
        spec: {
          refreshInterval,
          secretStoreRef: { name: 'moto', kind: 'SecretStore' },
          target: { name, creationPolicy: 'Owner' },
          data: [{ secretKey: FIELD, remoteRef: { key } }],
        },
      },
    });
  });
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const round = (x: number | undefined) => (x === undefined ? undefined : Math.round(x));

export interface EsoDeps {
  install: EsoInstall;
  /** C + 1 clusters: the first C run the steady state, the last the large initial sync. */
  endpoints: KubeClusterEndpoint[];
  moto: { url: string; region: string };
  runDir: string;
  /** Fresh planes (DynamoDB Local): one for the rotation path, one for the steady set, one for the large set. */
  newPlane: (name: string) => Promise<BenchPlane>;
  watcherResults: string;
}

export async function runEsoComparison(
  deps: EsoDeps,
  options: EsoOptions,
  log: (line: string) => void,
): Promise<EsoComparison> {
  const started = performance.now();
  const { install, moto } = deps;
  const C = options.clusters;
  const steadyClusters = deps.endpoints.slice(0, C);
  const largeCluster = deps.endpoints[C];
  if (steadyClusters.length < C || !largeCluster)
    throw new Error(`the ESO comparison needs ${C + 1} clusters`);
  const all = [...steadyClusters, largeCluster];

  await Promise.all(all.map((c) => applyEsoCrds(c, install.crds)));
  log(`eso: CRDs of ${install.version} applied server-side on ${all.length} clusters`);

  // One set of values for ESO, another for fleet-secrets: a rotation of one is not seen by the other.
  const setup = await deps.newPlane('eso-values');
  const esoKey = (k: number) => setup.key(`eso-k${k}`);
  const esoValues: string[] = [];
  for (let k = 0; k < options.keys; k++) {
    esoValues[k] = `eso-initial-${k}`;
    await setup.putValue(`eso-k${k}`, esoValues[k] as string);
  }
  const largeKey = (i: number) => i % options.keys;

  // --- fleet-secrets: (a) the rotation path on the steady clusters -----------------------------------
  const rotationPlane = await deps.newPlane('eso-rot');
  const rotationClusters = [];
  for (const endpoint of steadyClusters) {
    await rotationPlane.registerKubeCluster(endpoint, endpoint.name);
    rotationClusters.push({ endpoint, clusterId: endpoint.name });
  }
  const perKey = Math.max(1, Math.round(options.objects / options.keys));
  const oursRotation = await runRotationBenchmark(
    rotationPlane,
    rotationClusters,
    { sizes: [C], keys: 4, perKey, rotations: () => options.oursRotations, timeoutMs: 60_000 },
    log,
  );

  // --- fleet-secrets: (e) initial sync, then (b)/(c) one hour of steady state -------------------------
  const ours = await deps.newPlane('eso-ours');
  for (const endpoint of steadyClusters) await ours.registerKubeCluster(endpoint, endpoint.name);
  const large = await deps.newPlane('eso-ours-large');
  await large.registerKubeCluster(largeCluster, largeCluster.name);
  const oursValues: string[] = [];
  for (let k = 0; k < options.keys; k++) {
    oursValues[k] = `ours-initial-${k}`;
    await ours.putValue(`k${k}`, oursValues[k] as string);
    await large.putValue(`k${k}`, oursValues[k] as string);
  }
  const oursSpec = (plane: BenchPlane, k: number): ExternalSecretSpec => ({
    secretStoreRef: { name: plane.storeName },
    refreshInterval: '1h',
    data: [{ secretKey: FIELD, remoteRef: { key: plane.key(`k${k}`) } }],
  });
  const oursInitial = async (plane: BenchPlane, endpoint: KubeClusterEndpoint, count: number) => {
    await ensureNamespaces(endpoint, [NS_OURS]);
    const watch = await ValueWatch.start([endpoint], NS_OURS);
    const kube = plane.kube;
    if (!kube) throw new Error('real clusters expected');
    const wireBefore = kube.requestCounter(endpoint.name).snapshot();
    const callsBefore = plane.providerCalls().BatchGetSecretValue ?? 0;
    const seen = watch.expect(
      Array.from({ length: count }, (_, i) => ({
        cluster: endpoint.name,
        name: `ours-${i}`,
        value: oursValues[largeKey(i)] as string,
      })),
      300_000,
    );
    const t0 = performance.now();
    const notices = await createExternalSecrets(
      endpoint,
      NS_OURS,
      Array.from({ length: count }, (_, i) => ({ name: `ours-${i}`, spec: oursSpec(plane, largeKey(i)) })),
      4,
    );
    const created = performance.now() - t0;
    await plane.ingest(endpoint.name, notices);
    await plane.drain();
    const at = await seen;
    watch.stop();
    const wire = diffCounts(wireBefore, kube.requestCounter(endpoint.name).snapshot());
    return {
      ms: at ? at.last - t0 : undefined,
      created,
      providerCalls: (plane.providerCalls().BatchGetSecretValue ?? 0) - callsBefore,
      apiserver: wire.reads + wire.writes,
    };
  };
  const oursSmall = await oursInitial(ours, steadyClusters[0] as KubeClusterEndpoint, options.objects);
  log(`eso: fleet-secrets initial sync of ${options.objects}: ${round(oursSmall.ms)} ms`);
  await Promise.all(steadyClusters.slice(1).map((c) => oursInitial(ours, c, options.objects)));
  const oursLarge = await oursInitial(large, largeCluster, options.large);
  log(`eso: fleet-secrets initial sync of ${options.large}: ${round(oursLarge.ms)} ms`);

  const kube = ours.kube;
  if (!kube) throw new Error('real clusters expected');
  const pass = async (advanceMs: number) => {
    ours.clock.advance(advanceMs);
    const wireBefore = steadyClusters.map((c) => kube.requestCounter(c.name).snapshot());
    const callsBefore = ours.providerCalls().BatchGetSecretValue ?? 0;
    const runsBefore = ours.runs.length;
    const t0 = performance.now();
    await ours.sweep();
    const sweepMs = performance.now() - t0;
    await ours.drain();
    const runs = ours.runs.slice(runsBefore);
    const wire = steadyClusters.map((c, i) =>
      diffCounts(wireBefore[i] as RequestCounts, kube.requestCounter(c.name).snapshot()),
    );
    return {
      invocations: runs.length,
      batchGetSecretValue: (ours.providerCalls().BatchGetSecretValue ?? 0) - callsBefore,
      apiserverPerCluster: wire[0] as RequestCounts,
      ms: runs.map((r) => Math.round(r.ms)),
      sweepMs,
    };
  };
  // Every object due (refreshInterval 1h, two hours on) and every cluster's drift check due with it;
  // then 6 minutes on: only the drift checks (every 5 minutes, functions/lib/compose.ts).
  const refreshPass = await pass(2 * HOUR);
  const driftPass = await pass(6 * 60_000);
  const driftChecksPerHour = 12;
  const reconcileMs = [
    ...refreshPass.ms,
    ...Array.from({ length: driftChecksPerHour - 1 }, () => driftPass.ms).flat(),
  ];
  const sweepMs = Math.round((refreshPass.sweepMs + driftPass.sweepMs) / 2);
  const reconcileCost = lambdaUsd(reconcileMs, 1024);
  const sweepCost = lambdaUsd(
    Array.from({ length: 60 }, () => sweepMs),
    512,
  );
  const total = (c: RequestCounts) => c.reads + c.writes;
  const oursHour: OursHour = {
    refreshPass: { ...refreshPass },
    driftPass: { ...driftPass },
    sweepMs,
    driftChecksPerHour,
    providerCallsPerHour:
      refreshPass.batchGetSecretValue + (driftChecksPerHour - 1) * driftPass.batchGetSecretValue,
    apiserverRequestsPerHourPerCluster:
      total(refreshPass.apiserverPerCluster) +
      (driftChecksPerHour - 1) * total(driftPass.apiserverPerCluster),
    lambda: {
      invocationsPerHour: reconcileMs.length + 60,
      gbSecondsPerHour: reconcileCost.gbSeconds + sweepCost.gbSeconds,
      usdPerHour: reconcileCost.usd + sweepCost.usd,
    },
  };
  log(
    `eso: fleet-secrets hour: ${oursHour.providerCallsPerHour} provider calls, ${oursHour.apiserverRequestsPerHourPerCluster} apiserver requests per cluster`,
  );

  // --- ESO: (e) the large initial sync on its own cluster and controller ------------------------------
  const controllers: EsoController[] = [];
  const initialSync: InitialSyncRow[] = [];
  let rotation: EsoComparison['rotation']['eso'] | undefined;
  let perCluster: EsoMetricsDelta[] = [];
  let windowMs = 0;
  try {
    await esoStore(largeCluster, NS_ESO, moto.region);
    const largeController = await startEsoController({
      install,
      cluster: largeCluster,
      moto,
      runDir: deps.runDir,
    });
    controllers.push(largeController);
    await waitStoreReady(largeCluster, NS_ESO);
    const esoInitial = async (
      controller: EsoController,
      endpoint: KubeClusterEndpoint,
      count: number,
      every: string,
    ) => {
      const watch = await ValueWatch.start([endpoint], NS_ESO);
      const seen = watch.expect(
        Array.from({ length: count }, (_, i) => ({
          cluster: endpoint.name,
          name: `eso-${i}`,
          value: esoValues[largeKey(i)] as string,
        })),
        300_000,
      );
      const before = await controller.scrape();
      const t0 = performance.now();
      await createEsoExternalSecrets(
        endpoint,
        NS_ESO,
        Array.from({ length: count }, (_, i) => ({ name: `eso-${i}`, key: esoKey(largeKey(i)) })),
        every,
      );
      const created = performance.now() - t0;
      const at = await seen;
      watch.stop();
      const delta = esoDelta(before, await controller.scrape());
      return { ms: at ? at.last - t0 : undefined, created, delta };
    };
    const esoLarge = await esoInitial(largeController, largeCluster, options.large, '1h');
    log(`eso: ESO initial sync of ${options.large}: ${round(esoLarge.ms)} ms`);
    await largeController.stop();

    // --- ESO: the steady set, one controller per cluster ---------------------------------------------
    const steady = await Promise.all(
      steadyClusters.map(async (cluster) => {
        await esoStore(cluster, NS_ESO, moto.region);
        const c = await startEsoController({ install, cluster, moto, runDir: deps.runDir });
        controllers.push(c);
        await waitStoreReady(cluster, NS_ESO);
        return c;
      }),
    );
    const esoSmall = await esoInitial(
      steady[0] as EsoController,
      steadyClusters[0] as KubeClusterEndpoint,
      options.objects,
      '1m',
    );
    log(`eso: ESO initial sync of ${options.objects}: ${round(esoSmall.ms)} ms`);
    await Promise.all(
      steadyClusters
        .slice(1)
        .map((c, i) => esoInitial(steady[i + 1] as EsoController, c, options.objects, '1m')),
    );
    initialSync.push(
      {
        objects: options.objects,
        oursMs: round(oursSmall.ms),
        esoMs: round(esoSmall.ms),
        oursCreateMs: round(oursSmall.created),
        esoCreateMs: round(esoSmall.created),
        esoProviderCalls: esoSmall.delta.providerCalls,
        esoApiserverRequests: esoSmall.delta.apiserverRequests,
        oursProviderCalls: oursSmall.providerCalls,
        oursApiserverRequests: oursSmall.apiserver,
        esoRssMiB: esoSmall.delta.rssMiB,
      },
      {
        objects: options.large,
        oursMs: round(oursLarge.ms),
        esoMs: round(esoLarge.ms),
        oursCreateMs: round(oursLarge.created),
        esoCreateMs: round(esoLarge.created),
        esoProviderCalls: esoLarge.delta.providerCalls,
        esoApiserverRequests: esoLarge.delta.apiserverRequests,
        oursProviderCalls: oursLarge.providerCalls,
        oursApiserverRequests: oursLarge.apiserver,
        esoRssMiB: esoLarge.delta.rssMiB,
      },
    );

    // --- ESO: (b)/(c)/(d) a steady window at refreshInterval 1m, with (a) rotations inside it --------
    const watch = await ValueWatch.start(steadyClusters, NS_ESO);
    await sleep(5_000);
    const before = await Promise.all(steady.map((c) => c.scrape()));
    const t0 = performance.now();
    windowMs = options.windowMinutes * 60_000;
    // Rotations at random moments (ESO keeps each object's refresh phase), each of its own key, so
    // that each one's dependents (M/K per cluster) are timed on their own.
    const rotations = Math.min(options.rotations, options.keys);
    const latest = Math.max(0, windowMs - 75_000);
    const timed = Array.from({ length: rotations }, async (_, r) => {
      await sleep(Math.random() * latest);
      const k = r;
      const value = `eso-rotated-${r}-${randomBytes(6).toString('hex')}`;
      const dependents = steadyClusters.flatMap((c) =>
        Array.from({ length: options.objects }, (_, i) => i)
          .filter((i) => largeKey(i) === k)
          .map((i) => ({ cluster: c.name, name: `eso-${i}`, value })),
      );
      const seen = watch.expect(dependents, 150_000);
      const at0 = performance.now();
      await setup.putValue(`eso-k${k}`, value);
      esoValues[k] = value;
      const at = await seen;
      let mismatches = 0;
      for (const c of steadyClusters) {
        const { core } = kubeClientsFor(c, 'admin');
        for (const d of dependents.filter((x) => x.cluster === c.name))
          if ((await readSecretField(core, NS_ESO, d.name, FIELD)) !== value) mismatches++;
      }
      return {
        at: at ? { first: at.first - at0, last: at.last - at0 } : undefined,
        count: dependents.length,
        mismatches,
      };
    });
    await sleep(windowMs);
    const after = await Promise.all(steady.map((c) => c.scrape()));
    windowMs = performance.now() - t0;
    perCluster = steady.map((_, i) => esoDelta(before[i] as Sample[], after[i] as Sample[]));
    const outcomes = await Promise.all(timed);
    watch.stop();
    rotation = {
      secretsPerRotation: outcomes[0]?.count ?? 0,
      rotations: outcomes.length,
      visibleMs: roundSpread(spreadOf(outcomes.flatMap((o) => (o.at ? [o.at.last] : [])))),
      firstSecretMs: roundSpread(spreadOf(outcomes.flatMap((o) => (o.at ? [o.at.first] : [])))),
      timeouts: outcomes.filter((o) => !o.at).length,
      readBackMismatches: outcomes.reduce((s, o) => s + o.mismatches, 0),
    };
    log(
      `eso: ESO window ${Math.round(windowMs / 1000)} s: ${perCluster.map((p) => `${p.providerCalls} provider calls / ${p.apiserverRequests} apiserver requests`).join(', ')}; rotation visible p50 ${rotation.visibleMs.p50} ms`,
    );
  } finally {
    await Promise.allSettled(controllers.map((c) => c.stop()));
  }

  let watcher: EsoComparison['watcher'];
  try {
    const w = JSON.parse(readFileSync(deps.watcherResults, 'utf8')) as {
      watchedObjects: number;
      date: string;
      settledAfterwards: { rssMiB: { median: number } };
    };
    watcher = {
      rssMiB: w.settledAfterwards.rssMiB.median,
      objects: w.watchedObjects,
      source: `bench/watcher-memory-results.json (${w.date.slice(0, 10)})`,
    };
  } catch {
    watcher = undefined;
  }

  return {
    version: install.version,
    build: { seconds: install.buildSeconds, cached: install.cached },
    flags: [...ESO_FLAGS, '--metrics-addr=127.0.0.1:<free port>'],
    environment: [
      'KUBECONFIG=<admin kubeconfig of the cluster>',
      'AWS_SECRETSMANAGER_ENDPOINT=<moto>',
      'AWS_REGION / AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY=test values',
    ],
    options,
    refreshInterval: '1m',
    rotation: {
      ours: oursRotation.sizes[0] as RotationSizeResult,
      eso: rotation as EsoComparison['rotation']['eso'],
    },
    steady: { windowMs: Math.round(windowMs), perCluster, ours: oursHour },
    initialSync,
    watcher,
    seconds: Math.round((performance.now() - started) / 1000),
  };
}
