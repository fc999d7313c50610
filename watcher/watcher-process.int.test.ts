/**
 * The watcher as it ships: the esbuild bundle run by node with the Dockerfile's flags, configured
 * only through environment variables, finding its API server the way a pod does (service variables
 * and a mounted ServiceAccount directory), invoking the ingest function on moto through the AWS SDK's
 * default credential chain, and flushing pending notices on SIGTERM.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type KubeClients,
  kubeClientsFor,
  type PrivateCluster,
  startPrivateCluster,
  uniqueName,
} from '../infra-tests/helpers/kube.js';
import { loadPeers } from '../infra-tests/helpers/peers.js';
import { externalSecret, installFleetCrds } from '../infra-tests/helpers/watcher/fleet-crds.js';
import { createMotoIngestFunction, motoCredentials } from '../infra-tests/helpers/watcher/moto-lambda.js';
import { installWatcherIdentity } from '../infra-tests/helpers/watcher/watcher-identity.js';
import { freePort } from '../infra-tests/peers/peer-process.js';
import { buildWatcher } from './build.js';

const here = dirname(fileURLToPath(import.meta.url));

/** The node flags of the image's CMD, so the test runs what the image runs. */
function dockerfileNodeFlags(): string[] {
  const cmd = /^CMD (\[.*\])$/m.exec(readFileSync(join(here, 'Dockerfile'), 'utf8'))?.[1];
  if (!cmd) throw new Error('watcher/Dockerfile has no exec-form CMD');
  return (JSON.parse(cmd) as string[]).filter((arg) => arg.startsWith('--'));
}

let workDir: string;
let cluster: PrivateCluster;
let admin: KubeClients;
let child: ChildProcess;
let exited: Promise<number | null>;
const stdout: string[] = [];
const stderr: string[] = [];
let healthPort: number;
let metricsPort: number;

function collectLines(stream: NodeJS.ReadableStream | null, into: string[]): void {
  let rest = '';
  stream?.setEncoding('utf8');
  stream?.on('data', (chunk: string) => {
    const lines = (rest + chunk).split('\n');
    rest = lines.pop() ?? '';
    into.push(...lines.filter((line) => line !== ''));
  });
}

function logs(): Array<Record<string, unknown>> {
  return stdout.map((line) => JSON.parse(line) as Record<string, unknown>);
}

async function httpGet(port: number, path: string): Promise<{ status: number; body: string }> {
  const response = await fetch(`http://127.0.0.1:${port}${path}`, { signal: AbortSignal.timeout(2_000) });
  return { status: response.status, body: await response.text() };
}

function metricValue(text: string, series: string): number | undefined {
  const line = text.split('\n').find((l) => l.startsWith(`${series} `));
  return line === undefined ? undefined : Number(line.slice(series.length + 1));
}

