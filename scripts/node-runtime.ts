/**
 * The Node.js release the product ships on, read from scripts/node-runtime.json (the file
 * with-node-lts.mjs installs from), so bundles, the Lambda runtime and the test runner cannot
 * drift apart without a test noticing.
 */
import { readFileSync } from 'node:fs';

const pinned = JSON.parse(readFileSync(new URL('./node-runtime.json', import.meta.url), 'utf8')) as {
  version: string;
};

export const nodeRuntime = {
  version: pinned.version,
  major: Number(pinned.version.split('.')[0]),
  /** esbuild's name for the release. */
  esbuildTarget: `node${pinned.version.split('.')[0]}`,
  /** Lambda's name for its managed runtime of the release. */
  lambdaRuntime: `nodejs${pinned.version.split('.')[0]}.x`,
} as const;
