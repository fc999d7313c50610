import { describe, expect, it } from 'vitest';
import { ALLOW_MERGE_ANNOTATION, describeRefusal, refuseForeignWrite } from './write-delegation.js';

const base = { creationPolicy: 'Merge' as const, systemType: undefined, annotations: {}, optInStores: [] };

describe('refuseForeignWrite', () => {
  it.each(['Merge', 'Owner', 'Orphan'] as const)('should refuse a system Secret type under %s', (policy) => {
    expect(refuseForeignWrite({ ...base, creationPolicy: policy, systemType: 'helm.sh/release.v1' })).toEqual(
      { reason: 'SystemSecretType', type: 'helm.sh/release.v1' },
    );
  });

  it('should refuse a system type even when the Secret opts in to Merge', () => {
    expect(
      refuseForeignWrite({
        ...base,
        systemType: 'bootstrap.kubernetes.io/token',
        annotations: { [ALLOW_MERGE_ANNOTATION]: 'true' },
      })?.reason,
    ).toBe('SystemSecretType');
  });

  it('should let Merge write into an ordinary Secret when no store asks for opt-in (ESO behaviour)', () => {
    expect(refuseForeignWrite(base)).toBeUndefined();
  });

  it('should refuse Merge without the opt-in annotation when a store requires it', () => {
    expect(refuseForeignWrite({ ...base, optInStores: ['b', 'a'] })).toEqual({
      reason: 'MergeNotAllowed',
      stores: ['a', 'b'],
    });
    expect(
      refuseForeignWrite({ ...base, optInStores: ['a'], annotations: { [ALLOW_MERGE_ANNOTATION]: 'yes' } })
        ?.reason,
    ).toBe('MergeNotAllowed');
  });

  it('should let Merge write into a Secret that opted in', () => {
    expect(
      refuseForeignWrite({ ...base, optInStores: ['a'], annotations: { [ALLOW_MERGE_ANNOTATION]: 'true' } }),
    ).toBeUndefined();
  });

  it('should not ask Owner/Orphan adoption for the Merge opt-in', () => {
    expect(refuseForeignWrite({ ...base, creationPolicy: 'Owner', optInStores: ['a'] })).toBeUndefined();
  });
});

describe('describeRefusal', () => {
  it('should name the Secret and its type', () => {
    expect(describeRefusal({ reason: 'SystemSecretType', type: 'helm.sh/release.v1' }, 'ns', 'rel')).toBe(
      'Secret ns/rel is of type helm.sh/release.v1, which fleet-secrets never merges into or adopts',
    );
  });
});
