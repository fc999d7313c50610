import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { LiveSecretMeta } from '../ports/cluster-client.js';
import { type DiffInput, diffSecret } from './diff.js';
import { computeDataHmac } from './hmac.js';
import { ESO_CREATED_BY_LABEL, MANAGED_BY_LABEL, OWNER_LABEL } from './labels.js';
import { renderTargetSecret } from './render.js';
import type { RenderedSecret } from './rendered-secret.js';
import type { CreationPolicy } from './schema.js';

const ours = 'a'.repeat(40);
const desired: RenderedSecret = {
  name: 'db',
  type: 'Opaque',
  labels: { [MANAGED_BY_LABEL]: 'fleet-secrets', [OWNER_LABEL]: ours },
  annotations: {},
  data: { k: new Uint8Array([1]) },
  immutable: false,
  versions: {},
};
const live = (over: Partial<LiveSecretMeta> = {}): LiveSecretMeta => ({
  namespace: 'n',
  name: 'db',
  uid: 'u',
  resourceVersion: '10',
  labels: { [MANAGED_BY_LABEL]: 'fleet-secrets', [OWNER_LABEL]: ours },
  annotations: {},
  ...over,
});
const written = { dataHmac: 'h1', writtenResourceVersion: '10' };

type Row = [string, Partial<DiffInput>, string, string, string?];

describe('diffSecret', () => {
  it.each<Row>([
    ['no Secret, never written', {}, 'create', 'Missing'],
    ['no Secret after we wrote one', { status: written }, 'create', 'Drift', 'deleted'],
    ['in sync', { live: live(), status: written }, 'unchanged', 'InSync'],
    ['new data', { live: live(), status: written, desiredHmac: 'h2' }, 'update', 'Changed'],
    [
      'edited by someone',
      { live: live({ resourceVersion: '11' }), status: written },
      'update',
      'Drift',
      'edited',
    ],
    ['an unowned live Secret we never wrote', { live: live({ labels: {} }) }, 'update', 'Adopt'],
    [
      'a Secret owned by another object',
      { live: live({ labels: { [OWNER_LABEL]: 'b'.repeat(40) } }) },
      'conflict',
      'OwnedByOther',
    ],
    [
      'a Secret controlled by ESO',
      {
        live: live({
          labels: {},
          ownerReferences: [
            {
              apiVersion: 'external-secrets.io/v1beta1',
              kind: 'ExternalSecret',
              name: 'x',
              uid: 'y',
              controller: true,
            },
          ],
        }),
      },
      'conflict',
      'ManagedByEso',
    ],
    [
      'a Secret controlled by another controller',
      {
        live: live({
          labels: {},
          ownerReferences: [
            { apiVersion: 'apps/v1', kind: 'Deployment', name: 'x', uid: 'y', controller: true },
          ],
        }),
      },
      'conflict',
      'ControlledByOther',
    ],
    [
      'a Secret still labelled by ESO with an owner',
      {
        live: live({
          labels: { [ESO_CREATED_BY_LABEL]: 'h' },
          ownerReferences: [{ apiVersion: 'v1', kind: 'ConfigMap', name: 'x', uid: 'y' }],
        }),
      },
      'conflict',
      'ManagedByEso',
    ],
    [
      'an ESO-labelled Secret whose ESO object is gone',
      { live: live({ labels: { [ESO_CREATED_BY_LABEL]: 'h' } }) },
      'update',
      'Adopt',
    ],
    ['creationPolicy None with no Secret', { creationPolicy: 'None' }, 'conflict', 'TargetMissing'],
    [
      'creationPolicy None with a Secret',
      { creationPolicy: 'None', live: live() },
      'unchanged',
      'NotManaged',
    ],
    [
      'Merge with no Secret',
      { creationPolicy: 'Merge', desired: { ...desired, labels: { [MANAGED_BY_LABEL]: 'fleet-secrets' } } },
      'conflict',
      'TargetMissing',
    ],
    [
      'Merge into a Helm Secret with a controller',
      {
        creationPolicy: 'Merge',
        desired: { ...desired, labels: { [MANAGED_BY_LABEL]: 'fleet-secrets' } },
        live: live({
          labels: { 'app.kubernetes.io/managed-by': 'Helm' },
          ownerReferences: [
            { apiVersion: 'apps/v1', kind: 'Deployment', name: 'x', uid: 'y', controller: true },
          ],
        }),
      },
      'update',
      'Adopt',
    ],
    [
      'Merge into a Secret another object owns',
      {
        creationPolicy: 'Merge',
        desired: { ...desired, labels: { [MANAGED_BY_LABEL]: 'fleet-secrets' } },
        live: live(),
      },
      'conflict',
      'OwnedByOther',
    ],
    [
      'changing an immutable Secret we wrote',
      { live: live(), status: { ...written, writtenImmutable: true }, desiredHmac: 'h2' },
      'conflict',
      'Immutable',
    ],
    [
      'an immutable Secret that was deleted and must come back',
      { status: { ...written, writtenImmutable: true }, desiredHmac: 'h2' },
      'create',
      'Drift',
      'deleted',
    ],
  ])('should handle %s', (_name, over, action, reason, drift) => {
    const r = diffSecret({ desired, desiredHmac: 'h1', creationPolicy: 'Owner', ...over } as DiffInput);
    expect(r.action).toBe(action);
    expect(r.reason).toBe(reason);
    expect(r.drift).toBe(drift);
  });
});

describe('diff(render(x), render(x)) is unchanged (property)', () => {
  it('should find nothing to do right after writing what it rendered', () => {
    const key = new Uint8Array(32).fill(7);
    fc.assert(
      fc.property(
        fc.dictionary(fc.stringMatching(/^[a-z][a-z0-9_.-]{0,8}$/), fc.string({ maxLength: 30 }), {
          minKeys: 1,
          maxKeys: 5,
        }),
        fc.constantFrom<CreationPolicy>('Owner', 'Orphan', 'Merge'),
        fc.boolean(),
        fc.stringMatching(/^[0-9]{1,6}$/),
        (values, creationPolicy, immutable, rv) => {
          const spec = {
            secretStoreRef: { name: 'aws' },
            dataFrom: [{ extract: { key: 'x' } }],
            target: { creationPolicy, immutable },
          };
          const renderOnce = () =>
            renderTargetSecret({
              object: { namespace: 'n', name: 'o', spec },
              lookup: (_s, req) => ({
                key: req.key,
                value: new Uint8Array(Buffer.from(JSON.stringify(values))),
                isBinary: false,
              }),
              findResults: () => [],
            });
          const first = renderOnce();
          const second = renderOnce();
          expect(first.ok && second.ok).toBe(true);
          if (!first.ok || !second.ok) return;
          const hmac = (s: RenderedSecret) =>
            computeDataHmac(key, s.data, {
              type: s.type,
              labels: s.labels,
              annotations: s.annotations,
              immutable: s.immutable,
            });
          // What the reconciler records after applying `first`:
          const status = {
            dataHmac: hmac(first.secret),
            writtenResourceVersion: rv,
            writtenImmutable: immutable,
          };
          const liveAfterWrite: LiveSecretMeta = {
            namespace: 'n',
            name: first.secret.name,
            uid: 'u',
            resourceVersion: rv,
            labels: first.secret.labels,
            annotations: first.secret.annotations,
          };
          const r = diffSecret({
            desired: second.secret,
            desiredHmac: hmac(second.secret),
            creationPolicy,
            live: liveAfterWrite,
            status,
          });
          expect(r).toEqual({ action: 'unchanged', reason: 'InSync' });
        },
      ),
      { numRuns: 100 },
    );
  });
});
