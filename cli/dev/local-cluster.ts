/**
 * The project's own cluster for a machine without one: the test harness's etcd + kube-apiserver
 * (infra-tests/peers), built from the Go module proxy on first use. Its processes carry the
 * harness's run marker, so a watchdog removes them even if this process is killed outright.
 */
import { spawn } from 'node:child_process';
import { closeSync, copyFileSync, existsSync, mkdirSync, openSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { peerCacheDir, peerVersions } from '../../infra-tests/peers/peer-process.js';
import { startPeers } from '../../infra-tests/peers/start-all.js';
import { CliError, InterruptedError } from '../errors.js';

const peersDir = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'infra-tests', 'peers');

export interface LocalCluster {
  server: string;
  caData: string;
  /** A copy of the admin kubeconfig in the dev folder, for the user's kubectl and for registration. */
  kubeconfig: string;
  runDir: string;
  stop(): Promise<void>;
}

function binaries(): Array<{ peer: string; path: string; script: string }> {
  const versions = peerVersions();
  return [
    {
      peer: 'etcd',
      path: join(peerCacheDir('etcd', versions.etcd ?? 'unpinned'), 'bin', 'etcd'),
      script: 'build-etcd.sh',
    },
    {
      peer: 'kube-apiserver',
      path: join(peerCacheDir('kube-apiserver', versions.kubernetes ?? 'unpinned'), 'bin', 'kube-apiserver'),
      script: 'build-kube-apiserver.sh',
    },
  ];
}

/** Builds what is missing; says up front that it is slow, and where its log goes. */
export async function ensureClusterBinaries(options: {
  devDir: string;
  say: (line: string) => void;
  signal: AbortSignal;
}): Promise<void> {
  const missing = binaries().filter((b) => !existsSync(b.path));
  if (missing.length === 0) return;
  const log = join(options.devDir, 'install.log');
  options.say(
    `building ${missing.map((b) => b.peer).join(' and ')} from the Go module proxy for the local cluster: the first time this may take several minutes (log: ${log})`,
  );
  for (const b of missing) {
    await runScript(join(peersDir, b.script), log, options.signal);
    options.say(`${b.peer} ready`);
  }
}

function runScript(script: string, logFile: string, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    const fd = openSync(logFile, 'a');
    // Its own process group, so Ctrl-C can stop the whole build (go and its compilers) at once.
    const child = spawn('bash', [script], { stdio: ['ignore', fd, fd], detached: true });
    closeSync(fd);
    const onAbort = () => {
      try {
        if (child.pid) process.kill(-child.pid, 'SIGTERM');
      } catch {
        // Already gone.
      }
    };
    signal.addEventListener('abort', onAbort, { once: true });
    child.once('error', (error) => reject(new CliError(`cannot run ${script}: ${error.message}`)));
    child.once('exit', (code) => {
      signal.removeEventListener('abort', onAbort);
      if (signal.aborted) reject(new InterruptedError('interrupted while building the local cluster'));
      else if (code === 0) resolve();
      else
        reject(
          new CliError(
            `${script} failed (exit ${code}); see ${logFile} (it needs Go and network access to the Go module proxy)`,
          ),
        );
    });
  });
}

/** One etcd and one kube-apiserver with real RBAC; the admin kubeconfig is copied into the dev folder. */
export async function startLocalCluster(options: { devDir: string }): Promise<LocalCluster> {
  const peers = await startPeers({ only: ['kube'], kubeClusters: 1 });
  const endpoint = peers.kube?.clusters[0]?.endpoint;
  if (!endpoint) {
    await peers.stop();
    throw new CliError('the local cluster did not start');
  }
  mkdirSync(options.devDir, { recursive: true });
  const kubeconfig = join(options.devDir, 'local-cluster.kubeconfig');
  copyFileSync(endpoint.adminKubeconfig, kubeconfig);
  return {
    server: endpoint.server,
    caData: endpoint.caData,
    kubeconfig,
    runDir: peers.runDir,
    stop: () => peers.stop(),
  };
}
