/**
 * `npm run build`: one minified, tree-shaken ESM bundle per functions/<name>/handler.ts, written
 * to dist/functions/<name>/index.mjs with its source map. The CDK stack deploys these same files
 * (cdk/bundles.ts), so what was built and tested is what runs.
 *
 * Nothing is external, not even @aws-sdk/*: the SDK the Lambda runtime ships is a version we
 * never tested and changes under us, while a bundled, tree-shaken client is pinned by
 * package-lock.json, and one file loads faster at cold start than node_modules resolution.
 *
 * Output per bundle: its size, gzipped size, and the time a fresh node process takes to import it
 * (the cold-start proxy; an import that throws is reported, not fatal, since handlers may need
 * their environment).
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, rmSync, statSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join, relative, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { gzipSync } from 'node:zlib';
import { build } from 'esbuild';
import { nodeRuntime } from './node-runtime.js';

const root = resolve(fileURLToPath(new URL('..', import.meta.url)));
const functionsDir = join(root, 'functions');
const outRoot = resolve(process.env.FLEET_SECRETS_BUNDLE_DIR ?? join(root, 'dist', 'functions'));

// ESM output has no `require`; CommonJS dependencies that require Node built-ins at run time
// (e.g. in @kubernetes/client-node's dependency tree) get a real one from createRequire.
const banner =
  "import { createRequire as __fleetCreateRequire } from 'node:module'; const require = __fleetCreateRequire(import.meta.url);";

function handlers(): string[] {
  if (!existsSync(functionsDir)) return [];
  return readdirSync(functionsDir)
    .filter((name) => existsSync(join(functionsDir, name, 'handler.ts')))
    .sort();
}

function kib(bytes: number): string {
  return `${(bytes / 1024).toFixed(1)} KiB`;
}

/** Import time in a fresh process: what a cold start pays before the handler runs. */
function coldImportMs(file: string): { ms?: number; error?: string } {
  const script = `const t = performance.now(); await import(${JSON.stringify(pathToFileURL(file).href)}); process.stdout.write(String(performance.now() - t));`;
  const child = spawnSync(process.execPath, ['--input-type=module', '-e', script], {
    encoding: 'utf8',
    // Enough for the handlers' module-level setup; no credentials and no network are needed to import.
    env: { ...process.env, AWS_REGION: process.env.AWS_REGION ?? 'us-east-1' },
    timeout: 30_000,
  });
  if (child.status !== 0)
    return { error: (child.stderr.trim().split('\n').find(Boolean) ?? 'failed').slice(0, 160) };
  return { ms: Number(child.stdout) };
}

async function bundle(name: string, outfile: string): Promise<void> {
  await build({
    entryPoints: [join(functionsDir, name, 'handler.ts')],
    outfile,
    bundle: true,
    platform: 'node',
    target: nodeRuntime.esbuildTarget,
    format: 'esm',
    minify: true,
    treeShaking: true,
    sourcemap: 'linked',
    // Stack traces need only the mappings; the sources would triple the map for nothing.
    sourcesContent: false,
    // Prefer packages' ESM builds: they tree-shake, CommonJS builds do not.
    mainFields: ['module', 'main'],
    banner: { js: banner },
    legalComments: 'none',
    logLevel: 'warning',
  });
}

async function main(): Promise<void> {
  const names = handlers();
  if (names.length === 0) {
    console.log('no functions/*/handler.ts to bundle');
    return;
  }
  const started = performance.now();
  const rows: string[] = [];
  const failed: string[] = [];
  for (const name of names) {
    const outdir = join(outRoot, name);
    rmSync(outdir, { recursive: true, force: true });
    const outfile = join(outdir, 'index.mjs');
    try {
      await bundle(name, outfile);
    } catch {
      // esbuild has already printed the error with its location.
      failed.push(name);
      continue;
    }
    const bytes = statSync(outfile).size;
    const gz = gzipSync(await readFile(outfile)).length;
    const cold = coldImportMs(outfile);
    const coldText =
      cold.ms === undefined ? `import failed: ${cold.error}` : `cold import ${cold.ms.toFixed(0)} ms`;
    rows.push(`${name.padEnd(18)} ${kib(bytes).padStart(11)}  (gzip ${kib(gz)})  ${coldText}`);
  }
  console.log(`bundles in ${relative(root, outRoot) || outRoot}:`);
  for (const row of rows) console.log(`  ${row}`);
  if (failed.length > 0) {
    console.error(`bundling failed for: ${failed.join(', ')}`);
    process.exitCode = 1;
    return;
  }
  console.log(`built ${names.length} bundles in ${((performance.now() - started) / 1000).toFixed(1)} s`);
}

await main();
