/**
 * Vitest globalSetup of the integration project: starts the real peers once per run, points
 * FLEET_SECRETS_PEERS at their endpoints file (test workers inherit it), and stops them after.
 *
 * Environment knobs: FLEET_SECRETS_PEERS (reuse peers from `npm run peers:up` instead of
 * starting new ones), FLEET_SECRETS_PEERS_ONLY=kube,vault, FLEET_SECRETS_KUBE_CLUSTERS=3,
 * FLEET_SECRETS_KEEP_PEERS=1 (keep the run folder with its logs).
 */
import { existsSync, readFileSync } from 'node:fs';
import { peersFileVariable } from '../helpers/peers.js';
import { parseClusterCount, parsePeerNames, startPeers } from './start-all.js';
import type { PeerEndpoints } from './types.js';

export async function setup(): Promise<(() => Promise<void>) | undefined> {
  const existing = process.env[peersFileVariable];
  if (existing && ownerIsAlive(existing)) {
    console.log(`[peers] reusing the running peers of ${existing}`);
    return undefined;
  }
  const startedAt = Date.now();
  const only = process.env.FLEET_SECRETS_PEERS_ONLY;
  const clusters = process.env.FLEET_SECRETS_KUBE_CLUSTERS;
  const peers = await startPeers({
    ...(only ? { only: parsePeerNames(only) } : {}),
    ...(clusters ? { kubeClusters: parseClusterCount(clusters) } : {}),
    keepRunDir: process.env.FLEET_SECRETS_KEEP_PEERS === '1',
  });
  process.env[peersFileVariable] = peers.endpointsFile;
  const started = Object.keys(peers.endpoints).join(', ');
  console.log(
    `[peers] ${started} ready in ${((Date.now() - startedAt) / 1000).toFixed(1)} s (${peers.runDir})`,
  );
  return async () => {
    await peers.stop();
    delete process.env[peersFileVariable];
  };
}

/** An endpoints file whose owner is gone describes peers that no longer run. */
function ownerIsAlive(file: string): boolean {
  if (!existsSync(file)) return false;
  try {
    const { run } = JSON.parse(readFileSync(file, 'utf8')) as PeerEndpoints;
    if (!run) return true;
    process.kill(run.ownerPid, 0);
    return true;
  } catch {
    return false;
  }
}
