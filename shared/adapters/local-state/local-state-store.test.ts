import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import {
  describeStateStoreContract,
  ManualClock,
} from '../../../infra-tests/contracts/state-store-contract.js';
import type { ObjectRef } from '../../domain/records.js';
import { StateFileCorruptError } from './errors.js';
import { LocalStateStore } from './local-state-store.js';

const root = await mkdtemp(join(tmpdir(), 'fleet-secrets-local-state-'));
const dirs: string[] = [];
afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

// The contract runs against the persisted variant, so the canary scan reads what reached the disk.
describeStateStoreContract('local store persisted to a folder', {
  async create(clock) {
    const dir = join(root, `contract-${dirs.length}`);
    dirs.push(dir);
    return LocalStateStore.open({ dir, clock });
  },
  async dumpEverythingWritten() {
    const files = await Promise.all(dirs.map((d) => readFile(join(d, 'state.json'), 'utf8').catch(() => '')));
    return files.join('\n');
  },
});

describe('LocalStateStore persistence', () => {
  const ref: ObjectRef = { clusterId: 'c1', namespace: 'apps', name: 'db' };
  const newDir = () => mkdtemp(join(root, 'persist-'));

  it('should reopen a folder with everything that was written, including the reverse index and leases', async () => {
    const dir = await newDir();
    const clock = new ManualClock();
    const first = await LocalStateStore.open({ dir, clock });
    await first.putSnapshot({
      ...ref,
      source: { kind: 'ExternalSecret', name: 'db', namespace: 'apps', generation: 2, resourceVersion: '10' },
      spec: { data: [{ secretKey: 'p', remoteRef: { key: 'prod/db' } }] },
      refs: [{ storeName: 'aws', key: 'prod/db' }],
      updatedAt: '2030-01-01T00:00:00.000Z',
    });
    await first.putStatus({ ...ref, version: 1, ready: 'True', reason: 'SecretSynced', attempts: 0 });
    await first.acquireLease('c1', 'w1', 60_000, { kind: 'all' });
    await first.acquireLease('c1', 'w2', 60_000, {
      kind: 'objects',
      objects: [{ namespace: 'apps', name: 'db' }],
    });

    const second = await LocalStateStore.open({ dir, clock });
    expect(await second.findDependents('aws', 'prod/db')).toEqual([ref]);
    expect(await second.getStatus(ref)).toMatchObject({ version: 1 });
    expect((await second.acquireLease('c1', 'w3', 60_000, { kind: 'objects', objects: [] })).acquired).toBe(
      false,
    );
    expect(await second.releaseLease('c1', 'w1')).toEqual({
      kind: 'objects',
      objects: [{ namespace: 'apps', name: 'db' }],
    });
  });

  it('should keep a tombstone across a reopen, and forget it once its purge time passed', async () => {
    const dir = await newDir();
    const clock = new ManualClock();
    const snapshot = {
      ...ref,
      source: { kind: 'ExternalSecret' as const, name: 'db', generation: 1, resourceVersion: '10' },
      spec: {},
      refs: [],
      updatedAt: '2030-01-01T00:00:00.000Z',
    };
    const first = await LocalStateStore.open({ dir, clock, purgeAfterMs: 60_000 });
    await first.putSnapshot(snapshot);
    await first.deleteSnapshot(ref);
    const second = await LocalStateStore.open({ dir, clock, purgeAfterMs: 60_000 });
    expect(await second.putSnapshot(snapshot)).toBe('stale');
    clock.advance(60_000);
    expect(await second.putSnapshot(snapshot)).toBe('written');
  });

  it('should leave the previous file intact when a writer crashed mid-write, and clean up its temporary file', async () => {
    const dir = await newDir();
    const store = await LocalStateStore.open({ dir });
    await store.putStore({
      apiVersion: 'fleet-secrets.io/v1',
      kind: 'SecretStore',
      metadata: { name: 'aws' },
      spec: { provider: { awsSecretsManager: { region: 'eu-west-1' } } },
    });
    // What a crash between "write temp file" and "rename" leaves behind.
    await writeFile(join(dir, '.state.json.999.dead.tmp'), '{"format": "fleet-secr');
    const reopened = await LocalStateStore.open({ dir });
    expect((await reopened.listStores()).map((s) => s.metadata.name)).toEqual(['aws']);
    expect(await readdir(dir)).toEqual(['state.json']);
  });

  it('should write a complete document after many concurrent changes', async () => {
    const dir = await newDir();
    const store = await LocalStateStore.open({ dir });
    await Promise.all(
      Array.from({ length: 50 }, (_, i) =>
        store.putStatus({ ...ref, name: `obj-${i}`, version: 1, ready: 'True', reason: 'ok', attempts: 0 }),
      ),
    );
    const doc = JSON.parse(await readFile(join(dir, 'state.json'), 'utf8')) as { statuses: unknown[] };
    expect(doc.statuses).toHaveLength(50);
    expect(await readdir(dir)).toEqual(['state.json']);
  });

  it('should refuse a state file that is not its own, naming the file and leaving it untouched', async () => {
    const dir = await newDir();
    const file = join(dir, 'state.json');
    await writeFile(file, '{ not json');
    await expect(LocalStateStore.open({ dir })).rejects.toThrow(StateFileCorruptError);
    await expect(LocalStateStore.open({ dir })).rejects.toThrow(file);
    await writeFile(file, '{"format":"something-else"}');
    await expect(LocalStateStore.open({ dir })).rejects.toThrow(
      /is not a fleet-secrets\/local-state\/v1 document/,
    );
    expect(await readFile(file, 'utf8')).toBe('{"format":"something-else"}');
  });

  it('should hand out copies, so a caller mutating a result cannot change the stored state', async () => {
    const store = new LocalStateStore();
    await store.putStatus({ ...ref, version: 1, ready: 'True', reason: 'ok', attempts: 0, ownedKeys: ['a'] });
    const read = (await store.getStatus(ref))!;
    read.ownedKeys!.push('b');
    read.version = 99;
    expect(await store.getStatus(ref)).toMatchObject({ version: 1, ownedKeys: ['a'] });
  });
});
