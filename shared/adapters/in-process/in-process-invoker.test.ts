import { describe, expect, it } from 'vitest';
import type { ReconcileRequest } from '../../domain/records.js';
import { InProcessInvoker } from './in-process-invoker.js';

const req = (clusterId: string): ReconcileRequest => ({ clusterId, scope: { kind: 'all' }, reason: 'sweep' });

describe('InProcessInvoker', () => {
  it('should return before the target runs, and drain should wait for chained invocations', async () => {
    const seen: string[] = [];
    const invoker = new InProcessInvoker();
    invoker.setTarget('reconcile-cluster', async (p) => {
      seen.push(p.clusterId);
      if (p.clusterId === 'a') await invoker.invokeAsync('reconcile-cluster', req('b'));
    });
    await invoker.invokeAsync('reconcile-cluster', req('a'));
    expect(seen).toEqual([]);
    await invoker.drain();
    expect(seen).toEqual(['a', 'b']);
  });

  it('should keep a failed invocation instead of failing the caller', async () => {
    const invoker = new InProcessInvoker();
    invoker.setTarget('reconcile-cluster', async () => {
      throw new Error('boom');
    });
    await invoker.invokeAsync('reconcile-cluster', req('a'));
    await invoker.drain();
    expect(invoker.failures).toHaveLength(1);
    expect(invoker.failures[0]?.fn).toBe('reconcile-cluster');
  });

  it('should hand the target a copy, not the caller object', async () => {
    const invoker = new InProcessInvoker();
    let received: ReconcileRequest | undefined;
    invoker.setTarget('reconcile-cluster', async (p) => {
      received = p;
    });
    const sent = req('a');
    await invoker.invokeAsync('reconcile-cluster', sent);
    await invoker.drain();
    expect(received).toEqual(sent);
    expect(received).not.toBe(sent);
  });
});
