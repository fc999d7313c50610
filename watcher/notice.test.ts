import { describe, expect, it } from 'vitest';
import { InvalidNoticeBatchError, type NoticeBatch, parseNoticeBatch } from './notice.js';

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
