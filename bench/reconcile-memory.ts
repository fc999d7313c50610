/**
 * Benchmarks 4b and 5: the reconcile-cluster BUNDLE in a fresh node process, one real cluster with
 * 1,000 ExternalSecrets (2 properties each, over 100 JSON secrets, in 10 namespaces). Three
 * invocations: the initial sync (every Secret written), a forced refresh (every object read and
 * rendered, nothing written), a drift check (one LIST, nothing rendered). Peak memory is sampled
 * in the child; the kernel's high-water mark of the process is what Lambda reports as memory used.
 */
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CreateSecretCommand } from '@aws-sdk/client-secrets-manager';
import { transform } from 'esbuild';
import { kubeClientsFor } from '../infra-tests/helpers/kube.js';
import type { KubeClusterEndpoint } from '../infra-tests/peers/types.js';
import { ENV } from '../shared/contracts/runtime-contract.js';
import { ingestNotices } from '../shared/control-plane/ingest.js';
import type { ObjectRef, ReconcileRequest } from '../shared/domain/records.js';
import type { ExternalSecretSpec } from '../shared/domain/schema.js';
import type { ReconcileResult } from '../shared/reconcile/types.js';
import { runAs } from './lib/attribution.js';
import { type BenchPlane, benchCredentials } from './lib/bench-plane.js';
import { createExternalSecrets, ensureNamespaces, readSecretField } from './lib/kube-objects.js';

export interface MemoryOptions {
  objects: number;
  namespaces: number;
  keys: number;
}

export interface MemoryPhase {
  name: string;
  what: string;
  ms: number;
  cpuMs: number;
  objectsPerSecond: number;
  peakRssMiB: number;
  peakHeapUsedMiB: number;
  logBytes: number;
  synced: number;
  unchanged: number;
  failed: number;
  rendered: number;
  apiserver: { reads: number; writes: number; byAction: Record<string, number> };
  providerCalls: Record<string, Record<string, number>>;
}

export interface MemoryResult {
  objects: number;
  namespaces: number;
  keys: number;
  importMs: number;
  afterImport: { rssMiB: number; heapUsedMiB: number };
  maxRssMiB: number;
  phases: MemoryPhase[];
  readBackChecked: number;
  readBackMismatches: number;
}

interface ChildOutput {
  importMs: number;
  afterImport: { rssMiB: number; heapUsedMiB: number };
  maxRssMiB: number;
  phases: Array<{
    name: string;
    ms: number;
    cpuMs: number;
    peakRssMiB: number;
    peakHeapUsedMiB: number;
    logBytes: number;
    result: { folded: boolean; passes?: ReconcileResult[] };
  }>;
}

const round = (x: number, digits = 1) => Math.round(x * 10 ** digits) / 10 ** digits;

