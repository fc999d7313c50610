/**
 * ESO manifest -> fleet-secrets manifest, for `fleet-secrets import-eso` and the ESO fixtures.
 * ExternalSecret and ClusterExternalSecret keep their shape; only the API group changes. What we
 * do not support is left in place (so validation names the field) and listed in `notes`.
 */
import { API_GROUP_VERSION } from './schema.js';

export const ESO_API_VERSIONS = [
  'external-secrets.io/v1',
  'external-secrets.io/v1beta1',
  'external-secrets.io/v1alpha1',
];

export interface EsoImport {
  manifest: unknown;
  notes: string[];
}

export function fromEsoManifest(obj: unknown): EsoImport {
  if (!isRecord(obj)) return { manifest: obj, notes: ['not an object'] };
  const notes: string[] = [];
  const apiVersion = obj.apiVersion;
  if (typeof apiVersion !== 'string' || !ESO_API_VERSIONS.includes(apiVersion)) {
    return { manifest: obj, notes: ['apiVersion is not an External Secrets Operator version'] };
  }
  if (obj.kind === 'SecretStore' || obj.kind === 'ClusterSecretStore') {
    return {
      manifest: obj,
      notes: ['stores are central in fleet-secrets: define them in the control plane, not in a cluster'],
    };
  }
  const manifest = structuredClone(obj) as Record<string, unknown>;
  manifest.apiVersion = API_GROUP_VERSION;
  const spec = isRecord(manifest.spec) ? manifest.spec : undefined;
  const esSpec =
    obj.kind === 'ClusterExternalSecret' && spec && isRecord(spec.externalSecretSpec)
      ? spec.externalSecretSpec
      : spec;
  const at = obj.kind === 'ClusterExternalSecret' ? 'spec.externalSecretSpec' : 'spec';
  if (esSpec) {
    const dataFrom = Array.isArray(esSpec.dataFrom) ? esSpec.dataFrom : [];
    dataFrom.forEach((item, i) => {
      if (isRecord(item) && isRecord(item.sourceRef) && item.sourceRef.generatorRef !== undefined) {
        notes.push(`${at}.dataFrom[${i}].sourceRef.generatorRef: generators are not supported`);
      }
    });
    const target = isRecord(esSpec.target) ? esSpec.target : undefined;
    const template = target && isRecord(target.template) ? target.template : undefined;
    if (template?.engineVersion === 'v1')
      notes.push(`${at}.target.template.engineVersion: only v2 is supported`);
    const templateFrom = template && Array.isArray(template.templateFrom) ? template.templateFrom : [];
    templateFrom.forEach((tf, i) => {
      if (isRecord(tf) && (tf.configMap !== undefined || tf.secret !== undefined)) {
        notes.push(
          `${at}.target.template.templateFrom[${i}]: only literal is supported (no in-cluster reads)`,
        );
      }
    });
  }
  return { manifest, notes };
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
