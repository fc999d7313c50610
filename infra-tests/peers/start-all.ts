/**
 * Starts every real peer a test run needs, in parallel, in a fresh run folder, and writes their
 * endpoints (the PeerEndpoints contract) to a JSON file that the suites read with loadPeers().
 */
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startDynamoDb } from './dynamodb.js';
import { type KubeFleet, startKubeFleet } from './kube.js';
import { startMoto } from './moto.js';
import type { PeerEndpoints, RunningPeer } from './types.js';
import { startVault } from './vault.js';

export const peerNames = ['kube', 'moto', 'dynamodb', 'vault'] as const;
export type PeerName = (typeof peerNames)[number];

/** Every process a run starts inherits this variable, which is how the orphan guard finds them. */
export const runMarkerVariable = 'FLEET_SECRETS_PEER_RUN';

export interface StartPeersOptions {
  /** How many apiservers (separate clusters) share the one etcd. */
  kubeClusters?: number;
  /** Start only these peers; the endpoints file then holds only theirs. */
  only?: readonly PeerName[];
  /** Keep the run folder (logs, etcd data, kubeconfigs) after stop. */
  keepRunDir?: boolean;
}

export interface RunningPeers {
  runDir: string;
  /** The JSON file with the endpoints; FLEET_SECRETS_PEERS points here. */
  endpointsFile: string;
  endpoints: Partial<PeerEndpoints>;
  /** The kube fleet, for callers in this process that add or restart clusters. */
  kube?: KubeFleet;
  stop(): Promise<void>;
}

type Started = { [K in PeerName]: { peer: RunningPeer; endpoints: PeerEndpoints[K] } };

/** One entry per peer: how to start it and which part of PeerEndpoints it fills. */
const starters: { [K in PeerName]: (runDir: string, kubeClusters: number) => Promise<Started[K]> } = {
  kube: async (runDir, clusters) => {
    const fleet = await startKubeFleet({ clusters, runDir });
    return { peer: fleet, endpoints: fleet.endpoints() };
  },
  moto: async (runDir) => {
    const { url, region, ...peer } = await startMoto({ runDir: join(runDir, 'moto') });
    return { peer, endpoints: { url, region } };
  },
  dynamodb: async (runDir) => {
    const { url, region, ...peer } = await startDynamoDb({ runDir: join(runDir, 'dynamodb') });
    return { peer, endpoints: { url, region } };
  },
  vault: async (runDir) => {
    const { url, rootToken, ...peer } = await startVault({ runDir: join(runDir, 'vault') });
    return { peer, endpoints: { url, rootToken } };
  },
};

/** A peer failed to start; the message lists each failed peer with its own error (and log file). */
export class PeersStartError extends Error {
  override name = 'PeersStartError';
}

export async function startPeers(options: StartPeersOptions = {}): Promise<RunningPeers> {
  const { kubeClusters = 3, only = peerNames, keepRunDir = false } = options;
  // A fresh folder per run: several runs on one machine never share files or ports.
  const runDir = mkdtempSync(join(tmpdir(), 'fleet-secrets-peers-'));
  const marker = randomBytes(8).toString('hex');
  process.env[runMarkerVariable] = marker;
  const guard = startOrphanGuard(marker, runDir);

  const names = peerNames.filter((name) => only.includes(name));
  const results = await Promise.allSettled(names.map((name) => starters[name](runDir, kubeClusters)));
  const peers: RunningPeer[] = [];
  const endpoints: Partial<PeerEndpoints> = {};
  const failures: string[] = [];
  results.forEach((result, i) => {
    const name = names[i] as PeerName;
    if (result.status === 'fulfilled') {
      peers.push(result.value.peer);
      Object.assign(endpoints, { [name]: result.value.endpoints });
    } else {
      const reason = result.reason instanceof Error ? result.reason.message : String(result.reason);
      failures.push(`- ${name}: ${reason}`);
    }
  });

  let stopped: Promise<void> | undefined;
  const stop = () => {
    stopped ??= (async () => {
      await Promise.allSettled(peers.map((peer) => peer.stop()));
      guard.kill();
      if (process.env[runMarkerVariable] === marker) delete process.env[runMarkerVariable];
      if (!keepRunDir) rmSync(runDir, { recursive: true, force: true });
    })();
    return stopped;
  };

  if (failures.length > 0) {
    // The run folder stays: the logs named in the errors live there.
    await Promise.allSettled(peers.map((peer) => peer.stop()));
    guard.kill();
    throw new PeersStartError(`peers failed to start (run folder ${runDir}):\n${failures.join('\n')}`);
  }

  const endpointsFile = join(runDir, 'endpoints.json');
  const run: NonNullable<PeerEndpoints['run']> = { ownerPid: process.pid, runDir, started: names };
  writeFileSync(endpointsFile, JSON.stringify({ ...endpoints, run }, null, 2), { mode: 0o600 });
  const kube = peers.find((peer): peer is KubeFleet => peer.name === 'kube');
  return { runDir, endpointsFile, endpoints, ...(kube ? { kube } : {}), stop };
}

/**
 * A detached watchdog that outlives this process: when this process dies without stop() (a
 * crashed or killed test runner), it kills every process carrying this run's marker and removes
 * the run folder, so no apiserver, etcd or JVM lingers on a shared machine.
 */
function startOrphanGuard(marker: string, runDir: string): { kill(): void } {
  const script = `
    while kill -0 "$1" 2>/dev/null; do sleep 1; done
    for environ in /proc/[0-9]*/environ; do
      pid=\${environ#/proc/}; pid=\${pid%/environ}
      grep -qxzF "$2" "$environ" 2>/dev/null && kill -KILL "$pid" 2>/dev/null
    done
    rm -rf "$3"`;
  const env = { ...process.env };
  delete env[runMarkerVariable];
  const guard = spawn(
    'bash',
    [
      '-c',
      script,
      'fleet-secrets-orphan-guard',
      String(process.pid),
      `${runMarkerVariable}=${marker}`,
      runDir,
    ],
    { detached: true, stdio: 'ignore', env },
  );
  guard.unref();
  return {
    kill: () => {
      try {
        if (guard.pid !== undefined) process.kill(-guard.pid, 'SIGKILL');
      } catch {
        // Already gone.
      }
    },
  };
}

/** Reads a comma-separated peer list such as "kube,vault" (FLEET_SECRETS_PEERS_ONLY, --only). */
export function parsePeerNames(list: string): PeerName[] {
  const names = list
    .split(',')
    .map((name) => name.trim())
    .filter(Boolean);
  const unknown = names.filter((name) => !(peerNames as readonly string[]).includes(name));
  if (unknown.length > 0) {
    throw new Error(`unknown peer(s) ${unknown.join(', ')}; known: ${peerNames.join(', ')}`);
  }
  return names as PeerName[];
}

/** Reads a cluster count (FLEET_SECRETS_KUBE_CLUSTERS, --clusters): a whole number from 1 to 20. */
export function parseClusterCount(value: string): number {
  const count = Number(value);
  if (!Number.isInteger(count) || count < 1 || count > 20) {
    throw new Error(`kube cluster count must be a whole number from 1 to 20, got '${value}'`);
  }
  return count;
}
