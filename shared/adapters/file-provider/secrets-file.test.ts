import { describe, expect, it } from 'vitest';
import { changedKeys, contentVersion, parseSecretsFile } from './secrets-file.js';

const text = (bytes: Uint8Array | undefined) => new TextDecoder().decode(bytes);

describe('parseSecretsFile', () => {
  it('should read string values as text and objects as JSON documents', () => {
    const parsed = parseSecretsFile('app/db:\n  username: app\n  port: 5432\napi-key: abc123\n');
    if (!parsed.ok) throw new Error(parsed.problem);
    expect(text(parsed.entries.get('api-key')?.value)).toBe('abc123');
    expect(JSON.parse(text(parsed.entries.get('app/db')?.value))).toEqual({ username: 'app', port: 5432 });
  });

  it('should accept JSON as well as YAML', () => {
    const parsed = parseSecretsFile('{"a": "1", "b": {"c": true}}');
    expect(parsed.ok && [...parsed.entries.keys()]).toEqual(['a', 'b']);
  });

  it('should version each value by its content, so only an edited key changes version', () => {
    const before = parseSecretsFile('a: one\nb: two\n');
    const after = parseSecretsFile('a: one\nb: three\nc: new\n');
    if (!before.ok || !after.ok) throw new Error('parse failed');
    expect(after.entries.get('a')?.versionId).toBe(before.entries.get('a')?.versionId);
    expect(after.entries.get('b')?.versionId).toBe(contentVersion(new TextEncoder().encode('three')));
    expect(changedKeys(before.entries, after.entries)).toEqual(['b', 'c']);
    expect(changedKeys(after.entries, before.entries)).toEqual(['b', 'c']);
  });

  it('should treat an empty file as no secrets and a key without a value as absent', () => {
    const empty = parseSecretsFile('');
    expect(empty.ok && empty.entries.size).toBe(0);
    const blank = parseSecretsFile('a:\nb: x\n');
    expect(blank.ok && [...blank.entries.keys()]).toEqual(['b']);
  });

  it('should report a syntax error by line without quoting the file', () => {
    const parsed = parseSecretsFile('a: fine\nb: "s3cr3t-unterminated\n');
    expect(parsed.ok).toBe(false);
    if (parsed.ok) return;
    expect(parsed.problem).toMatch(/line \d/);
    expect(parsed.problem).not.toContain('s3cr3t');
  });

  it('should refuse a duplicate key and a top level that is not a mapping', () => {
    expect(parseSecretsFile('a: 1\na: 2\n').ok).toBe(false);
    const list = parseSecretsFile('- a\n- b\n');
    expect(!list.ok && list.problem).toBe('the top level must be a mapping of key: value');
  });
});
