import { describe, expect, it } from 'vitest';
import {
  InvalidNoticeBatchError,
  MAX_NOTICES_PER_BATCH,
  type NoticeBatch,
  parseNoticeBatch,
} from './notice-batch.js';

const valid: NoticeBatch = {
  clusterId: 'prod-eu-1',
  notices: [
    {
      kind: 'ExternalSecret',
      namespace: 'team-1',
      name: 'db',
      uid: '6c1f0f0e-0d6b-4a57-9c56-1f5b0f3d2a11',
      resourceVersion: '4711',
      generation: 3,
      event: 'upsert',
    },
    {
      kind: 'ClusterExternalSecret',
      name: 'shared',
      uid: 'u-2',
      resourceVersion: '4712',
      generation: 1,
      event: 'delete',
    },
  ],
  digest: {
    kind: 'ExternalSecret',
    resourceVersion: '4712',
    objects: [{ namespace: 'team-1', name: 'db', uid: 'u-1', resourceVersion: '4711', generation: 3 }],
    complete: true,
  },
};

describe('parseNoticeBatch', () => {
  it('should accept a batch with notices and a digest', () => {
    expect(parseNoticeBatch(structuredClone(valid))).toEqual(valid);
  });

  it('should accept a digest-only batch', () => {
    expect(
      parseNoticeBatch({
        clusterId: 'c1',
        notices: [],
        digest: { kind: 'ClusterExternalSecret', objects: [], complete: true },
      }),
    ).toMatchObject({ notices: [] });
  });

  it('should name the path of a field with the wrong type', () => {
    const bad = structuredClone(valid) as unknown as { notices: Array<Record<string, unknown>> };
    bad.notices[1]!.generation = 'one';
    expect(() => parseNoticeBatch(bad)).toThrow(/\/notices\/1\/generation/);
  });

  it('should reject an unknown kind, event or extra field', () => {
    expect(() => parseNoticeBatch({ ...valid, notices: [{ ...valid.notices[0], kind: 'Secret' }] })).toThrow(
      InvalidNoticeBatchError,
    );
    expect(() => parseNoticeBatch({ ...valid, notices: [{ ...valid.notices[0], event: 'patch' }] })).toThrow(
      /\/notices\/0/,
    );
    expect(() => parseNoticeBatch({ ...valid, data: { password: 'x' } })).toThrow(InvalidNoticeBatchError);
  });

  it('should reject a digest that does not claim to be complete', () => {
    expect(() => parseNoticeBatch({ ...valid, digest: { ...valid.digest, complete: false } })).toThrow(
      /\/digest\/complete/,
    );
  });

  it('should not repeat the offending value in the error message', () => {
    const marker = 'this-value-must-not-be-echoed';
    try {
      parseNoticeBatch({ clusterId: 'c1', notices: [{ ...valid.notices[0], name: 7, uid: { marker } }] });
      expect.unreachable();
    } catch (error) {
      expect((error as Error).message).not.toContain(marker);
    }
  });
});

describe('parseNoticeBatch bounds and names', () => {
  const notice = valid.notices[0]!;
  const withNotice = (patch: Record<string, unknown>) => ({ ...valid, notices: [{ ...notice, ...patch }] });

  it('should refuse a batch of more than the maximum number of notices, naming the field', () => {
    const many = Array.from({ length: 20_000 }, (_, i) => ({ ...notice, name: `db-${i}` }));
    expect(() => parseNoticeBatch({ ...valid, notices: many })).toThrow(/at \/notices: .*500/);
    const atLimit = many.slice(0, MAX_NOTICES_PER_BATCH);
    expect(parseNoticeBatch({ ...valid, notices: atLimit }).notices).toHaveLength(MAX_NOTICES_PER_BATCH);
  });

  it.each([
    ['a name of ..', { name: '..' }, '/notices/0/name'],
    ['a name with a slash', { name: 'a/b' }, '/notices/0/name'],
    ['an upper-case name', { name: 'DB' }, '/notices/0/name'],
    ['a namespace with a slash', { namespace: 'a/b' }, '/notices/0/namespace'],
    ['a namespace of ..', { namespace: '..' }, '/notices/0/namespace'],
    ['a namespace with a dot', { namespace: 'team.a' }, '/notices/0/namespace'],
    ['an unknown kind', { kind: 'Secret' }, '/notices/0/kind'],
    ['an oversized uid', { uid: 'u'.repeat(129) }, '/notices/0/uid'],
  ])('should refuse %s, naming the field and not the value', (_what, patch, field) => {
    let error: unknown;
    try {
      parseNoticeBatch(withNotice(patch));
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(InvalidNoticeBatchError);
    expect((error as Error).message).toContain(`at ${field}:`);
    for (const value of Object.values(patch)) expect((error as Error).message).not.toContain(`"${value}"`);
  });

  it('should accept a dotted object name, as Kubernetes does', () => {
    expect(parseNoticeBatch(withNotice({ name: 'db.v2' })).notices[0]?.name).toBe('db.v2');
  });

  it('should refuse a cluster id that is no DNS label, and a digest entry named a/b', () => {
    expect(() => parseNoticeBatch({ ...valid, clusterId: '../prod' })).toThrow(/at \/clusterId:/);
    const digest = { ...valid.digest!, objects: [{ ...valid.digest!.objects[0]!, name: 'a/b' }] };
    expect(() => parseNoticeBatch({ ...valid, digest })).toThrow(/at \/digest\/objects\/0\/name:/);
  });
});
