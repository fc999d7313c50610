import { describe, expect, it } from 'vitest';
import { missingAccess } from '../../control-plane/required-access.js';
import { CONTROL_PLANE_RULES, controlPlaneClusterRole, controlPlaneRoleBinding } from './rbac.js';

describe('control-plane RBAC', () => {
  it('should grant everything registration checks for', () => {
    expect(missingAccess(CONTROL_PLANE_RULES.map((r) => ({ ...r })))).toEqual([]);
  });

  it('should never grant reading or watching Secrets one by one, nor wildcards', () => {
    const role = controlPlaneClusterRole();
    const secretVerbs = role.rules.filter((r) => r.resources.includes('secrets')).flatMap((r) => r.verbs);
    expect(secretVerbs).not.toContain('get');
    expect(secretVerbs).not.toContain('watch');
    expect(JSON.stringify(role.rules)).not.toContain('*');
  });

  it('should bind the ClusterRole inside one namespace for namespaced access', () => {
    const binding = controlPlaneRoleBinding('team-a', { kind: 'User', name: 'cp' });
    expect(binding).toMatchObject({
      kind: 'RoleBinding',
      metadata: { namespace: 'team-a' },
      roleRef: { kind: 'ClusterRole', name: 'fleet-secrets-control-plane' },
      subjects: [{ kind: 'User', name: 'cp', apiGroup: 'rbac.authorization.k8s.io' }],
    });
  });
});
