import { describe, expect, it } from 'vitest';
import {
  capacityUnits,
  emptyUsage,
  operationName,
  record,
  scaleUsage,
  subtractUsage,
} from './dynamodb-meter.js';

describe('operationName', () => {
  it('should name document-client commands by their DynamoDB operation', () => {
    expect(operationName('PutCommand')).toBe('PutItem');
    expect(operationName('TransactWriteCommand')).toBe('TransactWriteItems');
    expect(operationName('QueryCommand')).toBe('Query');
    expect(operationName('GetItemCommand')).toBe('GetItem');
  });
});

describe('record', () => {
  it('should add read units to reads and write units to writes', () => {
    const usage = emptyUsage();
    record(usage, 'Query', { consumed: { CapacityUnits: 12.5 } });
    record(usage, 'PutItem', { consumed: { CapacityUnits: 2 } });
    expect(usage).toMatchObject({ reads: 1, writes: 1, rru: 12.5, wru: 2 });
    expect(usage.requests).toEqual({ Query: 1, PutItem: 1 });
  });

  it('should bill at least the minimum unit of a request that touched nothing', () => {
    const usage = emptyUsage();
    record(usage, 'Query', { consumed: { CapacityUnits: 0 } });
    record(usage, 'GetItem', { consumed: undefined }, true);
    record(usage, 'DeleteItem', { consumed: { CapacityUnits: 0 } });
    expect(usage).toMatchObject({ rru: 1.5, wru: 1 });
  });

  it('should bill transactions twice what DynamoDB Local reports', () => {
    const usage = emptyUsage();
    record(usage, 'TransactWriteItems', { consumed: [{ CapacityUnits: 2 }] });
    expect(usage.wru).toBe(4);
  });

  it('should bill a failed conditional write one write unit and a failed read nothing', () => {
    const usage = emptyUsage();
    record(usage, 'PutItem', { failed: true });
    record(usage, 'GetItem', { failed: true });
    expect(usage).toMatchObject({ writes: 1, reads: 1, wru: 1, rru: 0, failedWrites: 1 });
  });

  it('should ignore control-plane operations such as CreateTable', () => {
    const usage = emptyUsage();
    record(usage, 'CreateTable', { consumed: undefined });
    expect(usage.requests).toEqual({});
  });
});

describe('usage arithmetic', () => {
  it('should sum per-table capacity of batch responses', () => {
    expect(capacityUnits([{ CapacityUnits: 1 }, { CapacityUnits: 0.5 }])).toBe(1.5);
    expect(capacityUnits(undefined)).toBe(0);
  });

  it('should subtract and scale usages field by field', () => {
    const before = emptyUsage();
    record(before, 'GetItem', { consumed: { CapacityUnits: 1 } });
    const after = structuredClone(before);
    record(after, 'GetItem', { consumed: { CapacityUnits: 1 } });
    record(after, 'PutItem', { consumed: { CapacityUnits: 1 } });
    const delta = subtractUsage(after, before);
    expect(delta).toMatchObject({
      reads: 1,
      writes: 1,
      rru: 1,
      wru: 1,
      requests: { GetItem: 1, PutItem: 1 },
    });
    expect(scaleUsage(delta, 10)).toMatchObject({ reads: 10, rru: 10, requests: { GetItem: 10 } });
  });
});