async function until(
  what: string,
  condition: () => Promise<boolean> | boolean,
  timeoutMs = 30_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (
    !(await Promise.resolve()
      .then(condition)
      .catch(() => false))
  ) {
    if (Date.now() > deadline) {
      throw new Error(
        `timed out waiting for ${what}; watcher stdout:\n${stdout.slice(-20).join('\n')}\nstderr:\n${stderr.join('\n')}`,
      );
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

beforeAll(async () => {
  workDir = mkdtempSync(join(tmpdir(), 'fleet-secrets-watcher-process-'));
  const bundle = await buildWatcher({ outfile: join(workDir, 'watcher.mjs') });
  cluster = await startPrivateCluster(uniqueName('process'));
  admin = kubeClientsFor(cluster.endpoint);
  await installFleetCrds(cluster.endpoint, admin.apiextensions);
  const token = await installWatcherIdentity(cluster.endpoint, admin, 'process-it');
  const serviceAccountDir = join(workDir, 'serviceaccount');
  mkdirSync(serviceAccountDir);
  writeFileSync(join(serviceAccountDir, 'token'), token);
  writeFileSync(join(serviceAccountDir, 'ca.crt'), cluster.endpoint.caData);
  const { functionArn } = await createMotoIngestFunction();
  const { moto } = loadPeers();
  const server = new URL(cluster.endpoint.server);
  healthPort = await freePort();
  metricsPort = await freePort();

  child = spawn(process.execPath, [...dockerfileNodeFlags(), bundle], {
    env: {
      PATH: process.env.PATH,
      KUBERNETES_SERVICE_HOST: server.hostname,
      KUBERNETES_SERVICE_PORT: server.port,
      WATCHER_SERVICE_ACCOUNT_DIR: serviceAccountDir,
      WATCHER_CLUSTER_ID: 'process-it',
      WATCHER_INGEST_FUNCTION: functionArn,
      WATCHER_SIGNING_KEY: 'watcher-key-of-process-it-0123456789abcdef',
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
  });
  collectLines(child.stdout, stdout);
  collectLines(child.stderr, stderr);
  exited = new Promise((resolve) => child.once('exit', (code) => resolve(code)));
});

afterAll(async () => {
  if (child && child.exitCode === null && child.signalCode === null) {
    child.kill('SIGKILL');
    await exited;
  }
  await cluster?.dispose();
  if (workDir) rmSync(workDir, { recursive: true, force: true });
});

describe('the bundled watcher process', () => {
  it('should become ready after listing both kinds and serve health and metrics', async () => {
    await until('/readyz to answer 200', async () => (await httpGet(healthPort, '/readyz')).status === 200);

    expect(await httpGet(healthPort, '/healthz')).toEqual({ status: 200, body: 'ok\n' });
    expect((await httpGet(healthPort, '/metrics')).status).toBe(404);
    const metrics = (await httpGet(metricsPort, '/metrics')).body;
    expect(
      metricValue(metrics, 'fleet_secrets_watcher_relists_total{kind="ExternalSecret",reason="initial"}'),
    ).toBe(1);
    expect(
      metricValue(
        metrics,
        'fleet_secrets_watcher_relists_total{kind="ClusterExternalSecret",reason="initial"}',
      ),
    ).toBe(1);
    expect(metricValue(metrics, 'process_resident_memory_bytes')).toBeGreaterThan(0);
  });

  it('should flush pending notices to the ingest function on SIGTERM and exit 0, logging only JSON', async () => {
    const namespace = uniqueName('sigterm');
    await admin.core.createNamespace({ body: { metadata: { name: namespace } } });
    await admin.custom.createNamespacedCustomObject({
      group: 'fleet-secrets.io',
      version: 'v1',
      namespace,
      plural: 'externalsecrets',
      body: externalSecret(namespace, 'db'),
    });
    await until('the notice to be pending', async () => {
      const metrics = (await httpGet(metricsPort, '/metrics')).body;
      return metricValue(metrics, 'fleet_secrets_watcher_pending_notices') === 1;
    });
    const metricsBefore = (await httpGet(metricsPort, '/metrics')).body;
    expect(
      metricValue(metricsBefore, 'fleet_secrets_watcher_invocations_total{outcome="success"}'),
    ).toBeUndefined();

    child.kill('SIGTERM');
    expect(await exited).toBe(0);

    expect(stderr).toEqual([]);
    const entries = logs();
    expect(entries.find((e) => e.message === 'shutting down')).toMatchObject({
      reason: 'SIGTERM',
      pending: 1,
    });
    const delivered = entries.filter((e) => e.message === 'notices delivered');
    expect(delivered.reduce((sum, e) => sum + Number(e.notices), 0)).toBe(1);
    expect(
      delivered
        .map((e) => e.digestKind)
        .filter(Boolean)
        .sort(),
    ).toEqual(['ClusterExternalSecret', 'ExternalSecret']);
    expect(entries.find((e) => e.message === 'stopped')).toMatchObject({ unsent: 0 });
    const change = entries.find((e) => e.message === 'change' && e.namespace === namespace);
    expect(change).toMatchObject({ kind: 'ExternalSecret', name: 'db', generation: 1, event: 'upsert' });
  });
});
