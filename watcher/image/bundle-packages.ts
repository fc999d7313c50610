/**
 * The npm packages whose code is inside the watcher bundle, read from esbuild's metafile: only the
 * modules esbuild actually bundled count, not everything package-lock.json installs. Input paths
 * are relative to esbuild's working directory (the process's, unless the build sets another).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

export interface BundledPackage {
  name: string;
  version: string;
  license: string;
}

interface Metafile {
  inputs: Record<string, unknown>;
}

/** The folder of the innermost package an input path belongs to, e.g. node_modules/@smithy/core. */
export function packageDirOf(inputPath: string): string | undefined {
  const match = /^(.*node_modules\/(?:@[^/]+\/)?[^/]+)\//.exec(inputPath);
  return match?.[1];
}

export function bundledPackages(metafilePath: string, esbuildWorkingDir: string): BundledPackage[] {
  const metafile = JSON.parse(readFileSync(metafilePath, 'utf8')) as Metafile;
  const dirs = new Set<string>();
  for (const input of Object.keys(metafile.inputs)) {
    const dir = packageDirOf(input);
    if (dir) dirs.add(dir);
  }
  const byKey = new Map<string, BundledPackage>();
  for (const dir of dirs) {
    const manifest = JSON.parse(readFileSync(join(esbuildWorkingDir, dir, 'package.json'), 'utf8')) as {
      name: string;
      version: string;
      license?: string;
    };
    const pkg = {
      name: manifest.name,
      version: manifest.version,
      license: manifest.license ?? 'NOASSERTION',
    };
    byKey.set(`${pkg.name}@${pkg.version}`, pkg);
  }
  return [...byKey.values()].sort((a, b) =>
    a.name === b.name ? (a.version < b.version ? -1 : 1) : a.name < b.name ? -1 : 1,
  );
}
