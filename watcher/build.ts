/**
 * Bundles the watcher into one ESM file for its image (`npm run build:watcher`): no node_modules in
 * the image, and only the code the watcher reaches (esbuild drops the rest of the AWS SDK).
 * esbuild's metafile is written next to the bundle (`watcher.mjs.meta.json`): the image's SBOM
 * lists the npm packages it names.
 */
import { writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { nodeRuntime } from '../scripts/node-runtime.js';

const here = dirname(fileURLToPath(import.meta.url));
export const defaultWatcherBundle = join(here, '..', 'dist', 'watcher', 'watcher.mjs');

/** Where buildWatcher leaves esbuild's metafile for a bundle. */
export function metafileOf(bundle: string): string {
  return `${bundle}.meta.json`;
}

export async function buildWatcher({
  outfile = defaultWatcherBundle,
}: {
  outfile?: string;
} = {}): Promise<string> {
  const result = await build({
    entryPoints: [join(here, 'main.ts')],
    outfile,
    bundle: true,
    platform: 'node',
    target: nodeRuntime.esbuildTarget,
    format: 'esm',
    minify: true,
    sourcemap: 'linked',
    legalComments: 'linked',
    logLevel: 'warning',
    metafile: true,
    // Some bundled CommonJS modules call require() for Node built-ins, which ESM output lacks.
    banner: {
      js: "import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);",
    },
  });
  writeFileSync(metafileOf(outfile), JSON.stringify(result.metafile));
  return outfile;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const outfile = await buildWatcher({ ...(process.argv[2] ? { outfile: process.argv[2] } : {}) });
  console.log(`watcher bundled into ${outfile}`);
}
