/**
 * Scale model, arithmetic part (pure): measured unit costs x event rates of a fleet -> requests per
 * rotation, per sweep minute and per month, and their price. Every price and rate is an assumption
 * written out here and printed in docs/benchmarks.md; change them here, not in the prose.
 */
import { nextRefreshAt } from '../shared/domain/refresh.js';

/** Public on-demand list prices, us-east-1, as assumed by the model (USD). */
export const PRICES = {
  lambdaRequestsPerMillion: 0.2,
  /** arm64, first 7.5 billion GB-s of a month. */
  lambdaGbSecondArm64: 0.0000133334,
  dynamoDbReadRequestUnitsPerMillion: 0.125,
  dynamoDbWriteRequestUnitsPerMillion: 0.625,
  dynamoDbStorageGbMonth: 0.25,
  secretsManagerPer10kApiCalls: 0.05,
  /** AWS service events (Secrets Manager, CloudTrail) and schedule rules on the default bus are free. */
  eventBridgePerMillionEvents: 0,
  cloudWatchLogsIngestPerGb: 0.5,
  cloudWatchLogsStoragePerGbMonth: 0.03,
  cloudWatchCustomMetricMonth: 0.3,
  xRayTracesRecordedPerMillion: 5,
} as const;

export interface ModelAssumptions {
  objectsPerCluster: number;
  refreshIntervalMinutes: number;
  /** Distinct remote keys per cluster divided by its objects: how many keys a refresh reads per object. */
  keysPerObject: number;
  driftCheckMinutes: number;
  minutesPerMonth: number;
  fleetKeys: number;
  /** ExternalSecrets per fleet-wide key in every cluster. */
  objectsPerFleetKey: number;
  ownKeysPerCluster: number;
  rotationsPerKeyPerMonth: number;
  /** A change arrives natively and via CloudTrail; the second costs a query and a lost claim. */
  eventCopiesPerChange: number;
  manifestEditsPerObjectPerMonth: number;
  durationsMs: {
    rotation: number;
    sweepFixed: number;
    sweepPerCluster: number;
    ingest: number;
    reconcilePass: number;
    reconcilePerObject: number;
  };
  memoryMb: { rotation: number; sweep: number; ingest: number; reconcile: number };
  logRetentionDays: number;
  xRay: { reservoirPerSecond: number; rate: number };
  /** Average bytes DynamoDB stores per ExternalSecret (snapshot, status, index entries). */
  stateBytesPerObject: number;
}

/** Costs of one event, as measured (DynamoDB per request unit, counts per invocation). */
export interface Units {
  /** reconcile-cluster: the fixed part of one invocation (lease, cluster, snapshots, statuses). */
  pass: DbCost;
  /** reconcile-cluster: each object refreshed or written on top of that. */
  perObject: DbCost;
  sweep: { fixed: DbCost; perCluster: DbCost; perDueObject: DbCost; perDriftCheck: DbCost };
  rotation: { fixed: DbCost; perDependent: DbCost };
  ingestPerNotice: DbCost;
  /** Log bytes per invocation, by function; a reconcile pass logs a report line per object in scope. */
  logBytes: {
    rotation: number;
    sweep: number;
    ingest: number;
    reconcile: { fixed: number; perObject: number };
  };
  /** Custom metrics the functions emit (name x dimension values). */
  customMetrics: number;
}

export interface DbCost {
  requests: number;
  rru: number;
  wru: number;
}

export interface Load {
  invocations: { rotation: number; sweep: number; ingest: number; reconcile: number };
  dynamoDb: DbCost;
  providerCalls: number;
  logBytes: number;
  gbSeconds: number;
}

const zeroDb = (): DbCost => ({ requests: 0, rru: 0, wru: 0 });
const addDb = (a: DbCost, b: DbCost, times = 1): DbCost => ({
  requests: a.requests + b.requests * times,
  rru: a.rru + b.rru * times,
  wru: a.wru + b.wru * times,
});

