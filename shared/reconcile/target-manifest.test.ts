import { describe, expect, it } from 'vitest';
import type { DesiredSnapshot } from '../domain/records.js';
import type { RenderedSecret } from '../domain/rendered-secret.js';
import { fieldManagerOf, ownerReferenceMissing, toManifest } from './target-manifest.js';

const snapshot = (
  target: NonNullable<DesiredSnapshot['spec']['target']>,
  kind: DesiredSnapshot['source']['kind'] = 'ExternalSecret',
): DesiredSnapshot => ({
  clusterId: 'c',
  namespace: 'team-a',
  name: 'db',
  source: { kind, name: 'db', namespace: 'team-a', uid: 'uid-1', generation: 1 },
  spec: { target, data: [{ secretKey: 'k', remoteRef: { key: 'x' } }] },
  refs: [],
  updatedAt: '2030-01-01T00:00:00.000Z',
});

const rendered: RenderedSecret = {
  name: 'db-creds',
  type: 'kubernetes.io/basic-auth',
  labels: { l: '1' },
  annotations: { a: '2' },
  data: { password: new TextEncoder().encode('p@ss') },
  immutable: false,
  versions: {},
};

describe('toManifest', () => {
  it('should base64 the data and own the Secret through its in-cluster ExternalSecret', () => {
    const m = toManifest(snapshot({ creationPolicy: 'Owner' }), rendered);
    expect(m.data).toEqual({ password: Buffer.from('p@ss').toString('base64') });
    expect(m.type).toBe('kubernetes.io/basic-auth');
    expect(m.ownerReferences).toEqual([
      {
        apiVersion: 'fleet-secrets.io/v1',
        kind: 'ExternalSecret',
        name: 'db',
        uid: 'uid-1',
        controller: true,
      },
    ]);
    expect(m.immutable).toBeUndefined();
  });

  it('should set no owner for Orphan or for central kinds, and leave a Merge target type alone', () => {
    expect(toManifest(snapshot({ creationPolicy: 'Orphan' }), rendered).ownerReferences).toBeUndefined();
    expect(toManifest(snapshot({}, 'FleetExternalSecret'), rendered).ownerReferences).toBeUndefined();
    expect(toManifest(snapshot({ creationPolicy: 'Merge' }), rendered).type).toBe('');
  });

  it('should give each Merge source a field manager of its own', () => {
    expect(fieldManagerOf(snapshot({}))).toBe('fleet-secrets');
    expect(fieldManagerOf(snapshot({ creationPolicy: 'Merge' }))).toMatch(
      /^fleet-secrets-merge-[0-9a-f]{16}$/,
    );
  });
});

describe('ownerReferenceMissing', () => {
  it('should notice a live Secret whose owner is not the current ExternalSecret', () => {
    const s = snapshot({});
    expect(ownerReferenceMissing(s, { ownerReferences: [{ uid: 'uid-1' }] })).toBe(false);
    expect(ownerReferenceMissing(s, { ownerReferences: [{ uid: 'old' }] })).toBe(true);
    expect(ownerReferenceMissing(s, undefined)).toBe(false);
  });
});
