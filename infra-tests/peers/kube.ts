/**
 * Real Kubernetes clusters for the integration suites: one etcd and N kube-apiservers on it, each
 * with its own --etcd-prefix, port, serving certificate and tokens, i.e. N separate clusters.
 * Flags follow controller-runtime's envtest; authorization is real RBAC.
 *
 * A test that needs to stop or restart a cluster mid-run starts its own with `startApiserver`
 * on the shared etcd (see infra-tests/helpers/kube.ts) instead of touching the shared ones.
 */
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { join } from 'node:path';
import { type ClusterIdentity, writeClusterIdentity, writeKubeconfig } from './kube-identity.js';
import {
  freePort,
  peerCacheDir,
  peerVersions,
  requireInstalled,
  type SpawnedPeer,
  type SpawnPeerOptions,
  spawnPeer,
  waitForPeer,
} from './peer-process.js';
import type { KubeClusterEndpoint, PeerEndpoints, RunningPeer } from './types.js';

/** Generous: several test runs may share this machine's two cores. */
const startupTimeoutMs = 120_000;
/** A port picked by freePort can be taken by another run before the server binds it. */
const portRaceAttempts = 3;

/** Both are built from the Go module proxy by `build-<peer>.sh`; etcd's version key is its name. */
function binary(peer: 'etcd' | 'kube-apiserver'): string {
  const version = peerVersions()[peer === 'etcd' ? 'etcd' : 'kubernetes'] ?? 'unpinned';
  return requireInstalled(peer, join(peerCacheDir(peer, version), 'bin', peer), `build-${peer}.sh`);
}

interface ProbeResult {
  status: number;
  body: string;
}

function get(url: string, options: { ca?: string; token?: string } = {}): Promise<ProbeResult> {
  return new Promise((resolve, reject) => {
    const send = url.startsWith('https:') ? httpsRequest : httpRequest;
    const req = send(
      url,
      {
        ca: options.ca,
        headers: options.token ? { authorization: `Bearer ${options.token}` } : {},
        timeout: 5_000,
      },
      (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => {
          body += chunk;
        });
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
      },
    );
    req.on('timeout', () => req.destroy(new Error('probe timed out')));
    req.on('error', reject);
    req.end();
  });
}

function lostPortRace(peer: SpawnedPeer): boolean {
  try {
    return /address already in use/i.test(readFileSync(peer.logFile, 'utf8').slice(-20_000));
  } catch {
    return false;
  }
}

interface Launch<T> {
  peer: SpawnedPeer;
  ready: () => Promise<void>;
  value: T;
}

/** Starts a server on freshly picked ports, picking new ones when another run won a port race. */
async function startOnFreePorts<T>(launch: () => Promise<Launch<T>>): Promise<Launch<T>> {
  for (let attempt = 1; ; attempt++) {
    const launched = await launch();
    try {
      await launched.ready();
      return launched;
    } catch (error) {
      await launched.peer.stop();
      if (attempt >= portRaceAttempts || !lostPortRace(launched.peer)) throw error;
    }
  }
}

export interface RunningEtcd extends RunningPeer {
  /** http://127.0.0.1:PORT */
  url: string;
}

/** One etcd for all clusters of a run; its data lives in runDir and is never fsynced (tests only). */
export async function startEtcd({ runDir }: { runDir: string }): Promise<RunningEtcd> {
  const command = binary('etcd');
  const dir = join(runDir, 'etcd');
  const { peer, value: url } = await startOnFreePorts(async () => {
    const clientUrl = `http://127.0.0.1:${await freePort()}`;
    const peerUrl = `http://127.0.0.1:${await freePort()}`;
    const peer = spawnPeer({
      name: 'etcd',
      command,
      args: [
        '--name=fleet-secrets-peers',
        `--data-dir=${join(dir, `data-${randomBytes(3).toString('hex')}`)}`,
        `--listen-client-urls=${clientUrl}`,
        `--advertise-client-urls=${clientUrl}`,
        `--listen-peer-urls=${peerUrl}`,
        `--initial-advertise-peer-urls=${peerUrl}`,
        `--initial-cluster=fleet-secrets-peers=${peerUrl}`,
        '--unsafe-no-fsync',
        '--log-level=warn',
      ],
      runDir: dir,
    });
    const ready = () =>
      waitForPeer(peer, {
        timeoutMs: startupTimeoutMs,
        intervalMs: 50,
        probe: async () => {
          const { status, body } = await get(`${clientUrl}/health`);
          return status === 200 && JSON.parse(body).health === 'true';
        },
      });
    return { peer, ready, value: clientUrl };
  });
  return { name: 'etcd', url, logFile: peer.logFile, stop: peer.stop };
}

