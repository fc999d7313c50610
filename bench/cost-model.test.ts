import { describe, expect, it } from 'vitest';
import {
  clusterDueProbability,
  type ModelAssumptions,
  monthlyModel,
  PRICES,
  rotationLoad,
  simulateRefreshPhases,
  spreadPhases,
  sweepMinuteLoad,
  type Units,
} from './cost-model.js';

const units: Units = {
  pass: { requests: 5, rru: 36, wru: 2 },
  perObject: { requests: 1, rru: 0, wru: 3 },
  sweep: {
    fixed: { requests: 17, rru: 8, wru: 0 },
    perCluster: { requests: 0, rru: 0.05, wru: 0 },
    perDueObject: { requests: 0, rru: 0.02, wru: 0 },
    perDriftCheck: { requests: 1, rru: 0, wru: 1 },
  },
  rotation: { fixed: { requests: 3, rru: 1, wru: 1 }, perDependent: { requests: 0, rru: 0.04, wru: 0 } },
  ingestPerNotice: { requests: 2, rru: 1, wru: 4 },
  logBytes: { rotation: 1000, sweep: 800, ingest: 700, reconcile: { fixed: 1100, perObject: 80 } },
  customMetrics: 9,
};

const assumptions: ModelAssumptions = {
  objectsPerCluster: 100,
  refreshIntervalMinutes: 60,
  keysPerObject: 0.55,
  driftCheckMinutes: 5,
  minutesPerMonth: 43_200,
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
    reconcilePerObject: 3,
  },
  memoryMb: { rotation: 512, sweep: 512, ingest: 1024, reconcile: 1024 },
  logRetentionDays: 30,
  xRay: { reservoirPerSecond: 1, rate: 0.05 },
  stateBytesPerObject: 3000,
};

describe('clusterDueProbability', () => {
  it('should give the chance that one of n evenly spread objects falls in a given minute', () => {
    expect(clusterDueProbability(1, 60)).toBeCloseTo(1 / 60, 10);
    expect(clusterDueProbability(100, 60)).toBeCloseTo(0.8138, 3);
  });
});

describe('simulateRefreshPhases', () => {
  it('should refresh every object about once per interval, never more often', () => {
    const sim = simulateRefreshPhases({
      clusters: 2,
      objectsPerCluster: 20,
      hours: 30,
      refreshInterval: '1h',
    });
    const perHour = sim.steadyShare * 60 * sim.steadyObjectsPerInvocation;
    // The jitter only ever delays (at most 5 minutes) and the sweep rounds up to the next minute.
    expect(perHour).toBeLessThanOrEqual(20);
    expect(perHour).toBeGreaterThanOrEqual((20 * 60) / 66);
  });

  it('should keep objects synced together in few invocations per hour', () => {
    const sim = simulateRefreshPhases({
      clusters: 2,
      objectsPerCluster: 50,
      hours: 30,
      refreshInterval: '1h',
    });
    expect(sim.steadyShare * 60).toBeLessThanOrEqual(7);
    expect(sim.afterDeployShare * 60).toBeLessThanOrEqual(7);
  });
});

describe('rotationLoad', () => {
  it('should invoke reconcile-cluster and read the provider once per dependent cluster', () => {
    const load = rotationLoad(units, assumptions, 3, 6);
    expect(load.invocations).toEqual({ rotation: 2, sweep: 0, ingest: 0, reconcile: 3 });
    expect(load.providerCalls).toBe(3);
    // Two event copies each query the index (fixed + 6 dependents), then 3 passes and 6 objects.
    expect(load.dynamoDb.rru).toBeCloseTo(2 * (1 + 6 * 0.04) + 3 * 36, 10);
    expect(load.dynamoDb.wru).toBeCloseTo(2 * 1 + 3 * 2 + 6 * 3, 10);
    expect(load.dynamoDb.requests).toBe(2 * 3 + 3 * 5 + 6 * 1);
    expect(load.logBytes).toBe(2 * 1000 + 3 * 1100 + 6 * 80);
  });
});

describe('sweepMinuteLoad', () => {
  it('should add one drift check per cluster per period and a scoped pass for the other clusters with due objects', () => {
    const phases = { name: 'test', clusterDueShare: 0.5, objectsPerInvocation: 4 };
    const load = sweepMinuteLoad(units, assumptions, 10, phases);
    // 10 / 5 = 2 drift checks; the other 8 clusters are due half of the time.
    expect(load.invocations.reconcile).toBeCloseTo(2 + 8 * 0.5, 10);
    expect(load.invocations.sweep).toBe(1);
    // 10 clusters x 0.5 x ceil(4 x 0.55 / 20) = 5 BatchGetSecretValue.
    expect(load.providerCalls).toBeCloseTo(5, 10);
    // Due objects: 10 x 0.5 x 4 = 20, each one status write.
    expect(load.dynamoDb.wru).toBeCloseTo(2 * 1 + 6 * 2 + 20 * 3, 10);
    // Drift checks report all 100 objects of their cluster, scoped passes only their due ones.
    expect(load.logBytes).toBeCloseTo(800 + 6 * 1100 + (2 * 100 + 4 * 4) * 80, 10);
  });

  it('should make spread phases cost more invocations than phases deployed together', () => {
    const together = sweepMinuteLoad(units, assumptions, 100, {
      name: 't',
      clusterDueShare: 0.08,
      objectsPerInvocation: 20,
    });
    const spread = sweepMinuteLoad(units, assumptions, 100, spreadPhases(assumptions));
    expect(spread.invocations.reconcile).toBeGreaterThan(together.invocations.reconcile);
  });
});

describe('monthlyModel', () => {
  it('should price every line from the load and sum them into the total', () => {
    const model = monthlyModel(units, assumptions, 100, spreadPhases(assumptions));
    const sum = Object.values(model.cost).reduce((a, b) => a + b, 0);
    expect(model.costTotal).toBeCloseTo(sum, 10);
    const invocations = Object.values(model.month.invocations).reduce((a, b) => a + b, 0);
    expect(model.cost['Lambda requests']).toBeCloseTo(
      (invocations / 1e6) * PRICES.lambdaRequestsPerMillion,
      10,
    );
    expect(model.cost['DynamoDB writes (WRU)']).toBeCloseTo(
      (model.month.dynamoDb.wru / 1e6) * PRICES.dynamoDbWriteRequestUnitsPerMillion,
      10,
    );
    expect(model.perObjectControllerProviderCalls).toBe(100 * 100 * 720);
  });

  it('should grow linearly with the fleet apart from fixed per-sweep costs', () => {
    const small = monthlyModel(units, assumptions, 100, spreadPhases(assumptions));
    const large = monthlyModel(units, assumptions, 1000, spreadPhases(assumptions));
    expect(large.month.invocations.reconcile / small.month.invocations.reconcile).toBeCloseTo(10, 1);
    expect(large.month.providerCalls / small.month.providerCalls).toBeCloseTo(10, 1);
  });
});
