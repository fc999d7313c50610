/** Which version of a Secrets Manager secret a remoteRef.version asks for. */
export type VersionSelector =
  | { kind: 'current' }
  | { kind: 'id'; versionId: string }
  | { kind: 'stage'; stage: string };

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * Follows ESO: `uuid/<id>` names a VersionId, anything else a VersionStage. A bare UUID is also
 * taken as a VersionId, since Secrets Manager's own version ids are UUIDs and no sane stage is.
 * AWSCURRENT (or nothing) is the current version, the only one BatchGetSecretValue returns.
 */
export function parseVersion(version: string | undefined): VersionSelector {
  if (version === undefined || version === '' || version === 'AWSCURRENT') return { kind: 'current' };
  if (version.startsWith('uuid/')) return { kind: 'id', versionId: version.slice('uuid/'.length) };
  if (UUID.test(version)) return { kind: 'id', versionId: version };
  return { kind: 'stage', stage: version };
}
