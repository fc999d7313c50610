import { join } from 'node:path';
import { PeerStartError } from './errors.js';
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

export type RunningMoto = RunningPeer & PeerEndpoints['moto'];

export interface StartMotoOptions {
  /** Folder for this run's logs. */
  runDir: string;
  region?: string;
  timeoutMs?: number;
}

/**
 * Starts moto in server mode on a free port of 127.0.0.1 (moto binds every interface unless told)
 * and waits until its management API answers. One endpoint serves every AWS service moto mocks.
 */
export async function startMoto({
  runDir,
  region = 'us-east-1',
  timeoutMs = 60_000,
}: StartMotoOptions): Promise<RunningMoto> {
  const version = peerVersions().moto!;
  const home = peerCacheDir('moto', version);
  requireInstalled('moto', join(home, '.installed'), 'install-moto.sh');
  return await onFreePort(async (port) => {
    const url = `http://127.0.0.1:${port}`;
    const peer = spawnPeer({
      name: 'moto',
      command: join(home, 'bin', 'moto_server'),
      args: ['-H', '127.0.0.1', '-p', String(port)],
      runDir,
      env: { ...process.env, PYTHONUNBUFFERED: '1' },
    });
    await waitForPeer(peer, {
      timeoutMs,
      probe: async () => (await fetchWithTimeout(`${url}/moto-api/config`)).ok,
    });
    // Without docker, Lambda invocations (e.g. RotateSecret's rotation function) are stubbed
    // instead of failing on a missing docker daemon.
    const config = await fetchWithTimeout(`${url}/moto-api/config`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ lambda: { use_docker: false } }),
    });
    if (!config.ok) {
      await peer.stop();
      throw new PeerStartError(
        peer.name,
        peer.logFile,
        `its lambda config was refused (HTTP ${config.status})`,
      );
    }
    return { name: peer.name, logFile: peer.logFile, stop: peer.stop, url, region };
  });
}
