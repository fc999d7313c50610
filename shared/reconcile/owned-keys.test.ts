import { describe, expect, it } from 'vitest';
import { keyNameHmac } from '../domain/hmac.js';
import type { DesiredSnapshot } from '../domain/records.js';
import { recordedKeyNames } from './owned-keys.js';

const key = Buffer.alloc(32, 7);
const snapshot = {
  spec: {
    data: [{ secretKey: 'username', remoteRef: { key: 'db' } }],
    dataFrom: [{ extract: { key: 'json' } }],
    target: { template: { data: { dsn: '{{ .username }}' } } },
  },
} as unknown as DesiredSnapshot;

describe('recordedKeyNames', () => {
  it('should keep the keys the spec names and record every other key as a keyed HMAC', () => {
    const recorded = recordedKeyNames(key, snapshot, { username: 1, dsn: 1, Pa55_w0rd_CANARY_: 1 });

    expect(recorded).toEqual(['dsn', keyNameHmac(key, 'Pa55_w0rd_CANARY_'), 'username'].sort());
    expect(recorded.join()).not.toContain('CANARY');
    expect(keyNameHmac(key, 'Pa55_w0rd_CANARY_')).toMatch(/^hmac:[0-9a-f]{16}$/);
  });

  it('should record one name the same way every pass, and differently under another key', () => {
    expect(keyNameHmac(key, 'k')).toBe(keyNameHmac(key, 'k'));
    expect(keyNameHmac(Buffer.alloc(32, 8), 'k')).not.toBe(keyNameHmac(key, 'k'));
  });
});
