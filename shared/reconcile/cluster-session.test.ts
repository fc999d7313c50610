import { describe, expect, it } from 'vitest';
import type { ClusterClient } from '../ports/cluster-client.js';
import { KubeForbiddenError, KubeUnreachableError } from '../ports/cluster-client-errors.js';
import { ClusterSession } from './cluster-session.js';

/** A client whose listManagedSecrets answers from a script; every other call succeeds. */
function scriptedClient(answers: Array<Error | 'ok'>): { client: ClusterClient; calls: () => number } {
  let calls = 0;
  const ok = async () => undefined as never;
  const client = new Proxy({ clusterId: 'c1' } as ClusterClient, {
    get: (target, prop) => {
      if (prop === 'clusterId') return target.clusterId;
      if (prop !== 'listManagedSecrets') return ok;
      return async () => {
        const answer = answers[calls++];
        if (answer instanceof Error) throw answer;
        return [];
      };
    },
  });
  return { client, calls: () => calls };
}

describe('ClusterSession', () => {
  it('should fail every call after the first cluster-wide failure with that failure, without calling out', async () => {
    const unreachable = new KubeUnreachableError({ clusterId: 'c1', action: 'list secrets' });
    const inner = scriptedClient([unreachable, 'ok']);
    const session = new ClusterSession(inner.client);
    await expect(session.client.listManagedSecrets({ labelSelector: 'x' })).rejects.toBe(unreachable);
    await expect(session.client.listManagedSecrets({ labelSelector: 'x' })).rejects.toBe(unreachable);
    await expect(session.client.createEvent({} as never)).rejects.toBe(unreachable);
    expect(inner.calls()).toBe(1);
    expect(session.down).toBe(unreachable);
    expect(session.counts()).toEqual({ reads: 1, writes: 0, byAction: { 'list secrets': 1 } });
  });

  it('should keep going after a failure that concerns one object', async () => {
    const forbidden = new KubeForbiddenError({ clusterId: 'c1', action: 'list secrets in namespace a' });
    const inner = scriptedClient([forbidden, 'ok']);
    const session = new ClusterSession(inner.client);
    await expect(session.client.listManagedSecrets({ labelSelector: 'x' })).rejects.toBe(forbidden);
    await expect(session.client.listManagedSecrets({ labelSelector: 'x' })).resolves.toEqual([]);
    await session.client.applySecret({} as never, { fieldManager: 'm' });
    expect(session.down).toBeUndefined();
    expect(session.counts()).toEqual({
      reads: 2,
      writes: 1,
      byAction: { 'apply secrets': 1, 'list secrets': 2 },
    });
  });
});
