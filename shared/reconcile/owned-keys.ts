/**
 * The Secret keys a status records as ours. A key the spec names (spec.data[].secretKey, a
 * template.data key) is recorded as it is; any other key came from the provider or a template
 * and can be part of a value (the member names of an extracted JSON object), so it is recorded
 * as a keyed HMAC: the state store keeps no value, not even one spelt as a key.
 */
import { keyNameHmac } from '../domain/hmac.js';
import type { DesiredSnapshot } from '../domain/records.js';

export function recordedKeyNames(
  hmacKey: Uint8Array,
  snapshot: DesiredSnapshot,
  data: Record<string, unknown>,
): string[] {
  const named = new Set([
    ...(snapshot.spec.data ?? []).map((d) => d.secretKey),
    ...Object.keys(snapshot.spec.target?.template?.data ?? {}),
  ]);
  return Object.keys(data)
    .map((key) => (named.has(key) ? key : keyNameHmac(hmacKey, key)))
    .sort();
}
