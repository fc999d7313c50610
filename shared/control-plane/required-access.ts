import type { AccessNeed, AccessRule } from '../ports/cluster-client.js';

/** What reconcile needs in a member cluster, and why, in the words registration reports. */
export const REQUIRED_ACCESS: Array<{ apiGroup: string; resource: string; verbs: string[]; why: string }> = [
  {
    apiGroup: '',
    resource: 'secrets',
    verbs: ['list', 'create', 'patch', 'delete'],
    why: 'write the synced Secrets',
  },
  {
    apiGroup: 'fleet-secrets.io',
    resource: 'externalsecrets',
    verbs: ['get', 'list'],
    why: 're-read ExternalSecrets',
  },
  {
    apiGroup: 'fleet-secrets.io',
    resource: 'externalsecrets/status',
    verbs: ['patch'],
    why: 'report sync status',
  },
  {
    apiGroup: 'fleet-secrets.io',
    resource: 'clusterexternalsecrets',
    verbs: ['get', 'list'],
    why: 're-read ClusterExternalSecrets',
  },
  { apiGroup: '', resource: 'events', verbs: ['create'], why: 'record sync events' },
  { apiGroup: '', resource: 'namespaces', verbs: ['list'], why: 'expand namespace selectors' },
];

function allows(rules: AccessRule[], apiGroup: string, resource: string, verb: string): boolean {
  return rules.some(
    (r) =>
      (r.apiGroups.includes('*') || r.apiGroups.includes(apiGroup)) &&
      (r.resources.includes('*') || r.resources.includes(resource)) &&
      (r.verbs.includes('*') || r.verbs.includes(verb)) &&
      // A rule limited to named objects does not cover list/create of arbitrary ones.
      (r.resourceNames === undefined || r.resourceNames.length === 0),
  );
}

/** Each needed (group, resource, verb) the rules do not grant. */
export function absentAccess(rules: AccessRule[]): AccessNeed[] {
  return REQUIRED_ACCESS.flatMap((need) =>
    need.verbs
      .filter((verb) => !allows(rules, need.apiGroup, need.resource, verb))
      .map((verb) => ({ apiGroup: need.apiGroup, resource: need.resource, verb })),
  );
}

/** Plain sentences naming each missing permission, e.g. "cannot patch secrets (needed to write the synced Secrets)". */
export function describeAbsentAccess(absent: AccessNeed[]): string[] {
  const missing: string[] = [];
  for (const need of REQUIRED_ACCESS) {
    const verbs = absent
      .filter((a) => a.apiGroup === need.apiGroup && a.resource === need.resource)
      .map((a) => a.verb);
    if (verbs.length > 0) {
      const group = need.apiGroup ? `${need.resource}.${need.apiGroup}` : need.resource;
      missing.push(`cannot ${verbs.join('/')} ${group} (needed to ${need.why})`);
    }
  }
  return missing;
}

export function missingAccess(rules: AccessRule[]): string[] {
  return describeAbsentAccess(absentAccess(rules));
}
