/**
 * Scale model, measured part. A sample of the simulated fleet (S clusters x 100 ExternalSecrets,
 * 90 of them over fleet-wide keys and 10 over keys of their own cluster) runs through the real
 * handler cores on DynamoDB Local and moto; only Kubernetes is a STAND-IN (bench/lib/stand-in-cluster.ts).
 * Every unit cost the monthly model needs is measured here, per invocation:
 * DynamoDB requests and capacity units (SDK middleware), Secrets Manager calls, Kubernetes requests,
 * log bytes. Idle cluster records make the sweep's fleet-wide reads scale like a large fleet's.
 */
import { randomBytes } from 'node:crypto';
import { awsIndexPartition } from '../shared/control-plane/index-refs.js';
import { type ChangeNotice, ingestNotices } from '../shared/control-plane/ingest.js';
import type { ExternalSecretSpec } from '../shared/domain/schema.js';
import { type HandlerOutputCapture, runAs } from './lib/attribution.js';
import type { BenchPlane } from './lib/bench-plane.js';
import { type DynamoDbUsage, emptyUsage, scaleUsage, subtractUsage } from './lib/dynamodb-meter.js';
import type { StandInClusterFactory } from './lib/stand-in-cluster.js';
import { roundSpread, type Spread, spreadOf } from './lib/stats.js';

const NAMESPACE = 'apps';
const HOUR = 3_600_000;
const YEAR = 365 * 24 * HOUR;

export interface ScaleOptions {
  sampleClusters: number;
  idleClusters: number;
  objectsPerCluster: number;
  sharedKeys: number;
  ownKeys: number;
}

/** What one scenario cost, divided by its reconcile-cluster invocations (or per event). */
export interface UnitCost {
  invocations: number;
  /** DynamoDB per invocation, by function. */
  dynamodb: Record<string, DynamoDbUsage>;
  providerCallsPerInvocation: number;
  kubePerInvocation: { reads: number; writes: number };
  logBytesPerInvocation: Record<string, number>;
  /** Duration per reconcile-cluster invocation on this machine (DynamoDB Local dominates it). */
  reconcileMs: Spread;
}

export interface ScaleMeasurements {
  options: ScaleOptions;
  ingest: UnitCost & { notices: number };
  initialSync: UnitCost;
  /** The sweep alone: with the sample's S cluster records, then with S + idle ones. */
  sweepQuiet: { clusters: number; dynamodb: DynamoDbUsage }[];
  /** A sweep that queued S drift checks (and nothing else). */
  sweepWithDriftChecks: { driftChecks: number; dynamodb: DynamoDbUsage };
  /** A sweep that found every object of the sample due. */
  sweepAllDue: { due: number; clusters: number; dynamodb: DynamoDbUsage };
  driftCheck: UnitCost;
  scopedRefresh2: UnitCost;
  fullRefresh: UnitCost;
  rotationFleetKey: UnitCost & { dependents: number; rotationFn: DynamoDbUsage };
  rotationOwnKey: UnitCost & { dependents: number; rotationFn: DynamoDbUsage };
  /** The reverse-index query alone, for a key with many dependents (too few in the sample to size it). */
  dependentsQuery: { dependents: number; dynamodb: DynamoDbUsage };
  /** Requests per second DynamoDB Local sustained while the sample was ingested and synced. */
  dynamoDbLocalRequestsPerSecond: number;
}

function specFor(plane: BenchPlane, key: string): ExternalSecretSpec {
  return {
    secretStoreRef: { name: plane.storeName },
    refreshInterval: '1h',
    data: [{ secretKey: 'value', remoteRef: { key: plane.key(key) } }],
  };
}

