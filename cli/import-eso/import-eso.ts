import type { AnyManifest } from '../../shared/domain/validate.js';
import { validateManifest } from '../../shared/domain/validate.js';
import type { LoadedManifest } from '../manifests/load-manifests.js';
import { type Conversion, Findings, isRecord } from './conversion.js';
import { convertClusterExternalSecret, convertExternalSecret } from './convert-external-secret.js';
import { convertSecretStore } from './convert-secret-store.js';
import { type EsoStoreId, StoreNames } from './store-names.js';

const ESO_API = /^external-secrets\.io\/v1(beta1|alpha1)?$/;

export interface ImportResult {
  conversions: Conversion[];
  /** Manifests that are not ESO's: left out of the output. */
  skipped: string[];
}

function describe(m: LoadedManifest): { from: string; kind: string; namespace?: string; name: string } {
  const obj = isRecord(m.object) ? m.object : {};
  const meta = isRecord(obj.metadata) ? obj.metadata : {};
  const kind = typeof obj.kind === 'string' ? obj.kind : 'object';
  const name = typeof meta.name === 'string' ? meta.name : '(no name)';
  const namespace = typeof meta.namespace === 'string' ? meta.namespace : undefined;
  return {
    from: `${m.file}:${m.line} ESO ${kind} ${namespace ? `${namespace}/` : ''}${name}`,
    kind,
    namespace,
    name,
  };
}

/** Converts every ESO manifest given; stores first, so ExternalSecrets can use their central names. */
export function importEso(manifests: readonly LoadedManifest[]): ImportResult {
  const eso = manifests.filter((m) => isRecord(m.object) && ESO_API.test(String(m.object.apiVersion ?? '')));
  const storeIds: EsoStoreId[] = eso.flatMap((m) => {
    const d = describe(m);
    return d.kind === 'SecretStore' || d.kind === 'ClusterSecretStore'
      ? [
          {
            kind: d.kind,
            name: d.name,
            ...(d.kind === 'SecretStore' ? { namespace: d.namespace ?? 'default' } : {}),
          },
        ]
      : [];
  });
  const stores = new StoreNames(storeIds);
  const skipped = manifests
    .filter((m) => !eso.includes(m))
    .map(
      (m) =>
        `${m.file}:${m.line}: not an External Secrets Operator manifest (external-secrets.io/v1): left out`,
    );

  const conversions = eso.map((m): Conversion => {
    const d = describe(m);
    const obj = m.object as Record<string, unknown>;
    const findings = new Findings();
    let converted: unknown;
    switch (d.kind) {
      case 'ExternalSecret':
        converted = convertExternalSecret(obj, findings, stores);
        break;
      case 'ClusterExternalSecret':
        converted = convertClusterExternalSecret(obj, findings, stores);
        break;
      case 'SecretStore':
      case 'ClusterSecretStore': {
        const id: EsoStoreId = {
          kind: d.kind,
          name: d.name,
          ...(d.kind === 'SecretStore' ? { namespace: d.namespace ?? 'default' } : {}),
        };
        converted = convertSecretStore(obj, stores.centralName(id), findings);
        break;
      }
      case 'PushSecret':
      case 'ClusterPushSecret':
        return {
          ok: false,
          from: d.from,
          reasons: [`${d.kind} has no equivalent: fleet-secrets syncs from stores into clusters only`],
        };
      default:
        return { ok: false, from: d.from, reasons: [`kind ${d.kind} has no equivalent in fleet-secrets`] };
    }
    if (findings.reasons.length > 0) return { ok: false, from: d.from, reasons: findings.reasons };
    const validated = validateManifest(converted);
    if (!validated.ok) {
      return { ok: false, from: d.from, reasons: validated.issues.map((i) => `${i.path}: ${i.message}`) };
    }
    return {
      ok: true,
      from: d.from,
      object: validated.value as AnyManifest,
      notes: findings.notes,
      destination: validated.value.kind === 'SecretStore' ? 'control-plane' : 'cluster',
    };
  });
  return { conversions, skipped };
}
