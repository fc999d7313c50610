/**
 * The image's Debian packages: fetched with `apt-get download PKG=VERSION` (no daemon, no install,
 * no maintainer scripts run), checked against the SHA256 pinned in debian-packages.json, cached,
 * and read from each package's data tar (`dpkg-deb --fsys-tarfile`) into layer entries.
 */
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import type { TarEntry } from './tar.js';
import { readTar } from './tar-reader.js';

export interface PinnedDebianPackage {
  name: string;
  version: string;
  sha256: string;
}

export interface DebianPackageSet {
  suite: string;
  architecture: string;
  packages: PinnedDebianPackage[];
}

export const pinnedDebianPackages = JSON.parse(
  readFileSync(new URL('./debian-packages.json', import.meta.url), 'utf8'),
) as DebianPackageSet;

/**
 * Paths the image leaves out: documentation (each package's copyright file stays, as in Debian's
 * own minimal images) and glibc's iconv modules, which node never loads (it converts text with
 * ICU, built into the binary).
 */
export function isLeftOut(path: string): boolean {
  // The copyright files and the folders (or links to them) that hold them.
  if (/^usr\/share\/doc(\/[^/]+(\/copyright)?)?$/.test(path)) return false;
  return (
    /^usr\/share\/(doc|man|info|lintian|locale)(\/|$)/.test(path) ||
    /^usr\/lib\/[^/]+\/gconv(\/|$)/.test(path)
  );
}

function run(command: string, args: string[], cwd: string): string {
  const result = spawnSync(command, args, { cwd, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  if (result.status !== 0) {
    throw new Error(
      `${command} ${args.join(' ')} failed (${result.status ?? result.signal}): ${result.stderr.trim()}`,
    );
  }
  return result.stdout;
}

function sha256File(path: string): string {
  return createHash('sha256').update(readFileSync(path)).digest('hex');
}

/** The cached .deb of a pinned package, downloaded first if needed; throws on a digest mismatch. */
export function fetchDebianPackage(pkg: PinnedDebianPackage, cacheDir: string): string {
  mkdirSync(cacheDir, { recursive: true });
  const cached = join(cacheDir, `${pkg.name}_${pkg.version}.deb`);
  if (existsSync(cached) && sha256File(cached) === pkg.sha256) return cached;
  const work = mkdtempSync(join(cacheDir, '.apt-download-'));
  try {
    try {
      run('apt-get', ['download', '-q', `${pkg.name}=${pkg.version}`], work);
    } catch (error) {
      throw new Error(
        `${(error as Error).message}\nIs ${pkg.name} ${pkg.version} still served? \`apt-cache policy ${pkg.name}\` lists the versions ` +
          'the archive has; pin one of them (and its SHA256 from `apt-cache show`) in watcher/image/debian-packages.json',
      );
    }
    const [downloaded] = readdirSync(work).filter((file) => file.endsWith('.deb'));
    if (!downloaded) throw new Error(`apt-get download ${pkg.name}=${pkg.version} left no .deb`);
    const actual = sha256File(join(work, downloaded));
    if (actual !== pkg.sha256) {
      throw new Error(`${downloaded} has SHA256 ${actual}, pinned ${pkg.sha256} in debian-packages.json`);
    }
    renameSync(join(work, downloaded), cached);
    return cached;
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

/** The files of the packages as layer entries (owned by root), minus what isLeftOut drops. */
export function debianPackageEntries(debs: readonly string[]): TarEntry[] {
  const byPath = new Map<string, TarEntry>();
  for (const deb of debs) {
    const data = spawnSync('dpkg-deb', ['--fsys-tarfile', deb], { maxBuffer: 512 * 1024 * 1024 });
    if (data.status !== 0)
      throw new Error(`dpkg-deb --fsys-tarfile ${deb} failed: ${data.stderr.toString().trim()}`);
    for (const entry of readTar(data.stdout)) {
      if (isLeftOut(entry.path)) continue;
      const existing = byPath.get(entry.path);
      if (existing) {
        // Packages share directories (usr/, usr/share/); two packages shipping one file is a conflict.
        if (existing.type === 'directory' && entry.type === 'directory') continue;
        throw new Error(`${entry.path} is shipped by more than one package (${deb})`);
      }
      byPath.set(entry.path, entry);
    }
  }
  return [...byPath.values()];
}
