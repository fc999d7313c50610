/**
 * Benchmark 1: rotation propagation. K secrets, each referenced by P ExternalSecrets in every one
 * of N real clusters. A new value goes into moto, the native "Secret Label Updated" event goes to
 * the rotation handler, and the clock stops when the last of the N x P Secrets shows the new value
 * on a watch of its API server (then every one is read back with a GET to be sure).
 */
import { randomBytes } from 'node:crypto';
import { kubeClientsFor } from '../infra-tests/helpers/kube.js';
import type { KubeClusterEndpoint } from '../infra-tests/peers/types.js';
import type { ExternalSecretSpec } from '../shared/domain/schema.js';
import type { BenchPlane } from './lib/bench-plane.js';
import { type DynamoDbUsage, subtractUsage } from './lib/dynamodb-meter.js';
import { createExternalSecrets, ensureNamespaces, readSecretField, SecretWatch } from './lib/kube-objects.js';
import { roundSpread, type Spread, spreadOf } from './lib/stats.js';

const NAMESPACE = 'bench-rotation';
const FIELD = 'value';

export interface RotationOptions {
  /** Fleet sizes to measure (each uses the first N clusters). */
  sizes: number[];
  /** Distinct secrets per fleet size; rotations cycle through them. */
  keys: number;
  /** ExternalSecrets per secret per cluster: each rotation rewrites N x P Secrets. */
  perKey: number;
  /** Timed rotations per fleet size (after one untimed warm-up). */
  rotations: (clusters: number) => number;
  timeoutMs: number;
}

export interface RotationSizeResult {
  clusters: number;
  secretsPerRotation: number;
  rotations: number;
  /** Event handed to the rotation handler -> last Secret seen with the new value (watch). */
  visibleMs: Spread;
  /** Event -> the first of them seen. */
  firstSecretMs: Spread;
  /** Event -> every reconcile-cluster invocation finished (status written too). */
  settledMs: Spread;
  /** Event -> the rotation handler returned (index query, claim, invocations queued). */
  fanoutMs: Spread;
  /** The untimed first rotation of this size, for contrast. */
  firstVisibleMs: number | undefined;
  /** Counts per rotation (identical every time). */
  perRotation: {
    reconcileInvocations: number;
    batchGetSecretValue: number;
    dynamodb: DynamoDbUsage;
    apiserverWrites: number;
  };
  readBackMismatches: number;
  timeouts: number;
}

export interface RotationResult {
  keys: number;
  perKey: number;
  sizes: RotationSizeResult[];
  watchRestarts: number;
}

function specFor(plane: BenchPlane, key: string): ExternalSecretSpec {
  return {
    secretStoreRef: { name: plane.storeName },
    refreshInterval: '1h',
    data: [{ secretKey: FIELD, remoteRef: { key: plane.key(key) } }],
  };
}

