/**
 * Memory of the shipped watcher watching 5,000 ExternalSecrets (`npm run bench:watcher-memory`).
 *
 * Starts its own etcd + kube-apiserver and moto, creates the objects, runs the esbuild bundle with the
 * Dockerfile's node flags as the watcher's own ServiceAccount, and samples RSS (from /proc) and V8 heap
 * (from /metrics): after the initial list has settled, during a burst of edits and periodic resyncs,
 * and after that settles again. Writes the numbers to bench/watcher-memory-results.json.
 *
 * Options (env): BENCH_OBJECTS (5000), BENCH_EDITS (2000), BENCH_NODE_FLAGS ("image", "default", or
 * literal flags such as "--max-semi-space-size=1 --optimize-for-size"), MALLOC_ARENA_MAX (passed on).
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { PatchStrategy, setHeaderOptions } from '@kubernetes/client-node';
import { kubeClientsFor } from '../infra-tests/helpers/kube.js';
import { peersFileVariable } from '../infra-tests/helpers/peers.js';
import { externalSecret, installFleetCrds } from '../infra-tests/helpers/watcher/fleet-crds.js';
import { createMotoIngestFunction, motoCredentials } from '../infra-tests/helpers/watcher/moto-lambda.js';
import { installWatcherIdentity } from '../infra-tests/helpers/watcher/watcher-identity.js';
import { freePort } from '../infra-tests/peers/peer-process.js';
import { startPeers } from '../infra-tests/peers/start-all.js';
import { buildWatcher } from '../watcher/build.js';

const here = dirname(fileURLToPath(import.meta.url));
const objectCount = Number(process.env.BENCH_OBJECTS ?? 5_000);
const editCount = Number(process.env.BENCH_EDITS ?? 2_000);
const flagsMode = process.env.BENCH_NODE_FLAGS ?? 'image';
const namespaces = 50;
const concurrency = 16;
const resyncSeconds = 30;
const MiB = 1024 * 1024;

function dockerfileNodeFlags(): string[] {
  const cmd = /^CMD (\[.*\])$/m.exec(readFileSync(join(here, '..', 'watcher', 'Dockerfile'), 'utf8'))?.[1];
  if (!cmd) throw new Error('watcher/Dockerfile has no exec-form CMD');
  return (JSON.parse(cmd) as string[]).filter((arg) => arg.startsWith('--'));
}

async function inParallel(total: number, work: (index: number) => Promise<unknown>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < total) await work(next++);
    }),
  );
}

/** RSS splits into anonymous memory (heap, malloc) and file pages (the node binary, shared, reclaimable). */
function procStatus(pid: number): {
  rssMiB: number;
  rssAnonMiB: number;
  rssFileMiB: number;
  peakRssMiB: number;
} {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kib = (field: string) =>
    Number(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? Number.NaN);
  return {
    rssMiB: kib('VmRSS') / 1024,
    rssAnonMiB: kib('RssAnon') / 1024,
    rssFileMiB: kib('RssFile') / 1024,
    peakRssMiB: kib('VmHWM') / 1024,
  };
}

async function scrape(port: number): Promise<Map<string, number>> {
  const text = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
  const values = new Map<string, number>();
  for (const line of text.split('\n')) {
    if (line.startsWith('#') || line === '') continue;
    const at = line.lastIndexOf(' ');
    values.set(line.slice(0, at), Number(line.slice(at + 1)));
  }
  return values;
}

interface Sample {
  rssMiB: number;
  rssAnonMiB: number;
  rssFileMiB: number;
  heapUsedMiB: number;
  heapTotalMiB: number;
}

async function sample(pid: number, metricsPort: number, seconds: number): Promise<Sample[]> {
  const samples: Sample[] = [];
  for (let i = 0; i < seconds; i++) {
    const metrics = await scrape(metricsPort);
    const { rssMiB, rssAnonMiB, rssFileMiB } = procStatus(pid);
    samples.push({
      rssMiB,
      rssAnonMiB,
      rssFileMiB,
      heapUsedMiB: (metrics.get('nodejs_heap_used_bytes') ?? 0) / MiB,
      heapTotalMiB: (metrics.get('nodejs_heap_total_bytes') ?? 0) / MiB,
    });
    await sleep(1_000);
  }
  return samples;
}

