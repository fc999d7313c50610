/** From a rendered Secret to what server-side apply sends: base64 data, owner, field manager. */
import { fieldManagerFor, type SecretSource } from '../domain/labels.js';
import type { DesiredSnapshot } from '../domain/records.js';
import type { RenderedSecret } from '../domain/rendered-secret.js';
import { API_GROUP_VERSION, type CreationPolicy } from '../domain/schema.js';
import type { SecretManifest } from '../ports/cluster-client.js';

export function sourceOf(snapshot: DesiredSnapshot): SecretSource {
  return { kind: snapshot.source.kind, namespace: snapshot.namespace, name: snapshot.name };
}

export function creationPolicyOf(snapshot: DesiredSnapshot): CreationPolicy {
  return snapshot.spec.target?.creationPolicy ?? 'Owner';
}

/**
 * The ownerReference that lets the cluster's garbage collector delete the Secret with its
 * in-cluster ExternalSecret (creationPolicy Owner). Central kinds have no in-cluster owner.
 * blockOwnerDeletion stays unset: setting it needs `update` on externalsecrets/finalizers where
 * OwnerReferencesPermissionEnforcement is on, and foreground deletion of an ExternalSecret has
 * nothing to wait for.
 */
export function ownerReferencesFor(snapshot: DesiredSnapshot): SecretManifest['ownerReferences'] {
  if (creationPolicyOf(snapshot) !== 'Owner') return undefined;
  if (snapshot.source.kind !== 'ExternalSecret' || !snapshot.source.uid) return undefined;
  return [
    {
      apiVersion: API_GROUP_VERSION,
      kind: 'ExternalSecret',
      name: snapshot.source.name,
      uid: snapshot.source.uid,
      controller: true,
    },
  ];
}

export function fieldManagerOf(snapshot: DesiredSnapshot): string {
  return fieldManagerFor(sourceOf(snapshot), creationPolicyOf(snapshot));
}

export function toManifest(snapshot: DesiredSnapshot, rendered: RenderedSecret): SecretManifest {
  const policy = creationPolicyOf(snapshot);
  const data: Record<string, string> = {};
  for (const [k, v] of Object.entries(rendered.data)) data[k] = Buffer.from(v).toString('base64');
  const manifest: SecretManifest = {
    namespace: snapshot.namespace,
    name: rendered.name,
    // A Merge target is someone else's Secret: its type is not ours to set.
    type: policy === 'Merge' ? '' : rendered.type,
    labels: rendered.labels,
    annotations: rendered.annotations,
    data,
  };
  if (rendered.immutable) manifest.immutable = true;
  const owners = ownerReferencesFor(snapshot);
  if (owners) manifest.ownerReferences = owners;
  return manifest;
}

/** The live Secret lacks the ownerReference we would set (say, the ExternalSecret was re-created). */
export function ownerReferenceMissing(
  snapshot: DesiredSnapshot,
  live: { ownerReferences?: Array<{ uid: string }> } | undefined,
): boolean {
  const owners = ownerReferencesFor(snapshot);
  if (!owners || !live) return false;
  return !owners.every((o) => live.ownerReferences?.some((l) => l.uid === o.uid));
}