export async function runScaleMeasurements(
  plane: BenchPlane,
  standIns: StandInClusterFactory,
  capture: HandlerOutputCapture,
  options: ScaleOptions,
  log: (line: string) => void,
): Promise<ScaleMeasurements> {
  const { sampleClusters: s, objectsPerCluster: m, sharedKeys, ownKeys } = options;
  const clusterIds = Array.from({ length: s }, (_, i) => `scale-${i}`);
  const sharedKey = (k: number) => `shared-${k}`;
  const ownKey = (c: string, k: number) => `${c}/own-${k}`;
  const perSharedKey = Math.floor((m - ownKeys) / sharedKeys);

  for (let k = 0; k < sharedKeys; k++) await plane.putValue(sharedKey(k), `v-${k}`);
  for (const id of clusterIds) {
    await plane.registerStandInCluster(id);
    for (let k = 0; k < ownKeys; k++) await plane.putValue(ownKey(id, k), `own-${id}-${k}`);
  }

  /** Measures `work`, dividing reconcile-cluster costs by its reconcile invocations. */
  const measure = async (work: () => Promise<void>): Promise<UnitCost> => {
    const ddb = plane.meter.all();
    const calls = plane.providerCalls();
    const kube = standIns.totals();
    const bytes = { ...capture.bytes };
    const invocations = { ...plane.invocations };
    const runsStart = plane.runs.length;
    await work();
    await plane.drain();
    const runs = plane.runs.slice(runsStart);
    const n = Math.max(1, runs.length);
    const dynamodb: Record<string, DynamoDbUsage> = {};
    for (const [role, usage] of Object.entries(plane.meter.all())) {
      const delta = subtractUsage(usage, ddb[role] ?? emptyUsage());
      if (delta.reads + delta.writes === 0) continue;
      dynamodb[role] = role === 'reconcile-cluster' ? scaleUsage(delta, 1 / n) : delta;
    }
    const after = plane.providerCalls();
    const providerCalls = Object.entries(after).reduce((sum, [op, v]) => sum + v - (calls[op] ?? 0), 0);
    const kubeAfter = standIns.totals();
    const logBytesPerInvocation: Record<string, number> = {};
    for (const [role, total] of Object.entries(capture.bytes)) {
      const delta = total - (bytes[role] ?? 0);
      const count =
        plane.invocations[role as keyof typeof invocations] -
        (invocations[role as keyof typeof invocations] ?? 0);
      if (delta > 0 && count > 0) logBytesPerInvocation[role] = Math.round(delta / count);
    }
    return {
      invocations: runs.length,
      dynamodb,
      providerCallsPerInvocation: providerCalls / n,
      kubePerInvocation: {
        reads: (kubeAfter.reads - kube.reads) / n,
        writes: (kubeAfter.writes - kube.writes) / n,
      },
      logBytesPerInvocation,
      reconcileMs: roundSpread(spreadOf(runs.map((r) => r.ms))),
    };
  };

  // Ingest of every cluster's ExternalSecrets (one watcher batch each), then the initial syncs.
  let notices = 0;
  const ingestStarted = performance.now();
  const requestsBefore = plane.meter.usage();
  const ingest = await measure(async () => {
    await Promise.all(
      clusterIds.map(async (id) => {
        const cluster = standIns.cluster(id);
        const batch: ChangeNotice[] = [];
        for (let i = 0; i < m; i++) {
          const key =
            i < m - ownKeys
              ? sharedKey(Math.floor(i / perSharedKey) % sharedKeys)
              : ownKey(id, i - (m - ownKeys));
          const name = `es-${i}`;
          const meta = cluster.putExternalSecret(NAMESPACE, name, specFor(plane, key));
          batch.push({ kind: 'ExternalSecret', namespace: NAMESPACE, name, ...meta, event: 'upsert' });
        }
        notices += batch.length;
        await plane.ingest(id, batch);
      }),
    );
  });
  const ingestRequests = plane.meter.usage();
  const dynamoDbLocalRequestsPerSecond = Math.round(
    (ingestRequests.reads + ingestRequests.writes - requestsBefore.reads - requestsBefore.writes) /
      ((performance.now() - ingestStarted) / 1000),
  );
  // The ingest measurement drained the initial syncs too: split them out.
  const initialSync: UnitCost = {
    ...ingest,
    dynamodb: { 'reconcile-cluster': ingest.dynamodb['reconcile-cluster'] ?? emptyUsage() },
  };
  log(`scale model: ${s} stand-in clusters x ${m} ExternalSecrets ingested and synced`);

  const sweepUsage = async () => {
    const before = plane.meter.usage('sweep');
    await plane.sweep();
    return subtractUsage(plane.meter.usage('sweep'), before);
  };

  // First sweep: no cluster had a drift check yet, so all S get one; nothing is due.
  let sweepWithDriftChecks: ScaleMeasurements['sweepWithDriftChecks'] | undefined;
  const driftCheck = await measure(async () => {
    sweepWithDriftChecks = { driftChecks: s, dynamodb: await sweepUsage() };
  });
  const quietSmall = await sweepUsage();

  // Idle clusters: registered, not due for anything; only the sweep's fleet-wide reads see them.
  const farFuture = new Date(plane.clock.now().getTime() + YEAR).toISOString();
  for (let i = 0; i < options.idleClusters; i++) {
    await plane.registerStandInCluster(`idle-${i}`, { nextDriftCheckAt: farFuture });
  }
  const quietLarge = await sweepUsage();

  // Many dependents of one key: the idle clusters' objects reference a probe key (stored through the
  // ingest core; their reconcile requests are dropped, since only the reverse index matters here).
  const probeClusters = Math.min(options.idleClusters, 50);
  for (let i = 0; i < probeClusters; i++) {
    const id = `idle-${i}`;
    const cluster = standIns.cluster(id);
    const batch: ChangeNotice[] = [0, 1].map((j) => {
      const name = `probe-${j}`;
      const meta = cluster.putExternalSecret(NAMESPACE, name, specFor(plane, 'probe'));
      return { kind: 'ExternalSecret', namespace: NAMESPACE, name, ...meta, event: 'upsert' };
    });
    await ingestNotices(
      { ...plane.plane.ingest, invoker: { invokeAsync: async () => undefined } },
      {
        clusterId: id,
        notices: batch,
      },
    );
  }
  const probeBefore = plane.meter.usage('rotation');
  const found = await runAs('rotation', () =>
    plane.state.findDependents(awsIndexPartition(plane.region), plane.key('probe')),
  );
  const dependentsQuery = {
    dependents: found.length,
    dynamodb: subtractUsage(plane.meter.usage('rotation'), probeBefore),
  };

  // Rotation of a fleet-wide key (every sample cluster depends on it) and of one cluster's own key.
  const rotate = async (name: string) => {
    const versionId = await plane.putValue(name, `rotated-${randomBytes(4).toString('hex')}`);
    const event = await plane.rotationEvent(name, versionId);
    const before = plane.meter.usage('rotation');
    let dependents = 0;
    const cost = await measure(async () => {
      dependents = (await plane.rotation(event)).dependents;
    });
    return { ...cost, dependents, rotationFn: subtractUsage(plane.meter.usage('rotation'), before) };
  };
  const rotationFleetKey = await rotate(sharedKey(0));
  const rotationOwnKey = await rotate(ownKey(clusterIds[0] as string, 0));

  // A steady-state minute: a couple of objects of a cluster come due (scoped invocation).
  const scopedRefresh2 = await measure(async () => {
    await Promise.all(
      clusterIds.map((clusterId) =>
        plane.invoker.invokeAsync('reconcile-cluster', {
          clusterId,
          scope: {
            kind: 'objects',
            objects: [
              { namespace: NAMESPACE, name: 'es-10' },
              { namespace: NAMESPACE, name: 'es-50' },
            ],
          },
          reason: 'sweep',
        }),
      ),
    );
  });

  // Everything due at once (e.g. an hour after a deploy): the sweep lists S x M due entries.
  plane.clock.advance(2 * HOUR);
  let sweepAllDue: ScaleMeasurements['sweepAllDue'] | undefined;
  const fullRefresh = await measure(async () => {
    sweepAllDue = { due: s * m, clusters: s + options.idleClusters, dynamodb: await sweepUsage() };
  });
  log(`scale model: unit costs measured (${plane.invocations['reconcile-cluster']} reconcile invocations)`);

  return {
    options,
    ingest: { ...ingest, notices, dynamodb: { ingest: ingest.dynamodb.ingest ?? emptyUsage() } },
    initialSync,
    sweepQuiet: [
      { clusters: s, dynamodb: quietSmall },
      { clusters: s + options.idleClusters, dynamodb: quietLarge },
    ],
    sweepWithDriftChecks: sweepWithDriftChecks as ScaleMeasurements['sweepWithDriftChecks'],
    sweepAllDue: sweepAllDue as ScaleMeasurements['sweepAllDue'],
    driftCheck,
    scopedRefresh2,
    fullRefresh,
    rotationFleetKey,
    rotationOwnKey,
    dependentsQuery,
    dynamoDbLocalRequestsPerSecond,
  };
}
