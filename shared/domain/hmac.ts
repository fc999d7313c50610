import { createHmac } from 'node:crypto';

const DOMAIN = 'fleet-secrets.io/data-hmac/v1';

export interface HmacExtra {
  type?: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
  immutable?: boolean;
}

/**
 * Keyed HMAC-SHA256 (hex) of a rendered Secret: keys in code-unit order, every field
 * length-prefixed so no two different Secrets share an encoding. Keyed, not a bare hash, so the
 * stored digest cannot be used to test guesses of a low-entropy value without the key.
 */
export function computeDataHmac(
  key: Uint8Array,
  data: Record<string, Uint8Array>,
  extra: HmacExtra = {},
): string {
  const mac = createHmac('sha256', key);
  const put = (bytes: Uint8Array) => {
    const len = Buffer.alloc(4);
    len.writeUInt32BE(bytes.length);
    mac.update(len);
    mac.update(bytes);
  };
  const putString = (s: string) => put(Buffer.from(s, 'utf8'));
  const putMap = (section: string, entries: Array<[string, Uint8Array]>) => {
    putString(section);
    putString(String(entries.length));
    for (const [k, v] of entries) {
      putString(k);
      put(v);
    }
  };
  putString(DOMAIN);
  putMap('data', sortedEntries(data));
  putString('type');
  putString(extra.type ?? '');
  putMap(
    'labels',
    sortedEntries(extra.labels ?? {}).map(([k, v]) => [k, Buffer.from(v, 'utf8')]),
  );
  putMap(
    'annotations',
    sortedEntries(extra.annotations ?? {}).map(([k, v]) => [k, Buffer.from(v, 'utf8')]),
  );
  putString('immutable');
  putString(extra.immutable ? 'true' : 'false');
  return mac.digest('hex');
}

function sortedEntries<V>(m: Record<string, V>): Array<[string, V]> {
  return Object.entries(m).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
}

const KEY_NAME_DOMAIN = 'fleet-secrets.io/key-name/v1';

/**
 * A Secret key name as the state store may keep it when the name could come from a value
 * (dataFrom.extract members, templateFrom output): "hmac:" + 16 hex digits of a keyed HMAC.
 * Stable for one name under one key, so a recorded list still compares across passes.
 */
export function keyNameHmac(key: Uint8Array, name: string): string {
  const digest = createHmac('sha256', key)
    .update(KEY_NAME_DOMAIN)
    .update('\u0000')
    .update(name)
    .digest('hex');
  return `hmac:${digest.slice(0, 16)}`;
}
