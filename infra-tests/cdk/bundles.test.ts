import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { BUNDLE_ENTRY_FILE, bundlePathOf, ensureBundles, missingBundles } from '../../cdk/bundles.js';
import { MissingBundleError } from '../../cdk/errors.js';
import { FUNCTION_NAMES } from '../../shared/contracts/runtime-contract.js';
import { makeThrowawayBundles } from './synth.js';

describe('function bundles for the stack', () => {
  it('should hand the stack the folder of a function whose bundle exists', () => {
    const dir = makeThrowawayBundles();
    expect(bundlePathOf(dir, 'rotation')).toBe(join(dir, 'rotation'));
    expect(missingBundles(dir)).toEqual([]);
  });

  it('should name the missing function and the command that builds it', () => {
    const dir = makeThrowawayBundles();
    rmSync(join(dir, 'sweep', BUNDLE_ENTRY_FILE));
    expect(missingBundles(dir)).toEqual(['sweep']);
    expect(() => bundlePathOf(dir, 'sweep')).toThrow(MissingBundleError);
    expect(() => bundlePathOf(dir, 'sweep')).toThrow(/sweep.*npm run build/);
  });

  it('should not run the build when every bundle is present', () => {
    // A project root without scripts/ would make any build attempt fail loudly.
    expect(() =>
      ensureBundles(makeThrowawayBundles(), mkdtempSync(join(tmpdir(), 'no-project-'))),
    ).not.toThrow();
  });

  it('should fail with the missing functions when the build cannot produce them', () => {
    const emptyRoot = mkdtempSync(join(tmpdir(), 'no-project-'));
    mkdirSync(join(emptyRoot, 'scripts'));
    writeFileSync(join(emptyRoot, 'scripts', 'build-functions.ts'), 'process.exit(0);\n');
    const bundleDir = mkdtempSync(join(tmpdir(), 'no-bundles-'));
    expect(() => ensureBundles(bundleDir, emptyRoot)).toThrow(new RegExp(FUNCTION_NAMES.join(', ')));
  }, 60_000);
});
