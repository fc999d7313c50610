/**
 * From the scale model's measurements to the unit costs the monthly model multiplies (pure).
 * Fleet-wide reads are split into a fixed part and a part per cluster record / due object /
 * dependent by comparing two measurements that differ only in that count.
 */
import type { DbCost, Units } from './cost-model.js';
import type { DynamoDbUsage } from './lib/dynamodb-meter.js';
import type { ScaleMeasurements } from './scale-model.js';

export function dbCost(usage: DynamoDbUsage | undefined): DbCost {
  if (!usage) return { requests: 0, rru: 0, wru: 0 };
  return { requests: usage.reads + usage.writes, rru: usage.rru, wru: usage.wru };
}

function minus(a: DbCost, b: DbCost): DbCost {
  return { requests: a.requests - b.requests, rru: a.rru - b.rru, wru: a.wru - b.wru };
}

function times(a: DbCost, k: number): DbCost {
  return { requests: a.requests * k, rru: a.rru * k, wru: a.wru * k };
}

/** Rounding of capacity units can make a measured difference dip below zero: a cost is never negative. */
function floor0(a: DbCost): DbCost {
  return { requests: Math.max(0, a.requests), rru: Math.max(0, a.rru), wru: Math.max(0, a.wru) };
}

/**
 * A pass logs a fixed part and a report per object in scope: the 2-object scoped refresh and the
 * whole-cluster drift check (every object in scope) separate the two.
 */
function reconcileLogBytes(m: ScaleMeasurements): { fixed: number; perObject: number } {
  const scoped = m.scopedRefresh2.logBytesPerInvocation['reconcile-cluster'] ?? 0;
  const whole = m.driftCheck.logBytesPerInvocation['reconcile-cluster'] ?? 0;
  const perObject = Math.max(0, (whole - scoped) / (m.options.objectsPerCluster - 2));
  return { fixed: Math.max(0, scoped - 2 * perObject), perObject };
}

export function unitsFrom(m: ScaleMeasurements, customMetrics: number): Units {
  const reconcile = (u: { dynamodb: Record<string, DynamoDbUsage> }) =>
    dbCost(u.dynamodb['reconcile-cluster']);
  const pass = reconcile(m.driftCheck);
  const perObject = floor0(times(minus(reconcile(m.fullRefresh), pass), 1 / m.options.objectsPerCluster));

  const [small, large] = m.sweepQuiet;
  if (!small || !large) throw new Error('the scale model needs two quiet sweeps');
  const quietSmall = dbCost(small.dynamodb);
  const quietLarge = dbCost(large.dynamodb);
  const perCluster = floor0(times(minus(quietLarge, quietSmall), 1 / (large.clusters - small.clusters)));
  const fixed = floor0(minus(quietSmall, times(perCluster, small.clusters)));
  const perDriftCheck = floor0(
    times(minus(dbCost(m.sweepWithDriftChecks.dynamodb), quietSmall), 1 / m.sweepWithDriftChecks.driftChecks),
  );
  const perDueObject = floor0(
    times(
      minus(
        minus(dbCost(m.sweepAllDue.dynamodb), quietLarge),
        times(perDriftCheck, m.options.sampleClusters),
      ),
      1 / m.sweepAllDue.due,
    ),
  );

  // The reverse-index query grows with dependents; the sample's keys have too few to show it, so the
  // per-dependent part comes from the probe key's query, the fixed part from a one-dependent rotation.
  const probe = dbCost(m.dependentsQuery.dynamodb);
  const perDependent: DbCost = {
    requests: 0,
    rru: probe.rru / Math.max(1, m.dependentsQuery.dependents),
    wru: 0,
  };
  const rotationFixed = floor0(
    minus(dbCost(m.rotationOwnKey.rotationFn), times(perDependent, m.rotationOwnKey.dependents)),
  );

  return {
    pass,
    perObject,
    sweep: { fixed, perCluster, perDueObject, perDriftCheck },
    rotation: { fixed: rotationFixed, perDependent },
    ingestPerNotice: times(dbCost(m.ingest.dynamodb.ingest), 1 / Math.max(1, m.ingest.notices)),
    logBytes: {
      rotation: m.rotationFleetKey.logBytesPerInvocation.rotation ?? 0,
      sweep: m.driftCheck.logBytesPerInvocation.sweep ?? 0,
      ingest: m.ingest.logBytesPerInvocation.ingest ?? 0,
      reconcile: reconcileLogBytes(m),
    },
    customMetrics,
  };
}
