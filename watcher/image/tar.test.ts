/**
 * The layer tar writer: GNU tar (an independent reader) sees what was written, in path order,
 * with one fixed mtime and root ownership; long paths survive via PAX; our reader round-trips it.
 */
import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { type TarEntry, writeTar } from './tar.js';
import { readTar } from './tar-reader.js';

const longPath = `usr/share/${'very-long-directory-name/'.repeat(8)}file.txt`;
const entries: TarEntry[] = [
  {
    type: 'file',
    path: '/etc/passwd',
    mode: 0o644,
    content: Buffer.from('root:x:0:0::/root:/sbin/nologin\n'),
  },
  { type: 'directory', path: 'home/nonroot', mode: 0o700, uid: 65532, gid: 65532 },
  { type: 'directory', path: 'etc', mode: 0o755 },
  {
    type: 'symlink',
    path: 'lib64/ld-linux-x86-64.so.2',
    target: '/lib/x86_64-linux-gnu/ld-linux-x86-64.so.2',
  },
  { type: 'file', path: longPath, mode: 0o600, content: Buffer.from('x') },
  { type: 'directory', path: 'tmp', mode: 0o1777 },
];

function gnuTarList(archive: Buffer): string[] {
  const listed = spawnSync('tar', ['--list', '--verbose', '--numeric-owner', '--full-time', '-f', '-'], {
    input: archive,
    encoding: 'utf8',
    env: { TZ: 'UTC', PATH: process.env.PATH },
  });
  expect(listed.stderr).toBe('');
  return listed.stdout.trim().split('\n');
}

describe('writeTar', () => {
  it('should write entries that GNU tar lists in path order, with a fixed mtime and numeric owners', () => {
    const lines = gnuTarList(writeTar(entries, { mtime: 86_400 }));
    expect(lines.map((line) => line.split(/\s+/).slice(5).join(' '))).toEqual([
      'etc/',
      'etc/passwd',
      'home/nonroot/',
      'lib64/ld-linux-x86-64.so.2 -> /lib/x86_64-linux-gnu/ld-linux-x86-64.so.2',
      'tmp/',
      longPath,
    ]);
    expect(lines.every((line) => line.includes('1970-01-02 00:00:00'))).toBe(true);
    expect(lines[2]).toMatch(/^drwx------ 65532\/65532 /);
    expect(lines[4]).toMatch(/^drwxrwxrwt 0\/0 /);
  });

  it('should give the same bytes for the same entries in any order', () => {
    expect(writeTar([...entries].reverse()).equals(writeTar(entries))).toBe(true);
  });

  it('should round-trip through readTar', () => {
    const read = readTar(writeTar(entries));
    expect(read.map((entry) => entry.path)).toEqual([
      'etc',
      'etc/passwd',
      'home/nonroot',
      'lib64/ld-linux-x86-64.so.2',
      'tmp',
      longPath,
    ]);
    expect(read.find((entry) => entry.path === longPath)).toMatchObject({ type: 'file', mode: 0o600 });
  });

  it('should refuse a path that leaves the image or appears twice', () => {
    expect(() => writeTar([{ type: 'directory', path: '../etc', mode: 0o755 }])).toThrow(/not a path inside/);
    expect(() =>
      writeTar([
        { type: 'directory', path: 'etc', mode: 0o755 },
        { type: 'directory', path: '/etc/', mode: 0o755 },
      ]),
    ).toThrow(/appears twice/);
  });
});
