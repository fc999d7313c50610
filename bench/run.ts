/**
 * `npm run bench`: starts the project's real peers (10 kube-apiservers on one etcd, moto, DynamoDB
 * Local), runs every benchmark, prints the table and writes docs/benchmarks.md and
 * docs/benchmarks.json. Counts and ratios come first; times are shown with their spread.
 *
 * Knobs (environment): BENCH_ROTATIONS (timed rotations per fleet size, default 10),
 * BENCH_FLEET_OBJECTS (200), BENCH_FLEET_KEYS (50), BENCH_MEMORY_OBJECTS (1000),
 * BENCH_SCALE_CLUSTERS (10), BENCH_SCALE_IDLE (190), BENCH_IMPORT_REPETITIONS (5),
 * BENCH_ONLY (e.g. "rotation,scale": run those only; the report then goes to bench/.out/, not docs/),
 * BENCH_MERGE=1 (with BENCH_ONLY: also merge the sections of this run into docs/benchmarks.json,
 * keeping every other section, and re-render docs/benchmarks.md from it),
 * BENCH_RENDER_ONLY=1 (no run: re-render docs/benchmarks.md from docs/benchmarks.json).
 * The ESO comparison ("eso", bench/eso.ts) has its own knobs, BENCH_ESO_*, listed there.
 */
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { peersFileVariable } from '../infra-tests/helpers/peers.js';
import { startPeers } from '../infra-tests/peers/start-all.js';
import type { KubeClusterEndpoint } from '../infra-tests/peers/types.js';
import { buildBundles, measureBundles } from './cold-start.js';
import {
  clusterDueProbability,
  type ModelAssumptions,
  monthlyModel,
  PRICES,
  type RefreshPhases,
  simulateRefreshPhases,
  spreadPhases,
} from './cost-model.js';
import { esoOptionsFromEnv, runEsoComparison } from './eso.js';
import { runFleetBenchmark } from './fleet-sweep.js';
import { HandlerOutputCapture } from './lib/attribution.js';
import { BenchPlane } from './lib/bench-plane.js';
import { type EsoInstall, ensureEsoBuilt } from './lib/eso-controller.js';
import { StandInClusterFactory } from './lib/stand-in-cluster.js';
import { runMemoryBenchmark } from './reconcile-memory.js';
import { type BenchResults, mergeResults, renderMarkdown, renderSummary } from './report.js';
import { runRotationBenchmark } from './rotation.js';
import { runScaleMeasurements } from './scale-model.js';
import { unitsFrom } from './units.js';

const root = fileURLToPath(new URL('..', import.meta.url));
const started = performance.now();
const elapsed = () => `${((performance.now() - started) / 1000).toFixed(0).padStart(4)} s`;
const log = (line: string) => console.log(`[bench ${elapsed()}] ${line}`);

const num = (name: string, fallback: number) => {
  const value = Number(process.env[name] ?? fallback);
  if (!Number.isFinite(value) || value <= 0) throw new Error(`${name} must be a positive number`);
  return value;
};
const settings = {
  rotations: num('BENCH_ROTATIONS', 10),
  fleetObjects: num('BENCH_FLEET_OBJECTS', 200),
  fleetKeys: num('BENCH_FLEET_KEYS', 50),
  memoryObjects: num('BENCH_MEMORY_OBJECTS', 1000),
  scaleClusters: num('BENCH_SCALE_CLUSTERS', 10),
  scaleIdle: num('BENCH_SCALE_IDLE', 190),
  importRepetitions: num('BENCH_IMPORT_REPETITIONS', 5),
};
const only = process.env.BENCH_ONLY?.split(',').map((s) => s.trim());

// BENCH_RENDER_ONLY=1: rewrite docs/benchmarks.md from docs/benchmarks.json (after editing report.ts).
if (process.env.BENCH_RENDER_ONLY) {
  const saved = JSON.parse(readFileSync(join(root, 'docs', 'benchmarks.json'), 'utf8')) as BenchResults;
  writeFileSync(join(root, 'docs', 'benchmarks.md'), renderMarkdown(saved));
  log('rendered docs/benchmarks.md from docs/benchmarks.json');
  process.exit(0);
}
const enabled = (section: string) => !only || only.includes(section);

const runId = randomBytes(3).toString('hex');
const results: BenchResults = {
  generatedAt: new Date().toISOString(),
  environment: {
    node: process.version,
    cpus: cpus().length,
    cpuModel: cpus()[0]?.model ?? 'unknown',
    memoryGiB: Math.round(totalmem() / 2 ** 30),
    loadAverageAtStart: loadavg().map((x) => Math.round(x * 10) / 10),
    commit: spawnSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: root, encoding: 'utf8' }).stdout.trim(),
  },
  settings,
};