export interface StartApiserverOptions {
  /** Cluster id, e.g. "cluster-1"; also names its directory under runDir. */
  name: string;
  etcdUrl: string;
  runDir: string;
  /** Defaults to a fresh prefix, so two apiservers never share data unless a test wants it. */
  etcdPrefix?: string;
}

/** A running kube-apiserver: one cluster. stop/start/restart keep its port, certificate and tokens. */
export interface KubeApiserver extends RunningPeer {
  endpoint: KubeClusterEndpoint;
  /** Starts it again after stop(), on the same port; resolves once /readyz is ok. */
  start(): Promise<void>;
  restart(): Promise<void>;
  /** True from a successful start until stop() or a crash. */
  readonly running: boolean;
}

class Apiserver implements KubeApiserver {
  readonly name: string;
  readonly logFile: string;
  readonly endpoint: KubeClusterEndpoint;
  #peer: SpawnedPeer;
  readonly #spawn: () => SpawnedPeer;
  readonly #waitReady: (peer: SpawnedPeer) => Promise<void>;

  constructor(options: {
    peer: SpawnedPeer;
    spawn: () => SpawnedPeer;
    waitReady: (peer: SpawnedPeer) => Promise<void>;
    endpoint: KubeClusterEndpoint;
  }) {
    this.name = options.endpoint.name;
    this.logFile = options.peer.logFile;
    this.endpoint = options.endpoint;
    this.#peer = options.peer;
    this.#spawn = options.spawn;
    this.#waitReady = options.waitReady;
  }

  get running(): boolean {
    return !this.#peer.hasExited();
  }

  async start(): Promise<void> {
    if (this.running) return;
    this.#peer = this.#spawn();
    await this.#waitReady(this.#peer);
  }

  stop(): Promise<void> {
    return this.#peer.stop();
  }

  async restart(): Promise<void> {
    await this.stop();
    await this.start();
  }
}

/** Starts one kube-apiserver on an existing etcd and waits until /readyz answers ok. */
export async function startApiserver(options: StartApiserverOptions): Promise<KubeApiserver> {
  const { name, etcdUrl, runDir } = options;
  const command = binary('kube-apiserver');
  const etcdPrefix = options.etcdPrefix ?? `/clusters/${name}-${randomBytes(4).toString('hex')}`;
  const dir = join(runDir, 'kube', name);
  const certDir = join(dir, 'certs');
  mkdirSync(certDir, { recursive: true });
  const identity = writeClusterIdentity(dir);
  const caFile = join(certDir, 'apiserver.crt');

  const waitReady = async (peer: SpawnedPeer, port: number) => {
    // The apiserver writes its self-signed serving pair on first start and reuses it afterwards.
    await waitForPeer(peer, {
      timeoutMs: startupTimeoutMs,
      intervalMs: 50,
      probe: async () => existsSync(caFile),
    });
    await waitForPeer(peer, {
      timeoutMs: startupTimeoutMs,
      intervalMs: 100,
      // Read on every probe: the file can exist before the apiserver has written the whole chain.
      probe: async () =>
        (
          await get(`https://127.0.0.1:${port}/readyz`, {
            ca: readFileSync(caFile, 'utf8'),
            token: identity.adminToken,
          })
        ).status === 200,
    });
  };
  const spawnOptions = (port: number): SpawnPeerOptions => ({
    name: `kube-apiserver-${name}`,
    command,
    args: apiserverArgs({ port, etcdUrl, etcdPrefix, certDir, identity }),
    runDir: dir,
  });

  const { peer, value: port } = await startOnFreePorts(async () => {
    const port = await freePort();
    const peer = spawnPeer(spawnOptions(port));
    return { peer, ready: () => waitReady(peer, port), value: port };
  });

  const server = `https://127.0.0.1:${port}`;
  const caData = readFileSync(caFile, 'utf8');
  const adminKubeconfig = join(dir, 'admin.kubeconfig');
  const limitedKubeconfig = join(dir, 'limited.kubeconfig');
  const common = { clusterName: name, server, caData };
  writeKubeconfig({ ...common, path: adminKubeconfig, userName: 'admin', token: identity.adminToken });
  writeKubeconfig({
    ...common,
    path: limitedKubeconfig,
    userName: identity.limitedUser,
    token: identity.limitedToken,
  });
  return new Apiserver({
    peer,
    spawn: () => spawnPeer(spawnOptions(port)),
    waitReady: (next) => waitReady(next, port),
    endpoint: {
      name,
      server,
      caData,
      adminToken: identity.adminToken,
      limitedToken: identity.limitedToken,
      limitedUser: identity.limitedUser,
      adminKubeconfig,
      limitedKubeconfig,
      etcdPrefix,
    },
  });
}