function emptyLoad(): Load {
  return {
    invocations: { rotation: 0, sweep: 0, ingest: 0, reconcile: 0 },
    dynamoDb: zeroDb(),
    providerCalls: 0,
    logBytes: 0,
    gbSeconds: 0,
  };
}

function addLoad(a: Load, b: Load, times = 1): Load {
  return {
    invocations: {
      rotation: a.invocations.rotation + b.invocations.rotation * times,
      sweep: a.invocations.sweep + b.invocations.sweep * times,
      ingest: a.invocations.ingest + b.invocations.ingest * times,
      reconcile: a.invocations.reconcile + b.invocations.reconcile * times,
    },
    dynamoDb: addDb(a.dynamoDb, b.dynamoDb, times),
    providerCalls: a.providerCalls + b.providerCalls * times,
    logBytes: a.logBytes + b.logBytes * times,
    gbSeconds: a.gbSeconds + b.gbSeconds * times,
  };
}

/** Probability that at least one of a cluster's objects comes due in a given minute (uniform phases). */
export function clusterDueProbability(objects: number, refreshMinutes: number): number {
  return 1 - (1 - 1 / refreshMinutes) ** objects;
}

export interface PhaseSimulation {
  clusters: number;
  objectsPerCluster: number;
  hours: number;
  /** Share of minutes with a refresh invocation per cluster, in the 2nd and 3rd hour after a deploy. */
  afterDeployShare: number;
  /** Objects per such invocation then. */
  afterDeployObjectsPerInvocation: number;
  /** The same from hour 24 on: the steady state. */
  steadyShare: number;
  steadyObjectsPerInvocation: number;
}

/**
 * Replays the sweep minute by minute with the product's own nextRefreshAt (interval + a stable
 * per-object jitter): every object synced at minute 0 (a deploy), then refreshed at the first sweep
 * at or after its due time. Counts, per cluster, the minutes that need a refresh invocation.
 */
export function simulateRefreshPhases(opts: {
  clusters: number;
  objectsPerCluster: number;
  hours: number;
  refreshInterval: string;
}): PhaseSimulation {
  const minute = 60_000;
  const end = opts.hours * 60;
  const windows = { deploy: { from: 60, to: 180 }, steady: { from: 24 * 60, to: end } };
  const tally = { deploy: { minutes: 0, objects: 0 }, steady: { minutes: 0, objects: 0 } };
  for (let c = 0; c < opts.clusters; c++) {
    const keys = Array.from({ length: opts.objectsPerCluster }, (_, i) => `sim-${c}/apps/es-${i}`);
    const next = keys.map((objectKey) => due(0, objectKey));
    for (let m = 1; m < end; m++) {
      let refreshed = 0;
      for (let i = 0; i < next.length; i++) {
        if ((next[i] as number) > m) continue;
        refreshed++;
        next[i] = due(m, keys[i] as string);
      }
      if (refreshed === 0) continue;
      for (const [name, w] of Object.entries(windows) as Array<
        [keyof typeof tally, { from: number; to: number }]
      >) {
        if (m < w.from || m >= w.to) continue;
        tally[name].minutes++;
        tally[name].objects += refreshed;
      }
    }
  }
  function due(atMinute: number, objectKey: string): number {
    const at = nextRefreshAt({
      lastSyncAt: new Date(atMinute * minute),
      refreshInterval: opts.refreshInterval,
      objectKey,
    });
    return at ? at.getTime() / minute : Number.POSITIVE_INFINITY;
  }
  const share = (w: { from: number; to: number }, t: { minutes: number }) =>
    t.minutes / (opts.clusters * (w.to - w.from));
  return {
    clusters: opts.clusters,
    objectsPerCluster: opts.objectsPerCluster,
    hours: opts.hours,
    afterDeployShare: share(windows.deploy, tally.deploy),
    afterDeployObjectsPerInvocation: tally.deploy.objects / Math.max(1, tally.deploy.minutes),
    steadyShare: share(windows.steady, tally.steady),
    steadyObjectsPerInvocation: tally.steady.objects / Math.max(1, tally.steady.minutes),
  };
}

