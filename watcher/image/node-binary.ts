/**
 * The image's Node.js: the official linux binary as the npm registry serves it (the
 * `node-linux-<arch>` package), the release and integrity pinned in scripts/node-runtime.json, the
 * same pins the tests and Lambda bundles use. The tarball is cached and checked on every build.
 */
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { readTar } from './tar-reader.js';

interface NodeRuntimePins {
  version: string;
  packages: Record<string, { name: string; integrity: string }>;
}

const pins = JSON.parse(
  readFileSync(new URL('../../scripts/node-runtime.json', import.meta.url), 'utf8'),
) as NodeRuntimePins;

export interface NodeBinary {
  version: string;
  packageName: string;
  /** SRI string (sha512-…) of the npm tarball. */
  integrity: string;
  binary: Buffer;
  license: Buffer;
}

function integrityOf(data: Buffer): string {
  return `sha512-${createHash('sha512').update(data).digest('base64')}`;
}

/** The pinned node binary for `platform` (linux-x64, linux-arm64). */
export function fetchNodeBinary(platform: string, cacheDir: string): NodeBinary {
  const pin = pins.packages[platform];
  if (!pin) throw new Error(`scripts/node-runtime.json pins no node package for ${platform}`);
  mkdirSync(cacheDir, { recursive: true });
  const cached = join(cacheDir, `${pin.name}-${pins.version}.tgz`);
  if (!existsSync(cached) || integrityOf(readFileSync(cached)) !== pin.integrity) {
    const work = mkdtempSync(join(cacheDir, '.npm-pack-'));
    try {
      const packed = spawnSync(
        'npm',
        ['pack', `${pin.name}@${pins.version}`, '--pack-destination', work, '--silent'],
        {
          encoding: 'utf8',
        },
      );
      if (packed.status !== 0)
        throw new Error(`npm pack ${pin.name}@${pins.version} failed: ${packed.stderr.trim()}`);
      const [tarball] = readdirSync(work).filter((file) => file.endsWith('.tgz'));
      if (!tarball) throw new Error(`npm pack ${pin.name}@${pins.version} left no tarball`);
      const actual = integrityOf(readFileSync(join(work, tarball)));
      if (actual !== pin.integrity)
        throw new Error(`${tarball} has integrity ${actual}, pinned ${pin.integrity}`);
      renameSync(join(work, tarball), cached);
    } finally {
      rmSync(work, { recursive: true, force: true });
    }
  }
  const entries = readTar(gunzipSync(readFileSync(cached)));
  const file = (path: string): Buffer => {
    const entry = entries.find((e) => e.path === path);
    if (entry?.type !== 'file') throw new Error(`${pin.name}@${pins.version} has no file ${path}`);
    return entry.content;
  };
  return {
    version: pins.version,
    packageName: pin.name,
    integrity: pin.integrity,
    binary: file('package/bin/node'),
    license: file('package/LICENSE'),
  };
}
