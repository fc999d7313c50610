/**
 * The watcher image as the project's own script builds it (no daemon): rebuilt from the same
 * inputs it has the same digest; umoci (an independent OCI implementation) checks every blob and
 * unpacks it; crane pushes it to a registry and validates it there; and the unpacked image runs
 * its own entrypoint (its node, its glibc, its bundle) as uid 65532 from a read-only root
 * filesystem, the way a pod with readOnlyRootFilesystem runs it, against a real apiserver,
 * delivering notices to the ingest function on moto.
 *
 * Running the rootfs needs root here (mount namespace + chroot) instead of a container runtime.
 */
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import {
  existsSync,
  lstatSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readlinkSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type KubeClients,
  kubeClientsFor,
  type PrivateCluster,
  startPrivateCluster,
  uniqueName,
} from '../../infra-tests/helpers/kube.js';
import { loadPeers } from '../../infra-tests/helpers/peers.js';
import { cachedToolBinary } from '../../infra-tests/helpers/tools.js';
import { externalSecret, installFleetCrds } from '../../infra-tests/helpers/watcher/fleet-crds.js';
import { createMotoIngestFunction, motoCredentials } from '../../infra-tests/helpers/watcher/moto-lambda.js';
import { installWatcherIdentity } from '../../infra-tests/helpers/watcher/watcher-identity.js';
import { freePort } from '../../infra-tests/peers/peer-process.js';
import { nodeRuntime } from '../../scripts/node-runtime.js';
import { type BuiltImage, buildWatcherImage } from './build-image.js';
import { pinnedDebianPackages } from './debian-packages.js';
import { watcherEntrypoint } from './image-layers.js';

/** The OCI runtime config umoci writes next to the rootfs (only what the test reads). */
interface RuntimeConfig {
  process: { args: string[]; env: string[]; cwd: string; user: { uid: number; gid: number } };
}

let workDir: string;
let image: BuiltImage;
let rootfs: string;
let runtime: RuntimeConfig;
let cluster: PrivateCluster | undefined;
let admin: KubeClients;
let child: ChildProcess | undefined;
let exited: Promise<number | null>;
const stdout: string[] = [];
const stderr: string[] = [];

function collectLines(stream: NodeJS.ReadableStream | null, into: string[]): void {
  let rest = '';
  stream?.setEncoding('utf8');
  stream?.on('data', (chunk: string) => {
    const lines = (rest + chunk).split('\n');
    rest = lines.pop() ?? '';
    into.push(...lines.filter((line) => line !== ''));
  });
}