export async function runMemoryBenchmark(
  plane: BenchPlane,
  cluster: { endpoint: KubeClusterEndpoint; clusterId: string },
  moto: { url: string; region: string },
  dynamodb: { url: string },
  bundle: string,
  options: MemoryOptions,
  log: (line: string) => void,
): Promise<MemoryResult> {
  const { objects, namespaces, keys } = options;
  const values = new Map<number, { username: string; password: string }>();
  for (let k = 0; k < keys; k++) {
    const value = { username: `user-${k}`, password: randomBytes(12).toString('hex') };
    values.set(k, value);
    await plane.putValue(`mem-${k}`, JSON.stringify(value));
  }
  const nsOf = (i: number) => `bench-mem-${i % namespaces}`;
  const spec = (i: number): ExternalSecretSpec => {
    const key = plane.key(`mem-${i % keys}`);
    return {
      secretStoreRef: { name: plane.storeName },
      refreshInterval: '1h',
      data: [
        { secretKey: 'username', remoteRef: { key, property: 'username' } },
        { secretKey: 'password', remoteRef: { key, property: 'password' } },
      ],
    };
  };
  await ensureNamespaces(
    cluster.endpoint,
    Array.from({ length: namespaces }, (_, i) => nsOf(i)),
  );
  const refs: ObjectRef[] = [];
  for (let n = 0; n < namespaces; n++) {
    const mine = Array.from({ length: objects }, (_, i) => i).filter((i) => i % namespaces === n);
    const notices = await createExternalSecrets(
      cluster.endpoint,
      nsOf(n),
      mine.map((i) => ({ name: `mem-${i}`, spec: spec(i) })),
      8,
    );
    // The ingest core stores the snapshots; its reconcile request is kept for the child to run.
    await runAs('ingest', () =>
      ingestNotices(
        { ...plane.plane.ingest, invoker: { invokeAsync: async () => undefined } },
        { clusterId: cluster.clusterId, notices },
      ),
    );
    refs.push(...mine.map((i) => ({ clusterId: cluster.clusterId, namespace: nsOf(i), name: `mem-${i}` })));
  }
  log(`memory: ${objects} ExternalSecrets stored for ${cluster.clusterId}`);

  const hmac = await plane.sm.send(
    new CreateSecretCommand({
      Name: `bench-hmac-${plane.name}`,
      SecretString: randomBytes(32).toString('hex'),
    }),
  );
  const scope = {
    kind: 'objects' as const,
    objects: refs.map(({ namespace, name }) => ({ namespace, name })),
  };
  const phases: Array<{ name: string; what: string; event: ReconcileRequest }> = [
    {
      name: 'initial sync',
      what: `first invocation of a cold process: every one of ${objects} Secrets created`,
      event: { clusterId: cluster.clusterId, scope, reason: 'ingest' },
    },
    {
      name: 'forced refresh',
      what: `warm: every object's values read, rendered and compared; nothing written`,
      event: { clusterId: cluster.clusterId, scope, reason: 'api' },
    },
    {
      name: 'drift check',
      what: 'warm: whole cluster, nothing due or changed: one metadata LIST',
      event: { clusterId: cluster.clusterId, scope: { kind: 'all' }, reason: 'drift-check' },
    },
  ];

  const dir = mkdtempSync(join(tmpdir(), 'fleet-secrets-bench-child-'));
  try {
    const source = readFileSync(new URL('./reconcile-child.ts', import.meta.url), 'utf8');
    const compiled = await transform(source, { loader: 'ts', format: 'esm', target: 'node24' });
    const childFile = join(dir, 'reconcile-child.mjs');
    writeFileSync(childFile, compiled.code);
    writeFileSync(
      join(dir, 'phases.json'),
      JSON.stringify(phases.map(({ name, event }) => ({ name, event }))),
    );
    const resultFile = join(dir, 'result.json');
    const env: Record<string, string> = {
      PATH: process.env.PATH ?? '',
      AWS_REGION: moto.region,
      AWS_ACCESS_KEY_ID: benchCredentials.accessKeyId,
      AWS_SECRET_ACCESS_KEY: benchCredentials.secretAccessKey,
      // The SDK's own endpoint variables: the bundle is unchanged, only its endpoints are local.
      AWS_ENDPOINT_URL: moto.url,
      AWS_ENDPOINT_URL_DYNAMODB: dynamodb.url,
      [ENV.tableName]: plane.tableName,
      [ENV.reconcileFunctionName]: 'fleet-secrets-bench-reconcile-cluster',
      [ENV.hmacKeySecretArn]: hmac.ARN as string,
      // moto does not evaluate IAM: the reader role only has to be assumable.
      [ENV.storeReaderRoleArn]: 'arn:aws:iam::123456789012:role/fleet-secrets-bench-store-reader',
      BENCH_BUNDLE: bundle,
      BENCH_RESULT_FILE: resultFile,
      BENCH_PHASES_FILE: join(dir, 'phases.json'),
    };
    await new Promise<void>((resolve, reject) => {
      const child = spawn(process.execPath, [childFile], { env, stdio: ['ignore', 'ignore', 'pipe'] });
      let stderr = '';
      child.stderr.on('data', (chunk: Buffer) => {
        stderr = (stderr + chunk.toString('utf8')).slice(-4000);
      });
      const timer = setTimeout(() => child.kill('SIGKILL'), 300_000);
      child.on('exit', (code) => {
        clearTimeout(timer);
        if (code === 0) resolve();
        else reject(new Error(`reconcile child exited with ${code}: ${stderr}`));
      });
    });
    const out = JSON.parse(readFileSync(resultFile, 'utf8')) as ChildOutput;

    // A sample of the Secrets the child wrote, read back from the API server.
    const { core } = kubeClientsFor(cluster.endpoint, 'admin');
    let mismatches = 0;
    const checked = Math.min(objects, 20);
    for (let c = 0; c < checked; c++) {
      const i = Math.floor((c * objects) / checked);
      const got = await readSecretField(core, nsOf(i), `mem-${i}`, 'password');
      if (got !== values.get(i % keys)?.password) mismatches++;
    }

    const result: MemoryResult = {
      objects,
      namespaces,
      keys,
      importMs: round(out.importMs, 0),
      afterImport: { rssMiB: round(out.afterImport.rssMiB), heapUsedMiB: round(out.afterImport.heapUsedMiB) },
      maxRssMiB: round(out.maxRssMiB),
      phases: out.phases.map((phase, i) => {
        const pass = phase.result.passes?.[0];
        const processed = pass ? pass.synced + pass.unchanged : 0;
        return {
          name: phase.name,
          what: phases[i]?.what ?? '',
          ms: round(phase.ms, 0),
          cpuMs: round(phase.cpuMs, 0),
          objectsPerSecond: round((processed / phase.ms) * 1000),
          peakRssMiB: round(phase.peakRssMiB),
          peakHeapUsedMiB: round(phase.peakHeapUsedMiB),
          logBytes: phase.logBytes,
          synced: pass?.synced ?? 0,
          unchanged: pass?.unchanged ?? 0,
          failed: pass?.failed ?? 0,
          rendered: pass?.rendered ?? 0,
          apiserver: pass?.apiserver ?? { reads: 0, writes: 0, byAction: {} },
          providerCalls: pass?.provider.providerCalls ?? {},
        };
      }),
      readBackChecked: checked,
      readBackMismatches: mismatches,
    };
    for (const phase of result.phases) {
      log(
        `memory "${phase.name}": ${phase.ms} ms, ${phase.objectsPerSecond} objects/s, peak RSS ${phase.peakRssMiB} MiB, heap ${phase.peakHeapUsedMiB} MiB`,
      );
    }
    return result;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