export async function runRotationBenchmark(
  plane: BenchPlane,
  clusters: Array<{ endpoint: KubeClusterEndpoint; clusterId: string }>,
  options: RotationOptions,
  log: (line: string) => void,
): Promise<RotationResult> {
  const keyName = (n: number, k: number) => `rot-n${n}-k${k}`;
  const esName = (n: number, k: number, j: number) => `rot-n${n}-k${k}-${j}`;

  // Objects of every size at once: one ingest batch and one initial sync per cluster.
  for (const n of options.sizes)
    for (let k = 0; k < options.keys; k++) await plane.putValue(keyName(n, k), `initial-${k}`);
  await Promise.all(
    clusters.map(async ({ endpoint, clusterId }, index) => {
      await ensureNamespaces(endpoint, [NAMESPACE]);
      const objects = options.sizes
        .filter((n) => index < n)
        .flatMap((n) =>
          Array.from({ length: options.keys * options.perKey }, (_, i) => {
            const k = Math.floor(i / options.perKey);
            return { name: esName(n, k, i % options.perKey), spec: specFor(plane, keyName(n, k)) };
          }),
        );
      if (objects.length === 0) return;
      const notices = await createExternalSecrets(endpoint, NAMESPACE, objects, 4);
      await plane.ingest(clusterId, notices);
    }),
  );
  await plane.drain();

  const watch = await SecretWatch.start(
    clusters.map((c) => c.endpoint),
    NAMESPACE,
    FIELD,
  );
  const sizes: RotationSizeResult[] = [];
  try {
    for (const n of options.sizes) {
      const members = clusters.slice(0, n);
      const visible: number[] = [];
      const firstSecret: number[] = [];
      const settled: number[] = [];
      const fanout: number[] = [];
      let firstVisibleMs: number | undefined;
      let perRotation: RotationSizeResult['perRotation'] | undefined;
      let mismatches = 0;
      let timeouts = 0;
      const total = options.rotations(n) + 1;
      for (let r = 0; r < total; r++) {
        const k = r % options.keys;
        const value = `rotated-${n}-${r}-${randomBytes(6).toString('hex')}`;
        const versionId = await plane.putValue(keyName(n, k), value);
        const event = await plane.rotationEvent(keyName(n, k), versionId);
        const targets = members.flatMap(({ endpoint }) =>
          Array.from({ length: options.perKey }, (_, j) => ({
            cluster: endpoint.name,
            name: esName(n, k, j),
          })),
        );
        const seen = watch.expect(targets, value, options.timeoutMs);
        const ddbBefore = plane.meter.usage();
        const callsBefore = plane.providerCalls().BatchGetSecretValue ?? 0;
        const runsBefore = plane.runs.length;

        const started = performance.now();
        await plane.rotation(event);
        const fannedOut = performance.now();
        await plane.drain();
        const done = performance.now();
        const seenAt = await seen;

        if (seenAt === undefined) timeouts++;
        const runs = plane.runs.slice(runsBefore);
        if (r === 0) {
          firstVisibleMs = seenAt === undefined ? undefined : seenAt.last - started;
          perRotation = {
            reconcileInvocations: runs.length,
            batchGetSecretValue: (plane.providerCalls().BatchGetSecretValue ?? 0) - callsBefore,
            dynamodb: subtractUsage(plane.meter.usage(), ddbBefore),
            apiserverWrites: runs
              .flatMap((run) => run.passes)
              .reduce((sum, pass) => sum + pass.apiserver.writes, 0),
          };
        } else {
          if (seenAt !== undefined) {
            visible.push(seenAt.last - started);
            firstSecret.push(seenAt.first - started);
          }
          settled.push(done - started);
          fanout.push(fannedOut - started);
        }
        // Read back with a GET from every cluster: the watch is the timer, not the proof.
        for (const { endpoint } of members) {
          const { core } = kubeClientsFor(endpoint, 'admin');
          for (let j = 0; j < options.perKey; j++) {
            if ((await readSecretField(core, NAMESPACE, esName(n, k, j), FIELD)) !== value) mismatches++;
          }
        }
      }
      const result: RotationSizeResult = {
        clusters: n,
        secretsPerRotation: n * options.perKey,
        rotations: total - 1,
        visibleMs: roundSpread(spreadOf(visible)),
        firstSecretMs: roundSpread(spreadOf(firstSecret)),
        settledMs: roundSpread(spreadOf(settled)),
        fanoutMs: roundSpread(spreadOf(fanout)),
        firstVisibleMs: firstVisibleMs === undefined ? undefined : Math.round(firstVisibleMs),
        perRotation: perRotation as RotationSizeResult['perRotation'],
        readBackMismatches: mismatches,
        timeouts,
      };
      sizes.push(result);
      log(
        `rotation N=${n}: visible p50 ${result.visibleMs.p50} ms, p95 ${result.visibleMs.p95} ms, max ${result.visibleMs.max} ms over ${result.rotations} rotations (${result.secretsPerRotation} Secrets each)`,
      );
    }
  } finally {
    watch.stop();
  }
  return { keys: options.keys, perKey: options.perKey, sizes, watchRestarts: watch.restarts };
}
