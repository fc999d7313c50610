/**
 * `npm run peers:up` starts the real peers and keeps them running in the foreground until Ctrl-C
 * or `npm run peers:down` (from another terminal); it prints the variables that let integration
 * tests, kubectl and the AWS SDK reuse them.
 *
 *   peers:up [--clusters 3] [--only kube,vault] [--keep]
 *   peers:down
 */
import { createHash } from 'node:crypto';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { peersFileVariable } from '../helpers/peers.js';
import { parseClusterCount, parsePeerNames, type RunningPeers, startPeers } from './start-all.js';

interface UpState {
  pid: number;
  runDir: string;
  endpointsFile: string;
}

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
/** One `up` per clone: the state file is keyed by the clone's path, outside the clone. */
const stateFile = join(
  tmpdir(),
  `fleet-secrets-peers-up-${createHash('sha256').update(repoRoot).digest('hex').slice(0, 12)}.json`,
);

function readState(): UpState | undefined {
  try {
    const state = JSON.parse(readFileSync(stateFile, 'utf8')) as UpState;
    process.kill(state.pid, 0);
    return state;
  } catch {
    return undefined;
  }
}

async function up(args: string[]): Promise<void> {
  const { values } = parseArgs({
    args,
    options: { clusters: { type: 'string' }, only: { type: 'string' }, keep: { type: 'boolean' } },
  });
  const running = readState();
  if (running) {
    throw new Error(
      `peers are already up (pid ${running.pid}, ${running.runDir}); run npm run peers:down first`,
    );
  }
  const startedAt = Date.now();
  const peers = await startPeers({
    ...(values.clusters ? { kubeClusters: parseClusterCount(values.clusters) } : {}),
    ...(values.only ? { only: parsePeerNames(values.only) } : {}),
    keepRunDir: values.keep ?? false,
  });
  const state: UpState = { pid: process.pid, runDir: peers.runDir, endpointsFile: peers.endpointsFile };
  writeFileSync(stateFile, JSON.stringify(state));
  printSummary(peers, Date.now() - startedAt);

  let stopping = false;
  const shutdown = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    console.log(`\n${signal}: stopping the peers`);
    await peers.stop();
    rmSync(stateFile, { force: true });
    process.exit(0);
  };
  process.on('SIGINT', () => void shutdown('SIGINT'));
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
  // The peers are unref'd child processes; this timer is what keeps `up` in the foreground.
  setInterval(() => {}, 1 << 30);
}

function printSummary(peers: RunningPeers, elapsedMs: number): void {
  const { kube, moto, dynamodb, vault } = peers.endpoints;
  console.log(`peers up in ${(elapsedMs / 1000).toFixed(1)} s; logs and kubeconfigs in ${peers.runDir}`);
  if (kube) {
    console.log(`  etcd      ${kube.etcdUrl}`);
    for (const cluster of kube.clusters) {
      console.log(`  ${cluster.name.padEnd(9)} ${cluster.server}  kubeconfig ${cluster.adminKubeconfig}`);
    }
  }
  if (moto) console.log(`  moto      ${moto.url} (${moto.region})`);
  if (dynamodb) console.log(`  dynamodb  ${dynamodb.url}`);
  if (vault) console.log(`  vault     ${vault.url} (root token in ${peers.endpointsFile})`);
  console.log('\nIn another shell:');
  console.log(`  export ${peersFileVariable}=${peers.endpointsFile}`);
  if (kube?.clusters[0]) console.log(`  export KUBECONFIG=${kube.clusters[0].adminKubeconfig}`);
  console.log('\nCtrl-C here, or npm run peers:down, stops them.');
}

async function down(): Promise<void> {
  const state = readState();
  if (!state) {
    console.log('no peers are up for this clone');
    rmSync(stateFile, { force: true });
    return;
  }
  process.kill(state.pid, 'SIGTERM');
  const deadline = Date.now() + 30_000;
  while (Date.now() < deadline) {
    if (!readState()) {
      console.log(`peers of pid ${state.pid} stopped`);
      return;
    }
    await sleep(200);
  }
  throw new Error(`pid ${state.pid} did not stop the peers within 30 s; its run folder is ${state.runDir}`);
}

const [command, ...rest] = process.argv.slice(2);
const commands: Record<string, (args: string[]) => Promise<void>> = { up, down };
const run = command ? commands[command] : undefined;
if (!run) {
  console.error('usage: cli.ts up [--clusters N] [--only kube,moto,dynamodb,vault] [--keep] | down');
  process.exit(2);
}
run(rest).catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