const bundleDir = mkdtempSync(join(tmpdir(), 'fleet-secrets-bench-bundles-'));
const capture = new HandlerOutputCapture();
const planes: BenchPlane[] = [];

const esoOptions = enabled('eso') ? esoOptionsFromEnv() : undefined;
// ESO is a peer of this benchmark only: built into the shared cache (or reused) before the peers start.
const esoInstall: EsoInstall | undefined = esoOptions ? ensureEsoBuilt(log) : undefined;
// Only the ESO comparison: its C steady clusters and one for the large initial sync.
const kubeCount = only?.every((s) => s === 'eso') && esoOptions ? esoOptions.clusters + 1 : 10;
log(
  `starting peers (${kubeCount} kube-apiservers on one etcd, moto, DynamoDB Local) and building the bundles`,
);
const [peers] = await Promise.all([
  startPeers({ kubeClusters: kubeCount, only: ['kube', 'moto', 'dynamodb'] }),
  enabled('cold-start') || enabled('memory') ? buildBundles(bundleDir) : Promise.resolve(),
]);
process.env[peersFileVariable] = peers.endpointsFile;
const moto = peers.endpoints.moto as { url: string; region: string };
const dynamodb = peers.endpoints.dynamodb as { url: string; region: string };
const kubeClusters = (peers.endpoints.kube?.clusters ?? []) as KubeClusterEndpoint[];
log(`peers up: ${kubeClusters.length} clusters`);

async function newPlane(
  name: string,
  options: { clusters?: StandInClusterFactory; store?: 'dynamodb' | 'memory' } = {},
): Promise<BenchPlane> {
  const plane = new BenchPlane({ moto, dynamodb, name: `${name}-${runId}`, ...options });
  planes.push(plane);
  await plane.start();
  await plane.putStore();
  return plane;
}

async function registerAll(plane: BenchPlane, endpoints: KubeClusterEndpoint[]) {
  return Promise.all(
    endpoints.map(async (endpoint) => {
      await plane.registerKubeCluster(endpoint, endpoint.name);
      return { endpoint, clusterId: endpoint.name };
    }),
  );
}

