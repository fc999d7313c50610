import { describe, expect, it } from 'vitest';
import { noticeBatchSignature } from '../../shared/domain/notice-signature.js';
import { createObservability } from '../lib/observability.js';
import { createIngestHandler } from './handler.js';

const NOW = new Date('2026-11-20T10:00:00Z');
const keys: Record<string, Uint8Array> = {
  'edge-1': new TextEncoder().encode('key-of-edge-1'),
  'prod-eu-1': new TextEncoder().encode('key-of-prod-eu-1'),
};

function batchFor(clusterId: string, issuedAt = NOW.toISOString()) {
  return {
    clusterId,
    issuedAt,
    notices: [
      {
        kind: 'ExternalSecret' as const,
        namespace: 'team-a',
        name: 'db',
        uid: 'u-1',
        resourceVersion: '7',
        generation: 1,
        event: 'upsert' as const,
      },
    ],
  };
}

const signedWith = <T extends { clusterId: string }>(key: Uint8Array, batch: T) => ({
  ...batch,
  signature: noticeBatchSignature(key, batch),
});

/** The handler with its ingest replaced by a marker: reaching it means the batch was accepted. */
function handler() {
  const reached: string[] = [];
  const run = createIngestHandler(
    async () => {
      reached.push('ingest');
      throw new Error('reached ingest');
    },
    createObservability('ingest'),
    {
      kind: 'signed',
      keys: { keyOf: async (clusterId) => keys[clusterId] },
      clock: { now: () => NOW },
    },
  ) as (event: unknown) => Promise<unknown>;
  return { run, reached };
}

describe('ingest batch binding', () => {
  it("should accept a batch signed with its own cluster's watcher key", async () => {
    const { run, reached } = handler();
    await expect(run(signedWith(keys['edge-1']!, batchFor('edge-1')))).rejects.toThrow('reached ingest');
    expect(reached).toEqual(['ingest']);
  });

  it('should refuse a batch that claims another cluster, before touching any cluster', async () => {
    const { run, reached } = handler();
    // The watcher of edge-1 signs with the only key it has, but speaks for prod-eu-1.
    const forged = signedWith(keys['edge-1']!, batchFor('prod-eu-1'));
    expect(await run(forged)).toEqual({
      refused: expect.stringContaining("signature does not match that cluster's watcher key"),
    });
    expect(reached).toEqual([]);
  });

  it('should refuse a signed batch whose clusterId was changed in transit', async () => {
    const { run, reached } = handler();
    const signed = signedWith(keys['edge-1']!, batchFor('edge-1'));
    expect(await run({ ...signed, clusterId: 'prod-eu-1' })).toMatchObject({ refused: expect.any(String) });
    expect(reached).toEqual([]);
  });

  it('should refuse an unsigned batch, a stale one, and one for a cluster without a key', async () => {
    const { run, reached } = handler();
    expect(await run(batchFor('edge-1'))).toEqual({ refused: expect.stringContaining('not signed') });
    const stale = signedWith(keys['edge-1']!, batchFor('edge-1', '2026-11-20T09:50:00Z'));
    expect(await run(stale)).toEqual({ refused: expect.stringContaining('issuedAt') });
    const unknown = signedWith(keys['edge-1']!, batchFor('ghost'));
    expect(await run(unknown)).toEqual({ refused: expect.stringContaining('has no watcher key') });
    expect(reached).toEqual([]);
  });
});
