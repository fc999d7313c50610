/** What converting one ESO manifest produced: our object with notes, or the reasons it could not be. */
import type { AnyManifest } from '../../shared/domain/validate.js';

export type Conversion =
  | {
      ok: true;
      /** "stores.yaml:12 ESO SecretStore team-a/vault" */
      from: string;
      object: AnyManifest;
      /** Converted, but something needs the user's attention (credentials to copy, a policy to narrow). */
      notes: string[];
      /** SecretStores go to the control plane (fleet-secrets apply); the rest to clusters (kubectl apply). */
      destination: 'control-plane' | 'cluster';
    }
  | { ok: false; from: string; reasons: string[] };

/** Collects, while walking one manifest, what has no equivalent and what needs attention. */
export class Findings {
  readonly reasons: string[] = [];
  readonly notes: string[] = [];

  cannot(path: string, why: string): void {
    this.reasons.push(`${path}: ${why}`);
  }

  note(path: string, what: string): void {
    this.notes.push(`${path}: ${what}`);
  }

  /** Copies the listed fields; every other field present is reported as having no equivalent. */
  pick(value: unknown, at: string, known: readonly string[]): Record<string, unknown> {
    const out: Record<string, unknown> = {};
    if (!isRecord(value)) {
      if (value !== undefined) this.cannot(at, 'must be a mapping');
      return out;
    }
    for (const [key, field] of Object.entries(value)) {
      if (known.includes(key)) out[key] = field;
      else this.cannot(`${at}.${key}`, 'has no equivalent in fleet-secrets');
    }
    return out;
  }
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function asArray(value: unknown): unknown[] {
  return Array.isArray(value) ? value : [];
}
