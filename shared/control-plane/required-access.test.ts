import { describe, expect, it } from 'vitest';
import { missingAccess, REQUIRED_ACCESS } from './required-access.js';

const full = REQUIRED_ACCESS.map((n) => ({
  apiGroups: [n.apiGroup],
  resources: [n.resource],
  verbs: n.verbs,
}));

describe('missingAccess', () => {
  it('should report nothing when every required verb is granted', () => {
    expect(missingAccess(full)).toEqual([]);
  });

  it('should accept wildcards as cluster-admin grants them', () => {
    expect(missingAccess([{ apiGroups: ['*'], resources: ['*'], verbs: ['*'] }])).toEqual([]);
  });

  it('should name each missing verb and the resource in plain words', () => {
    const rules = full.map((r) => (r.resources[0] === 'secrets' ? { ...r, verbs: ['list', 'create'] } : r));
    expect(missingAccess(rules)).toEqual([
      'cannot patch/delete secrets (needed to write the synced Secrets)',
    ]);
  });

  it('should not count a rule limited to named objects as access to all', () => {
    const rules = full.map((r) =>
      r.resources[0] === 'namespaces' ? { ...r, resourceNames: ['default'] } : r,
    );
    expect(missingAccess(rules)).toEqual(['cannot list namespaces (needed to expand namespace selectors)']);
  });

  it('should report everything for an identity with no rules', () => {
    expect(missingAccess([])).toHaveLength(REQUIRED_ACCESS.length);
  });
});
