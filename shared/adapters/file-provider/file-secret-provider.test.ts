import { mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FileSecretProvider } from './file-secret-provider.js';

let dir: string;
let file: string;
const ctx = {};
const text = (bytes: Uint8Array) => new TextDecoder().decode(bytes);

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'file-provider-'));
  file = join(dir, 'secrets.yaml');
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

function write(content: string, mtimeSeconds: number): void {
  writeFileSync(file, content);
  // Explicit times: two writes within one clock tick must still look different.
  utimesSync(file, mtimeSeconds, mtimeSeconds);
}

describe('FileSecretProvider', () => {
  it('should read values with their content version and fail a missing key alone', async () => {
    write('demo/db:\n  password: pw1\ntoken: t1\n', 1000);
    const provider = new FileSecretProvider({ storeName: 'dev', path: file });
    const [db, token, missing] = await provider.read(
      [{ key: 'demo/db' }, { key: 'token', fetchMetadata: true }, { key: 'nope' }],
      ctx,
    );
    expect(db?.ok && JSON.parse(text(db.payload.value))).toEqual({ password: 'pw1' });
    expect(token?.ok && token.payload.tags).toEqual({});
    expect(token?.ok && token.payload.versionId).toMatch(/^[0-9a-f]{16}$/);
    expect(missing?.ok === false && missing.error.code).toBe('NotFound');
  });

  it('should re-read the file only when it changed', async () => {
    write('a: one\n', 1000);
    const provider = new FileSecretProvider({ storeName: 'dev', path: file });
    const first = await provider.read([{ key: 'a' }], ctx);
    await provider.read([{ key: 'a' }], ctx);
    expect(provider.callCounts()).toMatchObject({ read: 2, load: 1 });
    write('a: two\n', 2000);
    const second = await provider.read([{ key: 'a' }], ctx);
    expect(provider.callCounts()).toMatchObject({ read: 3, load: 2 });
    expect(second[0]?.ok && text(second[0].payload.value)).toBe('two');
    expect(first[0]?.ok && second[0]?.ok && first[0].payload.versionId !== second[0].payload.versionId).toBe(
      true,
    );
  });

  it('should serve a pinned version only while it is the current one', async () => {
    write('a: one\n', 1000);
    const provider = new FileSecretProvider({ storeName: 'dev', path: file });
    const [current] = await provider.read([{ key: 'a' }], ctx);
    const versionId = current?.ok ? current.payload.versionId! : '';
    const [pinned, stage, other] = await provider.read(
      [
        { key: 'a', version: versionId },
        { key: 'a', version: 'AWSCURRENT' },
        { key: 'a', version: '0000000000000000' },
      ],
      ctx,
    );
    expect([pinned?.ok, stage?.ok, other?.ok]).toEqual([true, true, false]);
  });

  it('should fail every read, without quoting the file, when the file is broken or missing', async () => {
    write('a: "hunter2\n', 1000);
    const provider = new FileSecretProvider({ storeName: 'dev', path: file });
    const [broken] = await provider.read([{ key: 'a' }], ctx);
    expect(broken?.ok === false && broken.error.code).toBe('Unavailable');
    expect(broken?.ok === false && broken.error.message).not.toContain('hunter2');
    rmSync(file);
    const [gone] = await provider.read([{ key: 'a' }], ctx);
    expect(gone?.ok === false && gone.error.message).toContain('does not exist');
  });

  it('should find keys by prefix and regular expression, and refuse tag queries', async () => {
    write('app/a: 1\napp/b: 2\nother/c: 3\n', 1000);
    const provider = new FileSecretProvider({ storeName: 'dev', path: file });
    expect(await provider.find({ path: 'app/' }, ctx)).toEqual(['app/a', 'app/b']);
    expect(await provider.find({ nameRegexp: '[bc]$' }, ctx)).toEqual(['app/b', 'other/c']);
    await expect(provider.find({ tags: { team: 'a' } }, ctx)).rejects.toThrow(/no tags/);
  });
});
