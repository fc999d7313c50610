/**
 * Labels and annotations fleet-secrets puts on the Secrets it writes. They live under our own
 * prefix so they never fight Helm's or ESO's (app.kubernetes.io/managed-by,
 * reconcile.external-secrets.io/*) on a Secret that creationPolicy Merge shares with them.
 */
import { createHash } from 'node:crypto';
import type { SourceKind } from './records.js';

export const RESERVED_PREFIX = 'fleet-secrets.io/';
/** On every Secret we write: the metadata-only LIST of a cluster selects on it. */
export const MANAGED_BY_LABEL = 'fleet-secrets.io/managed-by';
export const MANAGED_BY_VALUE = 'fleet-secrets';
/** Label selector that lists every Secret fleet-secrets manages in a cluster. */
export const MANAGED_SELECTOR = `${MANAGED_BY_LABEL}=${MANAGED_BY_VALUE}`;
/**
 * Which object owns the Secret (Owner/Orphan). A hash, because label values are at most 63
 * characters and namespace + name can be 316. Absent on Merge targets, which many may share.
 */
export const OWNER_LABEL = 'fleet-secrets.io/owner';
/** Human-readable owner: "ExternalSecret/ns/name"; annotations have no length limit to speak of. */
export const SOURCE_ANNOTATION = 'fleet-secrets.io/source';
/** Server-side apply field manager of every write. */
export const FIELD_MANAGER = 'fleet-secrets';

/** ESO's own markers: a Secret carrying them is ESO's, and we do not write over it. */
export const ESO_CREATED_BY_LABEL = 'reconcile.external-secrets.io/created-by';
export const ESO_API_GROUP = 'external-secrets.io';

export function isReservedMetadataKey(key: string): boolean {
  return key.startsWith(RESERVED_PREFIX);
}

export interface SecretSource {
  kind: SourceKind;
  namespace: string;
  name: string;
}

export function sourceAnnotationValue(src: SecretSource): string {
  return `${src.kind}/${src.namespace}/${src.name}`;
}

/** Stable 40-hex-character owner id of a source object (fits a label value). */
export function ownerLabelValue(src: SecretSource): string {
  return createHash('sha256').update(sourceAnnotationValue(src)).digest('hex').slice(0, 40);
}

/**
 * Field manager of a write. Owner/Orphan targets have one writer, so one manager is enough;
 * Merge targets can be shared by several objects, and server-side apply drops the fields a
 * manager stops sending, so each Merge source gets a manager of its own.
 */
export function fieldManagerFor(src: SecretSource, creationPolicy: string | undefined): string {
  return creationPolicy === 'Merge'
    ? `${FIELD_MANAGER}-merge-${ownerLabelValue(src).slice(0, 16)}`
    : FIELD_MANAGER;
}