capture.start();
try {
  if (esoOptions && esoInstall) {
    if (kubeClusters.length < esoOptions.clusters + 1)
      throw new Error(`BENCH_ESO_CLUSTERS=${esoOptions.clusters} needs ${esoOptions.clusters + 1} clusters`);
    const comparison = await runEsoComparison(
      {
        install: esoInstall,
        endpoints: kubeClusters.slice(-(esoOptions.clusters + 1)),
        moto,
        runDir: peers.runDir,
        newPlane: (name) => newPlane(name),
        watcherResults: join(root, 'bench', 'watcher-memory-results.json'),
      },
      esoOptions,
      log,
    );
    results.eso = {
      ...comparison,
      measuredAt: results.generatedAt,
      commit: results.environment.commit,
      loadAverage: loadavg().map((x) => Math.round(x * 10) / 10),
    };
  }

  if (enabled('cold-start')) {
    results.bundles = measureBundles(bundleDir, settings.importRepetitions);
    log(
      `bundles measured: ${results.bundles.map((b) => `${b.name} ${(b.bytes / 1024).toFixed(0)} KiB`).join(', ')}`,
    );
  }

  if (enabled('rotation')) {
    const plane = await newPlane('rotation');
    const clusters = await registerAll(plane, kubeClusters);
    results.rotation = await runRotationBenchmark(
      plane,
      clusters,
      {
        sizes: [1, 3, 10].filter((n) => n <= clusters.length),
        keys: 4,
        perKey: 5,
        rotations: () => settings.rotations,
        timeoutMs: 60_000,
      },
      log,
    );
  }

  if (enabled('fleet')) {
    // Counts of provider and Kubernetes calls do not depend on the state store; DynamoDB Local would
    // only make this the slowest part of the run (the scale model measures DynamoDB per pass).
    const plane = await newPlane('fleet', { store: 'memory' });
    const clusters = await registerAll(plane, kubeClusters);
    results.fleet = await runFleetBenchmark(
      plane,
      clusters,
      { objectsPerCluster: settings.fleetObjects, keys: settings.fleetKeys, changedShare: 0.1 },
      log,
    );
  }

  if (enabled('memory')) {
    const plane = await newPlane('memory');
    // A cluster of its own, so the LIST sees exactly this benchmark's Secrets.
    const added = await peers.kube?.addCluster('cluster-memory');
    if (!added) throw new Error('the kube fleet cannot add a cluster');
    const [cluster] = await registerAll(plane, [added.endpoint]);
    results.memory = await runMemoryBenchmark(
      plane,
      cluster as { endpoint: KubeClusterEndpoint; clusterId: string },
      moto,
      dynamodb,
      join(bundleDir, 'reconcile-cluster', 'index.mjs'),
      { objects: settings.memoryObjects, namespaces: 10, keys: 100 },
      log,
    );
    await added.stop();
  }

  if (enabled('scale')) {
    const standIns = new StandInClusterFactory();
    const plane = await newPlane('scale', { clusters: standIns });
    const measured = await runScaleMeasurements(
      plane,
      standIns,
      capture,
      {
        sampleClusters: settings.scaleClusters,
        idleClusters: settings.scaleIdle,
        objectsPerCluster: 100,
        sharedKeys: 45,
        ownKeys: 10,
      },
      log,
    );
    const units = unitsFrom(measured, capture.metrics.size);
    const perObjectMs = results.memory
      ? Math.round(((results.memory.phases[1]?.ms ?? 0) / results.memory.objects) * 10) / 10
      : 5;
    const assumptions: ModelAssumptions = {
      objectsPerCluster: 100,
      refreshIntervalMinutes: 60,
      // 45 fleet-wide keys + 10 own keys for 100 objects.
      keysPerObject: 55 / 100,
      driftCheckMinutes: 5,
      minutesPerMonth: 30 * 24 * 60,
      fleetKeys: 45,
      objectsPerFleetKey: 2,
      ownKeysPerCluster: 10,
      rotationsPerKeyPerMonth: 1,
      eventCopiesPerChange: 2,
      manifestEditsPerObjectPerMonth: 1,
      durationsMs: {
        rotation: 100,
        sweepFixed: 200,
        sweepPerCluster: 0.5,
        ingest: 200,
        reconcilePass: 300,
        reconcilePerObject: perObjectMs,
      },
      memoryMb: { rotation: 512, sweep: 512, ingest: 1024, reconcile: 1024 },
      logRetentionDays: 30,
      xRay: { reservoirPerSecond: 1, rate: 0.05 },
      stateBytesPerObject: 3_000,
    };
    const simulation = simulateRefreshPhases({
      clusters: 50,
      objectsPerCluster: assumptions.objectsPerCluster,
      hours: 48,
      refreshInterval: '1h',
    });
    const phases: RefreshPhases[] = [
      {
        name: 'deployed together',
        clusterDueShare: simulation.steadyShare,
        objectsPerInvocation: simulation.steadyObjectsPerInvocation,
      },
      spreadPhases(assumptions),
    ];
    results.scale = {
      measured,
      units,
      assumptions,
      prices: PRICES,
      simulation,
      uniformDueShare: clusterDueProbability(
        assumptions.objectsPerCluster,
        assumptions.refreshIntervalMinutes,
      ),
      fleets: [100, 1000].flatMap((clusters) =>
        phases.map((p) => monthlyModel(units, assumptions, clusters, p)),
      ),
      metrics: [...capture.metrics].sort(),
    };
    log(
      `scale model: ${results.scale.fleets.map((f) => `${f.clusters} clusters (${f.phases.name}) $${f.costTotal.toFixed(0)}/month`).join(', ')}`,
    );
  }
} finally {
  capture.stop();
  await Promise.allSettled(planes.map((plane) => plane.close()));
  await peers.stop();
  rmSync(bundleDir, { recursive: true, force: true });
}

results.environment.loadAverageAtEnd = loadavg().map((x) => Math.round(x * 10) / 10);
results.environment.totalSeconds = Math.round((performance.now() - started) / 1000);
console.log(renderSummary(results));
const outDir = only ? join(root, 'bench', '.out') : join(root, 'docs');
mkdirSync(outDir, { recursive: true });
writeFileSync(join(outDir, 'benchmarks.json'), `${JSON.stringify(results, null, 2)}\n`);
writeFileSync(join(outDir, 'benchmarks.md'), renderMarkdown(results));
log(
  `wrote ${join(outDir, 'benchmarks.md')} and benchmarks.json${only ? ` (BENCH_ONLY=${only.join(',')})` : ''}`,
);
if (only && process.env.BENCH_MERGE) {
  const docsJson = join(root, 'docs', 'benchmarks.json');
  const saved = JSON.parse(readFileSync(docsJson, 'utf8')) as BenchResults;
  const merged = mergeResults(saved, results);
  writeFileSync(docsJson, `${JSON.stringify(merged, null, 2)}\n`);
  writeFileSync(join(root, 'docs', 'benchmarks.md'), renderMarkdown(merged));
  log(`merged ${only.join(',')} into docs/benchmarks.json and re-rendered docs/benchmarks.md`);
}
