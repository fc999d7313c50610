/**
 * The dev-mode secrets file: a YAML or JSON mapping of key -> value, where a value is a string
 * (the secret's text) or an object/list (a JSON document, so `property` paths pick fields from it,
 * as with a Secrets Manager JSON secret). Each value's version is a hash of its content, so an
 * edit of one key changes that key's version and nothing else.
 */
import { createHash } from 'node:crypto';
import { parseDocument } from 'yaml';

export interface SecretsFileEntry {
  key: string;
  /** UTF-8 bytes of the string, or the JSON text of an object or list. */
  value: Uint8Array;
  versionId: string;
}

export type ParsedSecretsFile =
  | { ok: true; entries: Map<string, SecretsFileEntry> }
  /** `problem` names a line and a key at most: the file's content never appears in it. */
  | { ok: false; problem: string };

/** sha256 of the value, shortened: long enough to tell versions apart, short enough for a status table. */
export function contentVersion(value: Uint8Array): string {
  return createHash('sha256').update(value).digest('hex').slice(0, 16);
}

export function parseSecretsFile(text: string): ParsedSecretsFile {
  const doc = parseDocument(text, { uniqueKeys: true });
  const first = doc.errors[0];
  if (first) {
    // yaml's own messages quote the offending source text, which may be a secret: keep only where.
    const line = first.linePos?.[0]?.line;
    return { ok: false, problem: `not valid YAML or JSON${line ? ` (line ${line})` : ''} (${first.code})` };
  }
  const root: unknown = doc.toJS({ maxAliasCount: 100 });
  if (root === null || root === undefined) return { ok: true, entries: new Map() };
  if (typeof root !== 'object' || Array.isArray(root)) {
    return { ok: false, problem: 'the top level must be a mapping of key: value' };
  }
  const entries = new Map<string, SecretsFileEntry>();
  for (const [key, raw] of Object.entries(root as Record<string, unknown>)) {
    // A null value is a key written down without a value yet: treated as absent.
    if (raw === null || raw === undefined) continue;
    const text = typeof raw === 'string' ? raw : JSON.stringify(raw);
    const value = new TextEncoder().encode(text);
    entries.set(key, { key, value, versionId: contentVersion(value) });
  }
  return { ok: true, entries };
}

/** Keys whose version differs between two readings of the file (added, changed or removed). */
export function changedKeys(
  before: ReadonlyMap<string, SecretsFileEntry>,
  after: ReadonlyMap<string, SecretsFileEntry>,
): string[] {
  const keys = new Set<string>();
  for (const [key, entry] of after) if (before.get(key)?.versionId !== entry.versionId) keys.add(key);
  for (const key of before.keys()) if (!after.has(key)) keys.add(key);
  return [...keys].sort();
}
