#!/usr/bin/env node
/**
 * Runs a command on the Node.js release the product ships on (Lambda's nodejs24.x), whatever node
 * started npm. When the machine's node is older, the pinned release is taken from the npm registry
 * (the `node-<platform>-<arch>` packages carry the official binary), checked against the integrity
 * pinned in scripts/node-runtime.json and unpacked once into the shared cache, so a fresh clone on
 * the same machine reuses it.
 *
 *   node scripts/with-node-lts.mjs vitest run        # vitest, and every `node` it spawns, on 24
 *   node scripts/with-node-lts.mjs --print-path      # the node binary it would use
 *
 * Written for the oldest node we still bootstrap from (20): plain ESM, no dependencies.
 */
import { spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { homedir } from 'node:os';
import { delimiter, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const runtime = JSON.parse(readFileSync(join(here, 'node-runtime.json'), 'utf8'));
const wantedMajor = Number(runtime.version.split('.')[0]);

function fail(message) {
  process.stderr.write(`[node-lts] ${message}\n`);
  process.exit(1);
}

/** The directory holding a node binary of the pinned major, installing it when needed. */
function nodeBinDir() {
  const current = Number(process.versions.node.split('.')[0]);
  if (current >= wantedMajor) return dirname(process.execPath);
  const platform = `${process.platform === 'win32' ? 'win' : process.platform}-${process.arch}`;
  const pkg = runtime.packages[platform];
  if (!pkg) {
    fail(
      `node ${process.versions.node} is older than ${wantedMajor} and no pinned package serves ${platform}; ` +
        `install Node.js ${wantedMajor} LTS and run again`,
    );
  }
  const cache = process.env.FLEET_SECRETS_CACHE ?? join(homedir(), '.cache', 'fleet-secrets');
  const target = join(cache, `node-${runtime.version}-${platform}`);
  const binDir = process.platform === 'win32' ? target : join(target, 'bin');
  const binary = join(binDir, process.platform === 'win32' ? 'node.exe' : 'node');
  if (existsSync(binary)) return binDir;
  install(pkg, cache, target);
  if (!existsSync(binary)) fail(`${pkg.name}@${runtime.version} unpacked without ${binary}`);
  return binDir;
}

function install(pkg, cache, target) {
  mkdirSync(cache, { recursive: true });
  const work = mkdtempSync(join(cache, '.node-download-'));
  try {
    process.stderr.write(`[node-lts] fetching ${pkg.name}@${runtime.version} from the npm registry\n`);
    const packed = spawnSync(
      'npm',
      ['pack', `${pkg.name}@${runtime.version}`, '--pack-destination', work, '--silent'],
      { encoding: 'utf8', shell: process.platform === 'win32' },
    );
    if (packed.status !== 0) fail(`npm pack ${pkg.name}@${runtime.version} failed: ${packed.stderr.trim()}`);
    const tarball = readdirSync(work).find((f) => f.endsWith('.tgz'));
    if (!tarball) fail(`npm pack ${pkg.name}@${runtime.version} left no tarball`);
    const digest = `sha512-${createHash('sha512')
      .update(readFileSync(join(work, tarball)))
      .digest('base64')}`;
    // The registry already checks its own shasum; the pin makes a republished tarball an error here.
    if (digest !== pkg.integrity) fail(`${tarball} has integrity ${digest}, pinned ${pkg.integrity}`);
    const unpacked = join(work, 'unpacked');
    mkdirSync(unpacked);
    const tar = spawnSync('tar', ['-xzf', join(work, tarball), '-C', unpacked], { encoding: 'utf8' });
    if (tar.status !== 0) fail(`tar could not unpack ${tarball}: ${tar.stderr.trim()}`);
    try {
      renameSync(join(unpacked, 'package'), target);
    } catch (error) {
      // Another run unpacked it first: theirs is as good as ours.
      if (!existsSync(target)) throw error;
    }
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

const args = process.argv.slice(2);
const binDir = nodeBinDir();
if (args[0] === '--print-path') {
  process.stdout.write(`${join(binDir, process.platform === 'win32' ? 'node.exe' : 'node')}\n`);
  process.exit(0);
}
if (args.length === 0) fail('usage: with-node-lts.mjs <command> [args...] | --print-path');

// npm puts node_modules/.bin on PATH before us; the chosen node goes first so every `#!/usr/bin/env
// node` script and every child that runs `node` gets it.
const env = { ...process.env, PATH: `${binDir}${delimiter}${process.env.PATH ?? ''}` };
const child = spawn(args[0], args.slice(1), { stdio: 'inherit', env, shell: process.platform === 'win32' });
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => child.kill(signal));
child.on('exit', (code, signal) => {
  if (signal) process.kill(process.pid, signal);
  else process.exit(code ?? 1);
});
