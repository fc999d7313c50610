import { describe, expect, it } from 'vitest';
import {
  InvalidVaultKeyError,
  keyForListed,
  listPath,
  metadataPath,
  parseKvVersion,
  readPath,
  relativeKey,
} from './kv-paths.js';

describe('relativeKey', () => {
  it('should accept a key relative to the mount, with or without a leading slash', () => {
    expect(relativeKey('secret', 'v2', 'app/db')).toBe('app/db');
    expect(relativeKey('secret', 'v2', '/app/db')).toBe('app/db');
  });

  it('should strip the mount, and on v2 the data/ or metadata/ segment after it', () => {
    expect(relativeKey('secret', 'v2', 'secret/app/db')).toBe('app/db');
    expect(relativeKey('secret', 'v2', 'secret/data/app/db')).toBe('app/db');
    expect(relativeKey('secret/', 'v2', 'secret/metadata/app/db')).toBe('app/db');
    expect(relativeKey('kv1', 'v1', 'kv1/data/app')).toBe('data/app');
  });

  it('should keep a top-level folder named data when the mount is not in front', () => {
    expect(relativeKey('secret', 'v2', 'data/app')).toBe('data/app');
  });

  it('should refuse dot segments that would reach other Vault endpoints', () => {
    expect(() => relativeKey('secret', 'v2', '../../sys/policy/root')).toThrow(InvalidVaultKeyError);
    expect(() => relativeKey('secret', 'v2', 'app/./db')).toThrow(/dot segment/);
    expect(() => relativeKey('secret', 'v2', 'app//db')).toThrow(/empty or dot segment/);
  });

  it('should refuse a key that names only the mount', () => {
    expect(() => relativeKey('secret', 'v2', 'secret/data/')).toThrow(/names no secret/);
  });
});

describe('readPath / metadataPath / listPath', () => {
  it('should build KV v2 data and metadata paths, with a pinned version', () => {
    expect(readPath('secret', 'v2', 'app/db')).toBe('secret/data/app/db');
    expect(readPath('secret', 'v2', 'app/db', 3)).toBe('secret/data/app/db?version=3');
    expect(metadataPath('secret', 'secret/data/app/db')).toBe('secret/metadata/app/db');
  });

  it('should build KV v1 paths straight under the mount', () => {
    expect(readPath('kv', 'v1', 'app/db')).toBe('kv/app/db');
    expect(listPath('kv', 'v1', '')).toBe('kv/');
    expect(listPath('kv', 'v1', 'app')).toBe('kv/app/');
  });

  it('should list v2 folders through metadata/', () => {
    expect(listPath('secret', 'v2', '')).toBe('secret/metadata/');
    expect(listPath('secret', 'v2', 'team/a')).toBe('secret/metadata/team/a/');
  });

  it('should percent-encode each segment', () => {
    expect(readPath('secret', 'v2', 'app/db?x=1')).toBe('secret/data/app/db%3Fx%3D1');
  });
});

describe('keyForListed', () => {
  it('should return a listed key as is unless it begins with the mount name', () => {
    expect(keyForListed('secret', 'v2', 'app/db')).toBe('app/db');
    expect(keyForListed('secret', 'v2', 'secret/x')).toBe('secret/data/secret/x');
    expect(keyForListed('kv', 'v1', 'kv/x')).toBe('kv/kv/x');
  });

  it('should give keys that read back exactly', () => {
    for (const [kv, rel] of [
      ['v2', 'secret/x'],
      ['v2', 'data/x'],
      ['v1', 'kv/x'],
    ] as const) {
      const mount = kv === 'v2' ? 'secret' : 'kv';
      expect(relativeKey(mount, kv, keyForListed(mount, kv, rel))).toBe(rel);
    }
  });
});

describe('parseKvVersion', () => {
  it('should read nothing or latest as the newest version', () => {
    expect(parseKvVersion('v2', 'k', undefined)).toBeUndefined();
    expect(parseKvVersion('v2', 'k', 'latest')).toBeUndefined();
  });

  it('should pin a positive integer version on v2', () => {
    expect(parseKvVersion('v2', 'k', '7')).toBe(7);
  });

  it('should refuse versions v1 cannot have or that are not positive integers', () => {
    expect(() => parseKvVersion('v1', 'k', '2')).toThrow(/KV v1 has no versions/);
    expect(() => parseKvVersion('v2', 'k', '0')).toThrow(/not a positive integer/);
    expect(() => parseKvVersion('v2', 'k', 'AWSCURRENT')).toThrow(/key "k"/);
  });
});