async function until(what: string, condition: () => Promise<boolean>, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition().catch(() => false))) {
    if (Date.now() > deadline) {
      throw new Error(
        `timed out waiting for ${what}; stdout:\n${stdout.slice(-20).join('\n')}\nstderr:\n${stderr.join('\n')}`,
      );
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

function metricValue(text: string, series: string): number | undefined {
  const line = text.split('\n').find((l) => l.startsWith(`${series} `));
  return line === undefined ? undefined : Number(line.slice(series.length + 1));
}

async function metrics(port: number): Promise<string> {
  return await (
    await fetch(`http://127.0.0.1:${port}/metrics`, { signal: AbortSignal.timeout(2_000) })
  ).text();
}

/**
 * What a container runtime does for a pod with readOnlyRootFilesystem, in a private mount
 * namespace: the rootfs read-only, /proc, a few device nodes, the ServiceAccount folder where the
 * kubelet mounts it; then the entrypoint runs chrooted as the image's user.
 */
const runInRootfs = `set -eu
root=$1 serviceaccount=$2 user=$3 image_path=$4; shift 4
target="$root/var/run/secrets/kubernetes.io/serviceaccount"
mkdir -p "$target"
mount --bind "$root" "$root"
mount -o remount,bind,ro "$root"
mount -t proc proc "$root/proc"
mount -t tmpfs -o mode=0755,size=64k tmpfs "$root/dev"
for device in null zero random urandom; do touch "$root/dev/$device"; mount --bind "/dev/$device" "$root/dev/$device"; done
mount --bind -o ro "$serviceaccount" "$target"
chroot=$(command -v chroot)
export PATH="$image_path"
exec "$chroot" --userspec="$user" "$root" "$@"
`;

beforeAll(async () => {
  if (process.getuid?.() !== 0)
    throw new Error('this test runs the image in a mount namespace with chroot: it needs root');
  workDir = mkdtempSync(join(tmpdir(), 'fleet-secrets-watcher-image-'));
  image = await buildWatcherImage({ outDir: join(workDir, 'image') });
  const bundle = join(workDir, 'bundle');
  const unpack = spawnSync(
    cachedToolBinary('umoci'),
    // Not --rootless: as root, umoci keeps the layers' owners (home/nonroot belongs to 65532).
    ['unpack', '--image', `${image.layoutDir}:${image.tag}`, bundle],
    { encoding: 'utf8' },
  );
  if (unpack.status !== 0) throw new Error(`umoci unpack failed: ${unpack.stderr}`);
  rootfs = join(bundle, 'rootfs');
  runtime = JSON.parse(readFileSync(join(bundle, 'config.json'), 'utf8')) as RuntimeConfig;
}, 300_000);

afterAll(async () => {
  if (child && child.exitCode === null && child.signalCode === null) {
    child.kill('SIGKILL');
    await exited;
  }
  await cluster?.dispose();
  if (workDir) rmSync(workDir, { recursive: true, force: true });
});

describe('the watcher image', () => {
  it('should have the same manifest digest and SBOM when rebuilt from the same inputs', async () => {
    const again = await buildWatcherImage({ outDir: join(workDir, 'image-again') });
    expect(again.manifest.digest).toBe(image.manifest.digest);
    expect(again.layers.map((layer) => layer.digest)).toEqual(image.layers.map((layer) => layer.digest));
    expect(readFileSync(again.sbomFile, 'utf8')).toBe(readFileSync(image.sbomFile, 'utf8'));
  }, 240_000);

  it("should unpack with umoci into the image's runtime config: entrypoint, non-root user, environment", () => {
    expect(runtime.process.args).toEqual(watcherEntrypoint);
    expect(runtime.process.args).toEqual([
      '/nodejs/bin/node',
      '--max-semi-space-size=1',
      '--max-old-space-size=64',
      '/app/watcher.mjs',
    ]);
    expect(runtime.process.user).toMatchObject({ uid: 65532, gid: 65532 });
    expect(runtime.process.cwd).toBe('/app');
    expect(runtime.process.env).toContain('SSL_CERT_FILE=/etc/ssl/certs/ca-certificates.crt');
    // Distroless-style: the runtime and its libraries, no shell and no package manager.
    for (const path of [
      'nodejs/bin/node',
      'app/watcher.mjs',
      'lib/x86_64-linux-gnu/libc.so.6',
      'etc/passwd',
    ]) {
      expect(existsSync(join(rootfs, path)), path).toBe(true);
    }
    expect(readlinkSync(join(rootfs, 'lib64/ld-linux-x86-64.so.2'))).toBe(
      '/lib/x86_64-linux-gnu/ld-linux-x86-64.so.2',
    );
    expect(existsSync(join(rootfs, 'usr/lib/x86_64-linux-gnu/libstdc++.so.6'))).toBe(true);
    for (const absent of ['bin/sh', 'bin/bash', 'usr/bin/apt-get', 'usr/bin/dpkg']) {
      expect(() => lstatSync(join(rootfs, absent)), absent).toThrow();
    }
    expect(readFileSync(join(rootfs, 'etc/ssl/certs/ca-certificates.crt'), 'utf8')).toMatch(
      /^-----BEGIN CERTIFICATE-----/,
    );
    expect(readFileSync(join(rootfs, 'etc/passwd'), 'utf8')).toContain('nonroot:x:65532:65532:');
    expect(lstatSync(join(rootfs, 'home/nonroot'))).toMatchObject({ uid: 65532, gid: 65532 });
    expect(lstatSync(join(rootfs, 'nodejs/bin/node'))).toMatchObject({ uid: 0, mode: 0o100755 });
  });

  it('should push to a registry (crane registry serve) under its own digest and pass crane validate there', async () => {
    const crane = cachedToolBinary('crane');
    const port = await freePort();
    const registry = spawn(crane, ['registry', 'serve', '--address', `127.0.0.1:${port}`], {
      stdio: 'ignore',
    });
    try {
      await until(
        'the registry to answer',
        async () => (await fetch(`http://127.0.0.1:${port}/v2/`)).status === 200,
      );
      const repository = `127.0.0.1:${port}/fleet-secrets-watcher`;
      const push = spawnSync(crane, ['push', '--insecure', image.layoutDir, `${repository}:${image.tag}`], {
        encoding: 'utf8',
      });
      expect(push.status, push.stderr).toBe(0);
      expect(push.stdout.trim()).toBe(`${repository}@${image.manifest.digest}`);
      const digest = spawnSync(crane, ['digest', '--insecure', `${repository}:${image.tag}`], {
        encoding: 'utf8',
      });
      expect(digest.stdout.trim()).toBe(image.manifest.digest);
      // Full validation: every layer pulled, decompressed and checked against the config's diff_ids.
      const validate = spawnSync(
        crane,
        ['validate', '--insecure', '--remote', `${repository}@${image.manifest.digest}`],
        {
          encoding: 'utf8',
        },
      );
      expect(validate.status, validate.stderr).toBe(0);
      expect(validate.stdout).toContain('PASS');
    } finally {
      registry.kill();
    }
  });

  it('should list node, every Debian package and the bundled npm packages in its SPDX SBOM', () => {
    const sbom = JSON.parse(readFileSync(image.sbomFile, 'utf8')) as {
      spdxVersion: string;
      packages: Array<{ name: string; versionInfo: string; checksums?: Array<{ checksumValue: string }> }>;
    };
    expect(sbom.spdxVersion).toBe('SPDX-2.3');
    const version = (name: string) => sbom.packages.find((pkg) => pkg.name === name)?.versionInfo;
    expect(version('node')).toBe(nodeRuntime.version);
    for (const deb of pinnedDebianPackages.packages) {
      const listed = sbom.packages.find((pkg) => pkg.name === deb.name);
      expect(listed, deb.name).toMatchObject({
        versionInfo: deb.version,
        checksums: [{ checksumValue: deb.sha256 }],
      });
    }
    const lock = JSON.parse(
      readFileSync(join(import.meta.dirname, '..', '..', 'package-lock.json'), 'utf8'),
    ) as {
      packages: Record<string, { version: string }>;
    };
    expect(version('@aws-sdk/client-lambda')).toBe(
      lock.packages['node_modules/@aws-sdk/client-lambda']?.version,
    );
    expect(version('yaml')).toBeUndefined(); // a dependency of the project that the watcher does not bundle
  });

  it('should run its entrypoint as uid 65532 from a read-only root filesystem, watch a real apiserver and flush notices on SIGTERM', async () => {
    cluster = await startPrivateCluster(uniqueName('image'));
    admin = kubeClientsFor(cluster.endpoint);
    await installFleetCrds(cluster.endpoint, admin.apiextensions);
    const token = await installWatcherIdentity(cluster.endpoint, admin, 'image-it');
    const serviceAccountDir = join(workDir, 'serviceaccount');
    mkdirSync(serviceAccountDir);
    writeFileSync(join(serviceAccountDir, 'token'), token);
    writeFileSync(join(serviceAccountDir, 'ca.crt'), cluster.endpoint.caData);
    const { functionArn } = await createMotoIngestFunction();
    const { moto } = loadPeers();
    const server = new URL(cluster.endpoint.server);
    const healthPort = await freePort();
    const metricsPort = await freePort();
    const imageEnv = Object.fromEntries(
      runtime.process.env.map((entry) => entry.split(/=(.*)/s).slice(0, 2)),
    );
    const { uid, gid } = runtime.process.user;

    child = spawn(
      'unshare',
      [
        '--mount',
        '--propagation',
        'private',
        'sh',
        '-c',
        runInRootfs,
        'sh',
        rootfs,
        serviceAccountDir,
        `${uid}:${gid}`,
        imageEnv.PATH,
        ...runtime.process.args,
      ],
      {
        env: {
          ...imageEnv,
          PATH: process.env.PATH,
          KUBERNETES_SERVICE_HOST: server.hostname,
          KUBERNETES_SERVICE_PORT: server.port,
          WATCHER_CLUSTER_ID: 'image-it',
          WATCHER_INGEST_FUNCTION: functionArn,
          WATCHER_SIGNING_KEY: 'image-it-signing-key-0123456789abcdef',
          AWS_REGION: moto.region,
          AWS_ENDPOINT_URL_LAMBDA: moto.url,
          AWS_ACCESS_KEY_ID: motoCredentials.accessKeyId,
          AWS_SECRET_ACCESS_KEY: motoCredentials.secretAccessKey,
          WATCHER_HEALTH_PORT: String(healthPort),
          WATCHER_METRICS_PORT: String(metricsPort),
          // Long enough that only the SIGTERM flush can deliver what the test creates.
          WATCHER_DEBOUNCE_MS: '60000',
          WATCHER_SHUTDOWN_TIMEOUT_MS: '10000',
          WATCHER_LOG_LEVEL: 'debug',
        },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    collectLines(child.stdout, stdout);
    collectLines(child.stderr, stderr);
    exited = new Promise((resolve) => child?.once('exit', (code) => resolve(code)));

    await until('/readyz to answer 200', async () => {
      const response = await fetch(`http://127.0.0.1:${healthPort}/readyz`, {
        signal: AbortSignal.timeout(2_000),
      });
      return response.status === 200;
    });
    // The process is the image's node, as the image's user (the pid is node's after the execs).
    const status = readFileSync(`/proc/${child.pid}/status`, 'utf8');
    expect(status).toMatch(/^Uid:\s+65532\s+65532\s+65532\s+65532$/m);
    expect(readlinkSync(`/proc/${child.pid}/root`)).toBe(rootfs);
    expect(readlinkSync(`/proc/${child.pid}/exe`)).toBe(join(rootfs, 'nodejs/bin/node'));

    const namespace = uniqueName('image');
    await admin.core.createNamespace({ body: { metadata: { name: namespace } } });
    await admin.custom.createNamespacedCustomObject({
      group: 'fleet-secrets.io',
      version: 'v1',
      namespace,
      plural: 'externalsecrets',
      body: externalSecret(namespace, 'db'),
    });
    await until(
      'the notice to be pending',
      async () => metricValue(await metrics(metricsPort), 'fleet_secrets_watcher_pending_notices') === 1,
    );

    child.kill('SIGTERM');
    expect(await exited).toBe(0);
    expect(stderr).toEqual([]);
    const entries = stdout.map((line) => JSON.parse(line) as Record<string, unknown>);
    const delivered = entries.filter((e) => e.message === 'notices delivered');
    expect(delivered.reduce((sum, e) => sum + Number(e.notices), 0)).toBe(1);
    expect(entries.find((e) => e.message === 'stopped')).toMatchObject({ unsent: 0 });
  }, 180_000);
});