function apiserverArgs(options: {
  port: number;
  etcdUrl: string;
  etcdPrefix: string;
  certDir: string;
  identity: ClusterIdentity;
}): string[] {
  const { port, etcdUrl, etcdPrefix, certDir, identity } = options;
  return [
    `--etcd-servers=${etcdUrl}`,
    `--etcd-prefix=${etcdPrefix}`,
    '--bind-address=127.0.0.1',
    '--advertise-address=127.0.0.1',
    `--secure-port=${port}`,
    `--cert-dir=${certDir}`,
    '--authorization-mode=RBAC',
    `--token-auth-file=${identity.tokenFile}`,
    '--service-cluster-ip-range=10.0.0.0/24',
    '--allow-privileged=true',
    // No controller-manager runs, so nothing would mint the tokens this plugin waits for.
    '--disable-admission-plugins=ServiceAccount',
    `--service-account-issuer=https://127.0.0.1:${port}/`,
    `--service-account-key-file=${identity.serviceAccountPublicKeyFile}`,
    `--service-account-signing-key-file=${identity.serviceAccountKeyFile}`,
    // Several apiservers advertise 127.0.0.1; each owns its etcd prefix, so there is nothing to reconcile.
    '--endpoint-reconciler-type=none',
    '--profiling=false',
  ];
}

export interface StartKubeFleetOptions {
  clusters: number;
  runDir: string;
}

/** One etcd and N apiservers: the clusters every integration suite shares. */
export interface KubeFleet extends RunningPeer {
  etcd: RunningEtcd;
  clusters: KubeApiserver[];
  /** Starts one more cluster on the same etcd; it is stopped with the fleet. */
  addCluster(name?: string): Promise<KubeApiserver>;
  endpoints(): PeerEndpoints['kube'];
}

export async function startKubeFleet(options: StartKubeFleetOptions): Promise<KubeFleet> {
  const { runDir } = options;
  const etcd = await startEtcd({ runDir });
  const clusters: KubeApiserver[] = [];
  const stop = async () => {
    await Promise.all(clusters.map((cluster) => cluster.stop()));
    await etcd.stop();
  };
  const addCluster = async (name = `cluster-${clusters.length + 1}`) => {
    if (clusters.some((cluster) => cluster.name === name)) {
      throw new Error(`kube cluster ${name} already exists in this fleet`);
    }
    const cluster = await startApiserver({
      name,
      etcdUrl: etcd.url,
      runDir,
      etcdPrefix: `/clusters/${name}`,
    });
    clusters.push(cluster);
    return cluster;
  };
  try {
    const names = Array.from({ length: options.clusters }, (_, i) => `cluster-${i + 1}`);
    const started = await Promise.allSettled(
      names.map((name) =>
        startApiserver({ name, etcdUrl: etcd.url, runDir, etcdPrefix: `/clusters/${name}` }),
      ),
    );
    for (const result of started) if (result.status === 'fulfilled') clusters.push(result.value);
    const failure = started.find((result) => result.status === 'rejected');
    if (failure) throw failure.reason;
  } catch (error) {
    await stop();
    throw error;
  }
  return {
    name: 'kube',
    logFile: etcd.logFile,
    etcd,
    clusters,
    addCluster,
    endpoints: () => ({ etcdUrl: etcd.url, clusters: clusters.map((cluster) => cluster.endpoint) }),
    stop,
  };
}
