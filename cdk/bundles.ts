import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { FUNCTION_NAMES, type FunctionName } from '../shared/contracts/runtime-contract.js';
import { MissingBundleError } from './errors.js';

/** The file each function folder must hold; the runtime's handler is `index.handler`. */
export const BUNDLE_ENTRY_FILE = 'index.mjs';

/** The folder the stack uploads for one function, after checking its bundle is there. */
export function bundlePathOf(bundleDir: string, name: FunctionName): string {
  const dir = resolve(bundleDir, name);
  if (!existsSync(join(dir, BUNDLE_ENTRY_FILE))) {
    throw new MissingBundleError(
      `the ${name} function's bundle ${join(dir, BUNDLE_ENTRY_FILE)} is missing: run \`npm run build\` ` +
        `(it bundles functions/${name}/handler.ts) before synthesizing`,
    );
  }
  return dir;
}

export function missingBundles(bundleDir: string): FunctionName[] {
  return FUNCTION_NAMES.filter((name) => !existsSync(join(resolve(bundleDir, name), BUNDLE_ENTRY_FILE)));
}

/**
 * Synth deploys the bundles `npm run build` made (no second bundling, no docker). When some are
 * missing, the same build runs once; if that cannot produce them (a handler not written yet), the
 * error names the missing functions.
 */
export function ensureBundles(bundleDir: string, projectRoot: string): void {
  if (missingBundles(bundleDir).length === 0) return;
  const build = spawnSync(process.execPath, ['--import', 'tsx', 'scripts/build-functions.ts'], {
    cwd: projectRoot,
    stdio: ['ignore', 'inherit', 'inherit'],
    env: { ...process.env, FLEET_SECRETS_BUNDLE_DIR: resolve(bundleDir) },
  });
  const stillMissing = missingBundles(bundleDir);
  if (build.status !== 0 || stillMissing.length > 0) {
    throw new MissingBundleError(
      `function bundles missing in ${resolve(bundleDir)} (${stillMissing.join(', ') || 'none'}) and ` +
        `\`npm run build\` ${build.status === 0 ? 'did not produce them' : `failed (exit ${String(build.status)})`}; ` +
        'every function needs functions/<name>/handler.ts',
    );
  }
}