/**
 * `invocations` passes refreshing `objects` in all, with `calls` provider calls; `inScope` objects are
 * reported (and logged) by them, which for a whole-cluster drift check is every object of the cluster.
 */
function reconcileLoad(
  units: Units,
  a: ModelAssumptions,
  invocations: number,
  objects: number,
  calls: number,
  inScope = objects,
): Load {
  const load = emptyLoad();
  load.invocations.reconcile = invocations;
  load.dynamoDb = addDb(addDb(zeroDb(), units.pass, invocations), units.perObject, objects);
  load.providerCalls = calls;
  load.logBytes = units.logBytes.reconcile.fixed * invocations + units.logBytes.reconcile.perObject * inScope;
  load.gbSeconds =
    ((invocations * a.durationsMs.reconcilePass + objects * a.durationsMs.reconcilePerObject) / 1000) *
    (a.memoryMb.reconcile / 1024);
  return load;
}

/** One secret change that `dependents` objects in `clusters` clusters use (both event copies). */
export function rotationLoad(units: Units, a: ModelAssumptions, clusters: number, dependents: number): Load {
  const fn = emptyLoad();
  fn.invocations.rotation = a.eventCopiesPerChange;
  const perCopy = addDb(units.rotation.fixed, units.rotation.perDependent, dependents);
  fn.dynamoDb = addDb(zeroDb(), perCopy, a.eventCopiesPerChange);
  fn.logBytes = units.logBytes.rotation * a.eventCopiesPerChange;
  fn.gbSeconds = a.eventCopiesPerChange * (a.durationsMs.rotation / 1000) * (a.memoryMb.rotation / 1024);
  return addLoad(fn, reconcileLoad(units, a, clusters, dependents, clusters));
}

/** How the refresh times of a cluster's objects fall: bunched after a joint deploy, or spread evenly. */
export interface RefreshPhases {
  name: string;
  /** Share of clusters with at least one object due in a given minute. */
  clusterDueShare: number;
  /** Objects refreshed by each such invocation. */
  objectsPerInvocation: number;
}

/** Phases spread evenly over the interval (objects created at random times): the costly extreme. */
export function spreadPhases(a: ModelAssumptions): RefreshPhases {
  const q = clusterDueProbability(a.objectsPerCluster, a.refreshIntervalMinutes);
  return {
    name: 'phases spread',
    clusterDueShare: q,
    objectsPerInvocation: a.objectsPerCluster / a.refreshIntervalMinutes / q,
  };
}

/** One sweep minute in steady state. */
export function sweepMinuteLoad(
  units: Units,
  a: ModelAssumptions,
  clusters: number,
  phases: RefreshPhases,
): Load {
  const q = phases.clusterDueShare;
  const due = clusters * q * phases.objectsPerInvocation;
  const drift = clusters / a.driftCheckMinutes;
  // A drift check covers the cluster's due objects, so only the other clusters need a scoped pass.
  const scoped = (clusters - drift) * q;
  const sweep = emptyLoad();
  sweep.invocations.sweep = 1;
  sweep.dynamoDb = addDb(
    addDb(addDb(units.sweep.fixed, units.sweep.perCluster, clusters), units.sweep.perDueObject, due),
    units.sweep.perDriftCheck,
    drift,
  );
  sweep.logBytes = units.logBytes.sweep;
  sweep.gbSeconds =
    ((a.durationsMs.sweepFixed + a.durationsMs.sweepPerCluster * clusters) / 1000) *
    (a.memoryMb.sweep / 1024);
  // Each invocation with due objects reads their keys in batches of 20.
  const callsPerInvocation = Math.ceil((phases.objectsPerInvocation * a.keysPerObject) / 20);
  const inScope = drift * a.objectsPerCluster + scoped * phases.objectsPerInvocation;
  return addLoad(
    sweep,
    reconcileLoad(units, a, drift + scoped, due, clusters * q * callsPerInvocation, inScope),
  );
}

