import { describe, expect, it } from 'vitest';
import { type DynamoDbUsage, emptyUsage } from './lib/dynamodb-meter.js';
import type { ScaleMeasurements, UnitCost } from './scale-model.js';
import { unitsFrom } from './units.js';

function usage(reads: number, writes: number, rru: number, wru: number): DynamoDbUsage {
  return { ...emptyUsage(), reads, writes, rru, wru };
}

function cost(reconcile: DynamoDbUsage, extra: Partial<UnitCost> = {}): UnitCost {
  return {
    invocations: 1,
    dynamodb: { 'reconcile-cluster': reconcile },
    providerCallsPerInvocation: 1,
    kubePerInvocation: { reads: 1, writes: 0 },
    logBytesPerInvocation: { 'reconcile-cluster': 1000, sweep: 500, rotation: 900, ingest: 700 },
    reconcileMs: { n: 1, min: 1, p50: 1, p95: 1, max: 1, mean: 1 },
    ...extra,
  };
}

const measurements: ScaleMeasurements = {
  options: { sampleClusters: 10, idleClusters: 190, objectsPerCluster: 100, sharedKeys: 45, ownKeys: 10 },
  ingest: { ...cost(usage(0, 0, 0, 0)), notices: 1000, dynamodb: { ingest: usage(1000, 1000, 1000, 4000) } },
  initialSync: cost(usage(0, 0, 0, 0)),
  sweepQuiet: [
    { clusters: 10, dynamodb: usage(17, 0, 8.5, 0) },
    { clusters: 200, dynamodb: usage(17, 0, 18, 0) },
  ],
  sweepWithDriftChecks: { driftChecks: 10, dynamodb: usage(17, 10, 8.5, 10) },
  sweepAllDue: { due: 1000, clusters: 200, dynamodb: usage(17, 10, 38, 10) },
  driftCheck: cost(usage(3, 2, 36, 2), {
    logBytesPerInvocation: { 'reconcile-cluster': 9000, sweep: 500, rotation: 900, ingest: 700 },
  }),
  scopedRefresh2: cost(usage(5, 4, 38, 8)),
  fullRefresh: cost(usage(3, 102, 36, 302)),
  rotationFleetKey: { ...cost(usage(5, 4, 38, 8)), dependents: 20, rotationFn: usage(2, 1, 1.5, 1) },
  rotationOwnKey: { ...cost(usage(5, 3, 38, 5)), dependents: 1, rotationFn: usage(2, 1, 1.5, 1) },
  dependentsQuery: { dependents: 200, dynamodb: usage(1, 0, 8, 0) },
  dynamoDbLocalRequestsPerSecond: 150,
};

describe('unitsFrom', () => {
  it('should split reconcile log bytes into a fixed part and a report per object in scope', () => {
    const { reconcile } = unitsFrom(measurements, 9).logBytes;
    expect(reconcile.perObject).toBeCloseTo((9000 - 1000) / 98, 10);
    expect(reconcile.fixed).toBeCloseTo(1000 - (2 * 8000) / 98, 10);
  });

  const units = unitsFrom(measurements, 9);

  it('should take a drift check as the fixed part of an invocation and the rest of a full refresh per object', () => {
    expect(units.pass).toEqual({ requests: 5, rru: 36, wru: 2 });
    expect(units.perObject).toEqual({ requests: 1, rru: 0, wru: 3 });
  });

  it('should split the sweep into a fixed part, a part per cluster record, per drift check and per due object', () => {
    expect(units.sweep.perCluster.rru).toBeCloseTo(9.5 / 190, 10);
    expect(units.sweep.fixed.rru).toBeCloseTo(8.5 - (9.5 / 190) * 10, 10);
    expect(units.sweep.perDriftCheck).toEqual({ requests: 1, rru: 0, wru: 1 });
    expect(units.sweep.perDueObject.rru).toBeCloseTo(20 / 1000, 10);
  });

  it('should size the reverse-index read per dependent from the probe key', () => {
    expect(units.rotation.perDependent.rru).toBeCloseTo(8 / 200, 10);
    expect(units.rotation.fixed.rru).toBeCloseTo(1.5 - 8 / 200, 10);
  });

  it('should divide the ingest cost by the notices and carry log bytes and metrics through', () => {
    expect(units.ingestPerNotice).toEqual({ requests: 2, rru: 1, wru: 4 });
    expect(units.logBytes).toMatchObject({ rotation: 900, sweep: 500, ingest: 700 });
    expect(units.customMetrics).toBe(9);
  });
});