function summarize(samples: Sample[]) {
  const pick = (key: keyof Sample) => samples.map((s) => s[key]).sort((a, b) => a - b);
  const round = (value: number) => Math.round(value * 10) / 10;
  const median = (values: number[]) => round(values[Math.floor(values.length / 2)] ?? Number.NaN);
  const max = (values: number[]) => round(values.at(-1) ?? Number.NaN);
  return {
    rssMiB: { median: median(pick('rssMiB')), max: max(pick('rssMiB')) },
    rssAnonMiB: { median: median(pick('rssAnonMiB')), max: max(pick('rssAnonMiB')) },
    rssFileMiB: { median: median(pick('rssFileMiB')), max: max(pick('rssFileMiB')) },
    heapUsedMiB: { median: median(pick('heapUsedMiB')), max: max(pick('heapUsedMiB')) },
    heapTotalMiB: { median: median(pick('heapTotalMiB')), max: max(pick('heapTotalMiB')) },
  };
}

async function waitFor(what: string, condition: () => Promise<boolean>, timeoutMs = 300_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition().catch(() => false))) {
    if (Date.now() > deadline) throw new Error(`bench: timed out waiting for ${what}`);
    await sleep(250);
  }
}

async function main(): Promise<void> {
  const workDir = mkdtempSync(join(tmpdir(), 'fleet-secrets-watcher-bench-'));
  const peers = await startPeers({ only: ['kube', 'moto'], kubeClusters: 1 });
  process.env[peersFileVariable] = peers.endpointsFile;
  let child: ChildProcess | undefined;
  try {
    const endpoint = peers.endpoints.kube!.clusters[0]!;
    const admin = kubeClientsFor(endpoint);
    await installFleetCrds(endpoint, admin.apiextensions);
    const token = await installWatcherIdentity(endpoint, admin, 'bench');

    console.log(`creating ${objectCount} ExternalSecrets in ${namespaces} namespaces...`);
    const createdAt = Date.now();
    for (let n = 0; n < namespaces; n++) {
      await admin.core.createNamespace({ body: { metadata: { name: `bench-${n}` } } });
    }
    await inParallel(objectCount, (i) =>
      admin.custom.createNamespacedCustomObject({
        group: 'fleet-secrets.io',
        version: 'v1',
        namespace: `bench-${i % namespaces}`,
        plural: 'externalsecrets',
        body: externalSecret(`bench-${i % namespaces}`, `es-${i}`),
      }),
    );
    console.log(`created in ${((Date.now() - createdAt) / 1000).toFixed(1)} s`);

    const serviceAccountDir = join(workDir, 'serviceaccount');
    mkdirSync(serviceAccountDir);
    writeFileSync(join(serviceAccountDir, 'token'), token);
    writeFileSync(join(serviceAccountDir, 'ca.crt'), endpoint.caData);
    const bundle = await buildWatcher({ outfile: join(workDir, 'watcher.mjs') });
    const { functionArn } = await createMotoIngestFunction();
    const moto = peers.endpoints.moto!;
    const server = new URL(endpoint.server);
    const metricsPort = await freePort();
    const healthPort = await freePort();
    const flags =
      flagsMode === 'image' ? dockerfileNodeFlags() : flagsMode === 'default' ? [] : flagsMode.split(/\s+/);
    child = spawn(process.execPath, [...flags, bundle], {
      env: {
        PATH: process.env.PATH,
        KUBERNETES_SERVICE_HOST: server.hostname,
        KUBERNETES_SERVICE_PORT: server.port,
        WATCHER_SERVICE_ACCOUNT_DIR: serviceAccountDir,
        WATCHER_CLUSTER_ID: 'bench',
        WATCHER_INGEST_FUNCTION: functionArn,
        WATCHER_SIGNING_KEY: 'watcher-key-of-the-bench-0123456789abcdef',
        AWS_REGION: moto.region,
        AWS_ENDPOINT_URL_LAMBDA: moto.url,
        AWS_ACCESS_KEY_ID: motoCredentials.accessKeyId,
        AWS_SECRET_ACCESS_KEY: motoCredentials.secretAccessKey,
        WATCHER_HEALTH_PORT: String(healthPort),
        WATCHER_METRICS_PORT: String(metricsPort),
        WATCHER_RESYNC_SECONDS: String(resyncSeconds),
        WATCHER_LOG_LEVEL: 'warn',
        ...(process.env.MALLOC_ARENA_MAX ? { MALLOC_ARENA_MAX: process.env.MALLOC_ARENA_MAX } : {}),
      },
      stdio: ['ignore', 'inherit', 'inherit'],
    });
    const pid = child.pid!;
    const startedAt = Date.now();
    await waitFor('the first digest to be delivered', async () => {
      const metrics = await scrape(metricsPort);
      return (metrics.get('fleet_secrets_watcher_digests_sent_total{kind="ExternalSecret"}') ?? 0) >= 1;
    });
    const readyAfterMs = Date.now() - startedAt;
    const watched = (await scrape(metricsPort)).get(
      'fleet_secrets_watcher_watched_objects{kind="ExternalSecret"}',
    );
    console.log(`watching ${watched} objects; first digest delivered after ${readyAfterMs} ms; settling...`);
    await sleep(10_000);
    const afterList = summarize(await sample(pid, metricsPort, 20));
    console.log('after the initial list:', JSON.stringify(afterList));

    console.log(`editing ${editCount} objects while resyncs run every ${resyncSeconds} s...`);
    const mergePatch = setHeaderOptions('Content-Type', PatchStrategy.MergePatch);
    const during: Sample[] = [];
    let editing = true;
    const sampler = (async () => {
      while (editing) during.push(...(await sample(pid, metricsPort, 1)));
    })();
    await inParallel(editCount, (i) => {
      const index = (i * 7919) % objectCount;
      return admin.custom.patchNamespacedCustomObject(
        {
          group: 'fleet-secrets.io',
          version: 'v1',
          namespace: `bench-${index % namespaces}`,
          plural: 'externalsecrets',
          name: `es-${index}`,
          body: { spec: externalSecret('x', 'x', 2 + i).spec },
        },
        mergePatch,
      );
    });
    // Cover at least one resync (a full relist of every object and a 5,000-entry digest).
    await sleep((resyncSeconds + 5) * 1000);
    editing = false;
    await sampler;
    const duringEdits = summarize(during);
    console.log('during edits and resyncs:', JSON.stringify(duringEdits));

    await sleep(15_000);
    const settled = summarize(await sample(pid, metricsPort, 20));
    const metrics = await scrape(metricsPort);
    const { peakRssMiB } = procStatus(pid);
    const result = {
      date: new Date().toISOString(),
      node: process.version,
      nodeFlags: flags,
      mallocArenaMax: process.env.MALLOC_ARENA_MAX ?? null,
      objects: objectCount,
      edits: editCount,
      watchedObjects: watched,
      firstDigestAfterMs: readyAfterMs,
      afterInitialList: afterList,
      duringEditsAndResyncs: duringEdits,
      settledAfterwards: settled,
      peakRssMiB: Math.round(peakRssMiB * 10) / 10,
      counters: {
        noticesSent: metrics.get('fleet_secrets_watcher_notices_sent_total{kind="ExternalSecret"}'),
        invocations: metrics.get('fleet_secrets_watcher_invocations_total{outcome="success"}'),
        coalesced: metrics.get('fleet_secrets_watcher_notices_coalesced_total{kind="ExternalSecret"}'),
        resyncs: metrics.get('fleet_secrets_watcher_relists_total{kind="ExternalSecret",reason="resync"}'),
        digestsSent: metrics.get('fleet_secrets_watcher_digests_sent_total{kind="ExternalSecret"}'),
      },
    };
    console.log(JSON.stringify(result, null, 2));
    const resultsFile = join(
      here,
      `watcher-memory-results${flagsMode === 'image' ? '' : `-${flagsMode}-flags`}.json`,
    );
    writeFileSync(resultsFile, `${JSON.stringify(result, null, 2)}\n`);
    console.log(`written to ${resultsFile}`);
  } finally {
    if (child && child.exitCode === null) {
      child.kill('SIGTERM');
      await new Promise((resolve) => child?.once('exit', resolve));
    }
    await peers.stop();
    rmSync(workDir, { recursive: true, force: true });
  }
}

await main();
