import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import {
  fetchWithTimeout,
  onFreePort,
  peerCacheDir,
  peerVersions,
  requireInstalled,
  spawnPeer,
  waitForPeer,
} from './peer-process.js';
import type { PeerEndpoints, RunningPeer } from './types.js';

export type RunningVault = RunningPeer & PeerEndpoints['vault'];

export interface StartVaultOptions {
  /** Folder for this run's logs; also the server's HOME. */
  runDir: string;
  timeoutMs?: number;
}

/**
 * Starts a Vault-API dev server (OpenBao, see build-vault.sh: in memory, unsealed, KV v2 at
 * secret/) on a free port of 127.0.0.1 with a fresh random root token, and waits until
 * /v1/sys/health reports it active.
 */
export async function startVault({ runDir, timeoutMs = 60_000 }: StartVaultOptions): Promise<RunningVault> {
  const version = peerVersions().openbao!;
  const binary = requireInstalled(
    'vault',
    join(peerCacheDir('openbao', version), 'bin', 'bao'),
    'build-vault.sh',
  );
  const rootToken = `root-${randomBytes(16).toString('hex')}`;
  return await onFreePort(async (port) => {
    const url = `http://127.0.0.1:${port}`;
    const peer = spawnPeer({
      name: 'vault',
      command: binary,
      args: ['server', '-dev', `-dev-listen-address=127.0.0.1:${port}`, '-dev-no-store-token'],
      runDir,
      // The token goes through the environment rather than argv, where every process listing shows it.
      // HOME points into the run folder so nothing of this server lands in the user's home.
      env: {
        ...process.env,
        HOME: runDir,
        BAO_DEV_ROOT_TOKEN_ID: rootToken,
        BAO_ADDR: url,
        BAO_LOG_LEVEL: 'warn',
      },
    });
    await waitForPeer(peer, {
      timeoutMs,
      probe: async () => {
        const response = await fetchWithTimeout(`${url}/v1/sys/health`);
        if (response.status !== 200) return false;
        const health = (await response.json()) as {
          initialized?: boolean;
          sealed?: boolean;
          standby?: boolean;
        };
        return health.initialized === true && health.sealed === false && health.standby === false;
      },
    });
    return { name: peer.name, logFile: peer.logFile, stop: peer.stop, url, rootToken };
  });
}
