import { describe, expect, it } from 'vitest';
import { diffCounts, RequestCounter } from './request-counter.js';

describe('RequestCounter', () => {
  it('should count reads and writes separately and by action', () => {
    const counter = new RequestCounter();
    counter.record('list', 'secrets');
    counter.record('apply', 'secrets');
    counter.record('apply', 'secrets');
    counter.record('create', 'events');
    expect(counter.snapshot()).toEqual({
      total: 4,
      reads: 1,
      writes: 3,
      byAction: { 'apply secrets': 2, 'create events': 1, 'list secrets': 1 },
    });
  });

  it('should tell what happened between two snapshots', () => {
    const counter = new RequestCounter();
    counter.record('list', 'secrets');
    const before = counter.snapshot();
    counter.record('list', 'secrets');
    counter.record('delete', 'secrets');
    expect(diffCounts(before, counter.snapshot())).toEqual({
      total: 2,
      reads: 1,
      writes: 1,
      byAction: { 'list secrets': 1, 'delete secrets': 1 },
    });
  });
});
