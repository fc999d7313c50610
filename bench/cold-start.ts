/**
 * Benchmark 4a: each function's bundle as `npm run build` makes it (scripts/build-functions.ts,
 * written to a temporary folder), its size, and how long a fresh node process takes to import it:
 * the part of a Lambda cold start that is ours (the runtime's own start is not included).
 */
import { spawn, spawnSync } from 'node:child_process';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { gzipSync } from 'node:zlib';
import { roundSpread, type Spread, spreadOf } from './lib/stats.js';

const root = resolve(fileURLToPath(new URL('..', import.meta.url)));

export interface BundleResult {
  name: string;
  bytes: number;
  gzipBytes: number;
  importMs: Spread;
  /** Resident memory of the process right after the import. */
  rssAfterImportMiB: Spread;
  importError?: string;
}

/** Builds every function into `outDir` with the project's own build script (`npm run build`). */
export function buildBundles(outDir: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', join(root, 'scripts', 'build-functions.ts')], {
      cwd: root,
      env: { ...process.env, FLEET_SECRETS_BUNDLE_DIR: outDir },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => {
      stderr = (stderr + chunk.toString('utf8')).slice(-4000);
    });
    child.on('exit', (code) =>
      code === 0 ? resolve() : reject(new Error(`npm run build failed (exit ${code}): ${stderr}`)),
    );
  });
}

function importOnce(file: string): { ms?: number; rss?: number; error?: string } {
  const script = `const t = performance.now(); await import(${JSON.stringify(pathToFileURL(file).href)}); const ms = performance.now() - t; process.stdout.write(JSON.stringify({ ms, rss: process.memoryUsage().rss }));`;
  const child = spawnSync(process.execPath, ['--input-type=module', '-e', script], {
    encoding: 'utf8',
    // What a Lambda has at import time: a region, no credentials needed.
    env: { PATH: process.env.PATH ?? '', AWS_REGION: 'us-east-1' },
    timeout: 60_000,
  });
  if (child.status !== 0) return { error: (child.stderr.trim().split('\n')[0] ?? 'failed').slice(0, 200) };
  const out = JSON.parse(child.stdout) as { ms: number; rss: number };
  return { ms: out.ms, rss: out.rss };
}

export function measureBundles(outDir: string, repetitions: number): BundleResult[] {
  const names = readdirSync(outDir).filter((name) => {
    try {
      return statSync(join(outDir, name, 'index.mjs')).isFile();
    } catch {
      return false;
    }
  });
  return names.sort().map((name) => {
    const file = join(outDir, name, 'index.mjs');
    const text = readFileSync(file);
    const times: number[] = [];
    const rss: number[] = [];
    let importError: string | undefined;
    for (let i = 0; i < repetitions; i++) {
      const once = importOnce(file);
      if (once.error) {
        importError = once.error;
        break;
      }
      times.push(once.ms as number);
      rss.push((once.rss as number) / 2 ** 20);
    }
    return {
      name,
      bytes: text.length,
      gzipBytes: gzipSync(text).length,
      importMs: roundSpread(spreadOf(times)),
      rssAfterImportMiB: roundSpread(spreadOf(rss), 1),
      ...(importError ? { importError } : {}),
    };
  });
}
