import { describe, expect, it } from 'vitest';
import type { SyncStatus } from '../domain/records.js';
import {
  externalSecretStatus,
  failureBackoffMs,
  readyCondition,
  statusChanged,
  visibleChange,
} from './status-report.js';

const base: SyncStatus = {
  clusterId: 'c',
  namespace: 'ns',
  name: 'db',
  version: 3,
  ready: 'True',
  reason: 'SecretSynced',
  attempts: 0,
  conditions: [
    {
      type: 'Ready',
      status: 'True',
      reason: 'SecretSynced',
      message: 'ok',
      lastTransitionTime: '2030-01-01T00:00:00.000Z',
    },
  ],
  targetName: 'db-creds',
  lastSyncAt: '2030-01-01T00:00:00.000Z',
  lastAttemptAt: '2030-01-01T00:00:00.000Z',
  nextRefreshAt: '2030-01-01T01:00:00.000Z',
};

describe('readyCondition', () => {
  it('should keep lastTransitionTime while the status stays the same', () => {
    const c = readyCondition(
      base.conditions,
      { status: 'True', reason: 'SecretSynced', message: 'again' },
      new Date('2030-02-01T00:00:00Z'),
    );
    expect(c.lastTransitionTime).toBe('2030-01-01T00:00:00.000Z');
    expect(c.message).toBe('again');
  });

  it('should stamp a new lastTransitionTime when the status flips', () => {
    const c = readyCondition(
      base.conditions,
      { status: 'False', reason: 'SecretSyncedError', message: 'x' },
      new Date('2030-02-01T00:00:00Z'),
    );
    expect(c.lastTransitionTime).toBe('2030-02-01T00:00:00.000Z');
  });
});

describe('statusChanged', () => {
  it('should ignore the bookkeeping of an attempt that changed nothing', () => {
    expect(
      statusChanged(base, {
        ...base,
        version: 4,
        lastAttemptAt: '2030-01-01T00:30:00.000Z',
        lastSyncAt: '2030-01-01T00:30:00.000Z',
      }),
    ).toBe(false);
  });

  it('should not care in which order a store hands back map keys', () => {
    const reordered = {
      ...base,
      conditions: base.conditions?.map((c) => Object.fromEntries(Object.entries(c).reverse()) as typeof c),
    };
    expect(statusChanged(base, reordered)).toBe(false);
  });

  it('should see a rescheduled refresh, a new HMAC or a new resourceVersion', () => {
    expect(statusChanged(base, { ...base, nextRefreshAt: '2030-01-01T02:00:00.000Z' })).toBe(true);
    expect(statusChanged(base, { ...base, dataHmac: 'ab' })).toBe(true);
    expect(statusChanged(base, { ...base, writtenResourceVersion: '7' })).toBe(true);
    expect(statusChanged(undefined, base)).toBe(true);
  });
});

describe('visibleChange', () => {
  it('should report a change of the Ready condition only', () => {
    expect(visibleChange(base, { ...base, version: 9 })).toBe(false);
    const failed: SyncStatus = {
      ...base,
      conditions: [{ type: 'Ready', status: 'False', reason: 'SecretSyncedError', message: 'm' }],
    };
    expect(visibleChange(base, failed)).toBe(true);
  });
});

describe('externalSecretStatus', () => {
  it('should speak ESO: conditions, refreshTime, syncedResourceVersion and binding', () => {
    expect(externalSecretStatus(base, '42')).toEqual({
      conditions: base.conditions,
      refreshTime: '2030-01-01T00:00:00.000Z',
      syncedResourceVersion: '42',
      binding: { name: 'db-creds' },
    });
  });

  it('should not claim a synced version while the object is failing', () => {
    expect(externalSecretStatus({ ...base, ready: 'False' }, '42').syncedResourceVersion).toBeUndefined();
  });
});

describe('failureBackoffMs', () => {
  it('should double from 30 seconds up to 10 minutes', () => {
    expect([1, 2, 3, 5, 10].map(failureBackoffMs)).toEqual([30_000, 60_000, 120_000, 480_000, 600_000]);
  });
});
