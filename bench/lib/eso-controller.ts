/**
 * External Secrets Operator as a peer of the benchmark (not of `npm test`): built or reused by
 * infra-tests/peers/build-eso.sh into the shared cache, run out of cluster against one of the
 * peer kube-apiservers with the admin kubeconfig, one controller per cluster as ESO is deployed.
 * Only the core controller runs (no webhook, no cert-controller); its /metrics listens on a free
 * port of 127.0.0.1 (the default :8080 binds every interface; 0.16.2 opens no other listener).
 */
import { spawn, spawnSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  fetchWithTimeout,
  freePort,
  peerCacheDir,
  peerVersions,
  spawnPeer,
  waitForPeer,
} from '../../infra-tests/peers/peer-process.js';
import type { KubeClusterEndpoint } from '../../infra-tests/peers/types.js';
import { parsePrometheusText, type Sample } from './prometheus.js';

const root = fileURLToPath(new URL('../..', import.meta.url));

export interface EsoInstall {
  version: string;
  binary: string;
  crds: string;
  /** Seconds build-eso.sh took in this run (a few tenths when it was cached). */
  buildSeconds: number;
  cached: boolean;
}

/** Runs infra-tests/peers/build-eso.sh (idempotent, flock'ed): exits at once when cached. */
export function ensureEsoBuilt(log: (line: string) => void): EsoInstall {
  const version = peerVersions().eso;
  if (!version) throw new Error('infra-tests/peers/versions.json has no "eso" version');
  const home = peerCacheDir('eso', version);
  const started = performance.now();
  const out = spawnSync('bash', [join(root, 'infra-tests', 'peers', 'build-eso.sh')], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
    maxBuffer: 64 * 1024 * 1024,
  });
  const buildSeconds = Math.round((performance.now() - started) / 100) / 10;
  if (out.status !== 0) {
    throw new Error(
      `build-eso.sh failed (${out.status}):\n${(out.stderr ?? '').split('\n').slice(-25).join('\n')}`,
    );
  }
  const last = (out.stdout ?? '').trim().split('\n').at(-1) ?? '';
  log(`eso: ${last}`);
  return {
    version,
    binary: join(home, 'bin', 'eso'),
    crds: join(home, 'crds', 'bundle.yaml'),
    buildSeconds,
    cached: last.includes('cached'),
  };
}

/**
 * ESO's CRDs, applied server-side with kubectl (the bundle is too big for client-side apply's
 * annotation, and client-node's typed serializer drops `x-kubernetes-preserve-unknown-fields` from a
 * CRD it did not build), then waited for until Established.
 */
export async function applyEsoCrds(cluster: KubeClusterEndpoint, bundle: string): Promise<void> {
  const kubectl = async (args: string[]) => {
    const { code, output } = await run('kubectl', ['--kubeconfig', cluster.adminKubeconfig, ...args]);
    if (code !== 0)
      throw new Error(
        `kubectl ${args.join(' ')} on ${cluster.name} failed (${code}): ${output.slice(-2000)}`,
      );
  };
  await kubectl([
    'apply',
    '--server-side',
    '--force-conflicts',
    '--field-manager=fleet-secrets-bench',
    '-f',
    bundle,
  ]);
  await kubectl(['wait', '--for=condition=Established', '--timeout=120s', '-f', bundle]);
}

function run(command: string, args: string[]): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (d) => {
      output += d;
    });
    child.stderr.on('data', (d) => {
      output += d;
    });
    child.once('error', reject);
    child.once('close', (code) => resolve({ code, output }));
  });
}

/** The flags every controller of the benchmark runs with, besides its two ports. */
export const ESO_FLAGS = ['--enable-leader-election=false', '--concurrent=1', '--loglevel=info'];

export function esoArgs(metricsPort: number): string[] {
  return [...ESO_FLAGS, `--metrics-addr=127.0.0.1:${metricsPort}`];
}

export interface EsoController {
  name: string;
  cluster: string;
  pid: number | undefined;
  metricsUrl: string;
  logFile: string;
  args: string[];
  scrape(): Promise<Sample[]>;
  /** VmRSS of the controller process from /proc, MiB (undefined once it has exited). */
  rssMiB(): number | undefined;
  stop(): Promise<void>;
}

export async function startEsoController(options: {
  install: EsoInstall;
  cluster: KubeClusterEndpoint;
  moto: { url: string; region: string };
  runDir: string;
  timeoutMs?: number;
}): Promise<EsoController> {
  const metricsPort = await freePort();
  const args = esoArgs(metricsPort);
  const name = `eso-${options.cluster.name}`;
  const peer = spawnPeer({
    name,
    command: options.install.binary,
    args,
    runDir: options.runDir,
    env: {
      ...process.env,
      KUBECONFIG: options.cluster.adminKubeconfig,
      AWS_SECRETSMANAGER_ENDPOINT: options.moto.url,
      AWS_STS_ENDPOINT: options.moto.url,
      AWS_REGION: options.moto.region,
      AWS_DEFAULT_REGION: options.moto.region,
      AWS_ACCESS_KEY_ID: 'testing',
      AWS_SECRET_ACCESS_KEY: 'testing',
      AWS_EC2_METADATA_DISABLED: 'true',
    },
  });
  const metricsUrl = `http://127.0.0.1:${metricsPort}/metrics`;
  await waitForPeer(peer, {
    timeoutMs: options.timeoutMs ?? 120_000,
    intervalMs: 500,
    // Ready for work is the SecretStore's Ready condition (bench/eso.ts waits for it); here, up.
    probe: async () => (await fetchWithTimeout(metricsUrl)).ok,
  });
  const pid = pidOf(`--metrics-addr=127.0.0.1:${metricsPort}`);
  return {
    name,
    cluster: options.cluster.name,
    pid,
    metricsUrl,
    logFile: peer.logFile,
    args,
    scrape: async () => {
      const res = await fetchWithTimeout(metricsUrl, {}, 10_000);
      if (!res.ok) throw new Error(`${name}: /metrics answered HTTP ${res.status}`);
      return parsePrometheusText(await res.text());
    },
    rssMiB: () => {
      if (pid === undefined) return undefined;
      try {
        const kib = /^VmRSS:\s+(\d+) kB/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1];
        return kib === undefined ? undefined : Math.round((Number(kib) / 1024) * 10) / 10;
      } catch {
        return undefined;
      }
    },
    stop: peer.stop,
  };
}

/** The controller's pid: the process whose command line carries this metrics address. */
function pidOf(metricsFlag: string): number | undefined {
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      if (readFileSync(`/proc/${entry}/cmdline`, 'utf8').split('\0').includes(metricsFlag))
        return Number(entry);
    } catch {
      // Gone meanwhile.
    }
  }
  return undefined;
}