/** A watcher notice for one edited ExternalSecret, and the one-object pass it starts. */
export function ingestLoad(units: Units, a: ModelAssumptions): Load {
  const fn = emptyLoad();
  fn.invocations.ingest = 1;
  fn.dynamoDb = { ...units.ingestPerNotice };
  fn.logBytes = units.logBytes.ingest;
  fn.gbSeconds = (a.durationsMs.ingest / 1000) * (a.memoryMb.ingest / 1024);
  return addLoad(fn, reconcileLoad(units, a, 1, 1, 1));
}

export interface MonthlyModel {
  clusters: number;
  phases: RefreshPhases;
  objects: number;
  perRotationFleetKey: Load;
  perRotationOwnKey: Load;
  perSweepMinute: Load;
  month: Load;
  /** What a per-object poller (ESO) reads in a month: objects x refs x refreshes. */
  perObjectControllerProviderCalls: number;
  cost: Record<string, number>;
  costTotal: number;
}

export function monthlyModel(
  units: Units,
  a: ModelAssumptions,
  clusters: number,
  phases: RefreshPhases,
): MonthlyModel {
  const objects = clusters * a.objectsPerCluster;
  const perRotationFleetKey = rotationLoad(units, a, clusters, clusters * a.objectsPerFleetKey);
  const perRotationOwnKey = rotationLoad(units, a, 1, 1);
  const perSweepMinute = sweepMinuteLoad(units, a, clusters, phases);
  let month = addLoad(emptyLoad(), perSweepMinute, a.minutesPerMonth);
  month = addLoad(month, perRotationFleetKey, a.fleetKeys * a.rotationsPerKeyPerMonth);
  month = addLoad(month, perRotationOwnKey, clusters * a.ownKeysPerCluster * a.rotationsPerKeyPerMonth);
  month = addLoad(month, ingestLoad(units, a), objects * a.manifestEditsPerObjectPerMonth);

  const seconds = a.minutesPerMonth * 60;
  const invocationCount = Object.values(month.invocations).reduce((x, y) => x + y, 0);
  // X-Ray's default rule: the first request each second, then 5% of the rest (taken per function).
  const traces = Object.values(month.invocations).reduce((sum, n) => {
    const perSecond = n / seconds;
    const sampled =
      Math.min(perSecond, a.xRay.reservoirPerSecond) +
      Math.max(0, perSecond - a.xRay.reservoirPerSecond) * a.xRay.rate;
    return sum + sampled * seconds;
  }, 0);
  const logGb = month.logBytes / 1e9;
  const cost: Record<string, number> = {
    'Lambda requests': (invocationCount / 1e6) * PRICES.lambdaRequestsPerMillion,
    'Lambda compute (GB-s, arm64)': month.gbSeconds * PRICES.lambdaGbSecondArm64,
    'DynamoDB reads (RRU)': (month.dynamoDb.rru / 1e6) * PRICES.dynamoDbReadRequestUnitsPerMillion,
    'DynamoDB writes (WRU)': (month.dynamoDb.wru / 1e6) * PRICES.dynamoDbWriteRequestUnitsPerMillion,
    'DynamoDB storage': ((objects * a.stateBytesPerObject) / 1e9) * PRICES.dynamoDbStorageGbMonth,
    'Secrets Manager API calls': (month.providerCalls / 1e4) * PRICES.secretsManagerPer10kApiCalls,
    EventBridge: 0,
    'CloudWatch Logs (ingest + storage)':
      logGb * PRICES.cloudWatchLogsIngestPerGb +
      logGb * (a.logRetentionDays / 30) * PRICES.cloudWatchLogsStoragePerGbMonth,
    'CloudWatch custom metrics': units.customMetrics * PRICES.cloudWatchCustomMetricMonth,
    'X-Ray traces': (traces / 1e6) * PRICES.xRayTracesRecordedPerMillion,
  };
  return {
    clusters,
    phases,
    objects,
    perRotationFleetKey,
    perRotationOwnKey,
    perSweepMinute,
    month,
    perObjectControllerProviderCalls: objects * (a.minutesPerMonth / a.refreshIntervalMinutes),
    cost,
    costTotal: Object.values(cost).reduce((x, y) => x + y, 0),
  };
}
