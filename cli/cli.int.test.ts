/**
 * The CLI as a user runs it: `fleet-secrets dev` started the way the README says (no kubeconfig,
 * so it starts its own local cluster and the demo), then every command as a spawned process
 * against it, with a second, private cluster on the run's etcd. Secrets are read back from the
 * apiservers themselves. The private clusters keep this suite's watchers and reconciles away from
 * the clusters other suites share.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { CoreV1Api, CustomObjectsApi, type KubeConfig } from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse, parseAllDocuments, stringify } from 'yaml';
import { type PrivateCluster, startPrivateCluster } from '../infra-tests/helpers/kube.js';
import type { StatusRow } from '../shared/control-plane/api.js';
import { API_GROUP, API_VERSION } from '../shared/domain/schema.js';
import { installCrds, kubeConfigFrom } from './dev/cluster-setup.js';
import { type DevServerInfo, readDevServer } from './dev-state.js';

const repo = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const bin = join(repo, 'bin', 'fleet-secrets.js');
const suffix = randomBytes(3).toString('hex');

let work: string;
let devDir: string;
let dev: ChildProcess;
let devLog = '';
let devExit: Promise<number | null>;
let info: DevServerInfo;
let second: PrivateCluster;
let local: KubeConfig;
let secondKc: KubeConfig;

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** A user's environment: no control plane configured, so the dev folder is found by default. */
function userEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, NO_COLOR: '1' };
  for (const name of [
    'FLEET_SECRETS_DEV_DIR',
    'FLEET_SECRETS_API_URL',
    'FLEET_SECRETS_API_FUNCTION',
    'FORCE_COLOR',
  ]) {
    delete env[name];
  }
  return env;
}

/** One CLI invocation in the work folder, where dev mode keeps its state (found by default). */
function cli(args: string[], input?: string): Promise<Run> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(process.execPath, [bin, ...args], {
      cwd: work,
      env: userEnv(),
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
    });
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    child.once('error', reject);
    child.once('exit', (code) => resolvePromise({ code, stdout, stderr }));
    child.stdin.end(input ?? '');
  });
}

async function until<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 60_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe().catch(() => undefined);
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(250);
  }
}

async function secretValue(
  kc: KubeConfig,
  namespace: string,
  name: string,
  key: string,
): Promise<string | undefined> {
  try {
    const secret = await kc.makeApiClient(CoreV1Api).readNamespacedSecret({ namespace, name });
    const data = secret.data?.[key];
    return data === undefined ? undefined : Buffer.from(data, 'base64').toString('utf8');
  } catch {
    return undefined;
  }
}

function write(path: string, content: string): string {
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, content);
  return path;
}

beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), 'fleet-secrets-cli-'));
  devDir = join(work, '.fleet-secrets-dev');
  // Exactly the README's first command, in a fresh folder.
  dev = spawn(process.execPath, [bin, 'dev', '--sweep-interval', '2s'], {
    cwd: work,
    env: userEnv(),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  dev.stdout?.on('data', (chunk: Buffer) => {
    devLog += chunk.toString();
  });
  dev.stderr?.on('data', (chunk: Buffer) => {
    devLog += chunk.toString();
  });
  devExit = new Promise((r) => dev.once('exit', (code) => r(code)));
  const [cluster] = await Promise.all([
    startPrivateCluster(`cli-second-${suffix}`),
    until(
      'dev mode to be ready',
      async () => {
        if (dev.exitCode !== null) throw new Error(`dev mode exited early:\n${devLog}`);
        const found = readDevServer(devDir);
        if (found) info = found;
        return found;
      },
      240_000,
    ).catch((error: Error) => {
      throw new Error(`${error.message}\n--- dev output ---\n${devLog}`);
    }),
  ]);
  second = cluster;
  local = kubeConfigFrom(info.localCluster!.kubeconfig);
  secondKc = kubeConfigFrom(second.endpoint.adminKubeconfig);
  await installCrds(secondKc);
}, 300_000);

afterAll(async () => {
  if (dev && dev.exitCode === null) {
    dev.kill('SIGINT');
    await Promise.race([devExit, sleep(30_000)]);
  }
  await second?.dispose();
  if (work) rmSync(work, { recursive: true, force: true });
}, 60_000);

describe('fleet-secrets dev and the CLI', () => {
  it('should have synced the demo Secret into its own local cluster (the README quickstart)', async () => {
    const status = await cli(['status', '--wait', '90s']);
    expect(status.stderr).toBe('');
    expect(status.code).toBe(0);
    expect(status.stdout).toMatch(
      /^CLUSTER\s+NAMESPACE\s+NAME\s+READY\s+REASON\s+SYNCED VERSION\s+LAST SYNC\s+NEXT REFRESH$/m,
    );
    expect(status.stdout).toMatch(
      /^local\s+default\s+demo-app\s+True\s+SecretSynced\s+[0-9a-f]{12}\s+\d+[smh] ago\s+in \d+[smh]$/m,
    );
    const demo = parse(readFileSync(join(devDir, 'demo-secrets.yaml'), 'utf8')) as Record<
      string,
      Record<string, string>
    >;
    expect(await secretValue(local, 'default', 'demo-app', 'password')).toBe(demo['demo/app']?.password);
  });

  it('should register a reachable cluster and report its version and permissions', async () => {
    const add = await cli([
      'clusters',
      'add',
      'second',
      '--kubeconfig',
      second.endpoint.adminKubeconfig,
      '--labels',
      'env=dev,tier=second',
    ]);
    expect(add.code).toBe(0);
    expect(add.stdout).toContain('✓ cluster second registered');
    expect(add.stdout).toMatch(/reachable: yes \(Kubernetes v1\.\d+\.\d+\)/);
    expect(add.stdout).toContain('permissions: everything the control plane needs is granted');

    const list = await cli(['clusters', 'list', '-o', 'json']);
    const records = JSON.parse(list.stdout) as Array<{ clusterId: string; labels: Record<string, string> }>;
    expect(records.map((r) => [r.clusterId, r.labels])).toEqual([
      ['local', { env: 'dev' }],
      ['second', { env: 'dev', tier: 'second' }],
    ]);
    const table = await cli(['clusters', 'list']);
    expect(table.stdout).toMatch(
      /^second\s+https:\/\/127\.0\.0\.1:\d+\s+kubeconfig\s+env=dev,tier=second\s+Healthy/m,
    );
  });

  it('should refuse an unreachable cluster, saying so in plain words', async () => {
    const kubeconfig = write(
      join(work, 'gone.kubeconfig'),
      stringify({
        apiVersion: 'v1',
        kind: 'Config',
        'current-context': 'gone',
        clusters: [{ name: 'gone', cluster: { server: 'https://127.0.0.1:1' } }],
        users: [{ name: 'u', user: { token: 'x' } }],
        contexts: [{ name: 'gone', context: { cluster: 'gone', user: 'u' } }],
      }),
    );
    const add = await cli(['clusters', 'add', 'gone', '--kubeconfig', kubeconfig]);
    expect(add.code).toBe(1);
    expect(add.stderr).toContain('✗ cluster gone was not registered');
    expect(add.stderr).toMatch(/reachable: no \(API server unreachable: .*ECONNREFUSED/);
  });

  it('should name every RBAC verb the control plane lacks', async () => {
    const add = await cli(['clusters', 'add', 'limited', '--kubeconfig', second.endpoint.limitedKubeconfig]);
    expect(add.code).toBe(1);
    expect(add.stderr).toContain('reachable: yes');
    expect(add.stderr).toContain(
      '  - cannot list/create/patch/delete secrets (needed to write the synced Secrets)',
    );
    expect(add.stderr).toContain(
      '  - cannot get/list externalsecrets.fleet-secrets.io (needed to re-read ExternalSecrets)',
    );
  });

  it('should refuse a bad label, naming the label', async () => {
    const invalid = await cli([
      'clusters',
      'add',
      'third',
      '--kubeconfig',
      second.endpoint.adminKubeconfig,
      '--labels',
      'env=dev,Bad Key=x',
    ]);
    expect(invalid.code).toBe(2);
    expect(invalid.stderr).toContain('error: labels.Bad Key: is not a valid label key');
    const malformed = await cli([
      'clusters',
      'add',
      'third',
      '--kubeconfig',
      second.endpoint.adminKubeconfig,
      '--labels',
      'envdev',
    ]);
    expect(malformed.code).toBe(2);
    expect(malformed.stderr).toContain('error: --labels: "envdev" is not key=value');
  });

  it('should register many clusters from a file, printing one result per cluster', async () => {
    write(
      join(work, 'clusters.yaml'),
      stringify([
        {
          name: 'second',
          kubeconfig: second.endpoint.adminKubeconfig,
          labels: { env: 'dev', tier: 'second' },
        },
        { name: 'gone', kubeconfig: join(work, 'gone.kubeconfig') },
      ]),
    );
    const run = await cli(['clusters', 'add', '-f', 'clusters.yaml']);
    expect(run.code).toBe(1);
    expect(run.stdout).toContain('✓ cluster second registered');
    expect(run.stderr).toContain('✗ cluster gone was not registered');
    expect(run.stderr).toContain('1 of 2 clusters registered');
    expect(run.stderr).toContain('error: 1 of 2 registrations failed');

    write(join(work, 'typo.yaml'), 'name: typo\nkubeconfg: x.kubeconfig\n');
    const typo = await cli(['clusters', 'add', '-f', 'typo.yaml']);
    expect(typo.code).toBe(2);
    expect(typo.stderr).toContain('typo.yaml:2: kubeconfg: unknown field');
  });

  const namespace = `fleet-${suffix}`;
  const fleetDir = () => join(work, 'fleet');

  it('should apply a store and a FleetExternalSecret that lands in every selected cluster', async () => {
    for (const kc of [local, secondKc]) {
      await kc.makeApiClient(CoreV1Api).createNamespace({ body: { metadata: { name: namespace } } });
    }
    write(join(work, 'secrets', 'team.yaml'), 'team/db:\n  password: first-value\n');
    write(
      join(fleetDir(), 'store.yaml'),
      `apiVersion: fleet-secrets.io/v1
kind: SecretStore
metadata:
  name: team
spec:
  provider:
    file:
      path: ../secrets/team.yaml
  accessPolicy:
    clusterSelector: { matchLabels: { env: dev } }
    namespaces: ["fleet-*"]
    keys: ["team/**"]
`,
    );
    write(
      join(fleetDir(), 'db.yaml'),
      `apiVersion: fleet-secrets.io/v1
kind: FleetExternalSecret
metadata:
  name: db
spec:
  clusterSelector: { matchLabels: { env: dev } }
  namespaces: [${namespace}]
  externalSecretSpec:
    secretStoreRef: { name: team }
    target: { name: db-creds }
    data:
      - secretKey: password
        remoteRef: { key: team/db, property: password }
`,
    );
    const apply = await cli(['apply', '-f', 'fleet']);
    expect(apply.stderr).toBe('');
    expect(apply.code).toBe(0);
    expect(apply.stdout.trim().split('\n')).toEqual([
      'secretstore/team applied',
      'fleetexternalsecret/default/db applied (generation 1): changed in local (1 updated), second (1 updated)',
    ]);

    const status = await cli(['status', '--namespace', namespace, '--wait', '60s']);
    expect(status.code).toBe(0);
    expect(status.stdout).toMatch(new RegExp(`^local\\s+${namespace}\\s+db\\s+True\\s+SecretSynced`, 'm'));
    expect(status.stdout).toMatch(new RegExp(`^second\\s+${namespace}\\s+db\\s+True\\s+SecretSynced`, 'm'));
    expect(await secretValue(local, namespace, 'db-creds', 'password')).toBe('first-value');
    expect(await secretValue(secondKc, namespace, 'db-creds', 'password')).toBe('first-value');
  });

  it('should point at file:line and the field path of an unknown field, and send nothing', async () => {
    write(
      join(work, 'broken.yaml'),
      `apiVersion: fleet-secrets.io/v1
kind: FleetExternalSecret
metadata:
  name: broken
spec:
  namespaces: [${namespace}]
  externalSecretSpec:
    secretStoreRef: { name: team }
    data:
      - secretKey: password
        remoteRef:
          key: team/db
          kee: typo
`,
    );
    const apply = await cli(['apply', '-f', 'broken.yaml']);
    expect(apply.code).toBe(2);
    expect(apply.stdout).toBe('');
    expect(apply.stderr).toContain('error: nothing was sent: 1 problem in the manifests');
    expect(apply.stderr).toContain(
      'broken.yaml:13: FleetExternalSecret broken: spec.externalSecretSpec.data[0].remoteRef.kee: unknown field',
    );
    const rows = JSON.parse((await cli(['status', '-n', namespace, '-o', 'json'])).stdout) as StatusRow[];
    expect(rows.some((r) => r.name === 'broken')).toBe(false);
  });

  it('should exit non-zero from status while an object fails, and zero once it is gone', async () => {
    const missing = write(
      join(work, 'missing.yaml'),
      `apiVersion: fleet-secrets.io/v1
kind: FleetExternalSecret
metadata:
  name: missing
spec:
  clusterSelector: { matchLabels: { tier: second } }
  namespaces: [${namespace}]
  externalSecretSpec:
    secretStoreRef: { name: team }
    data:
      - secretKey: password
        remoteRef: { key: team/not-there }
`,
    );
    expect((await cli(['apply', '-f', missing])).code).toBe(0);
    const status = await cli(['status', '-n', namespace, '--wait', '60s']);
    expect(status.code).toBe(1);
    expect(status.stdout).toMatch(new RegExp(`^second\\s+${namespace}\\s+missing\\s+False\\s+\\S+`, 'm'));
    expect(status.stdout).toMatch(new RegExp(`^✗ second/${namespace}/missing: .*team/not-there`, 'm'));
    expect(status.stderr).toContain('error: 1 failing of 3 objects');

    const json = await cli(['status', '-n', namespace, '--cluster', 'second', '-o', 'json']);
    expect(json.code).toBe(1);
    const rows = JSON.parse(json.stdout) as StatusRow[];
    expect(rows.map((r) => [r.clusterId, r.name, r.ready])).toEqual([
      ['second', 'db', 'True'],
      ['second', 'missing', 'False'],
    ]);
    const yaml = await cli(['status', '-n', namespace, '--cluster', 'local', '-o', 'yaml']);
    expect(yaml.code).toBe(0);
    expect(parse(yaml.stdout)).toEqual([
      expect.objectContaining({ clusterId: 'local', name: 'db', ready: 'True' }),
    ]);

    const removed = await cli(['delete', '-f', missing]);
    expect(removed.code).toBe(0);
    expect(removed.stdout).toContain(
      'fleetexternalsecret/default/missing deleted (1 object no longer synced',
    );
    expect((await cli(['status', '-n', namespace])).code).toBe(0);
  });

  it('should sync one object, and every dependent of a secret, printing results per cluster', async () => {
    const one = await cli(['sync', `second/${namespace}/db`]);
    expect(one.code).toBe(0);
    expect(one.stdout).toMatch(
      new RegExp(`^✓ second/${namespace}/db: Ready \\(SecretSynced\\), version [0-9a-f]{12}$`, 'm'),
    );

    const bySecret = await cli(['sync', '--secret', 'team/db', '--store', 'team']);
    expect(bySecret.code).toBe(0);
    expect(bySecret.stderr).toContain('queued 2 objects in 2 clusters');
    expect(bySecret.stdout.trim().split('\n').sort()).toEqual(['✓ local: 1 Ready', '✓ second: 1 Ready']);

    const unknown = await cli(['sync', 'nowhere']);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toContain('error: cluster "nowhere" is not registered');
  });

  it('should push an edit of the secrets file to every cluster without being asked', async () => {
    write(join(work, 'secrets', 'team.yaml'), 'team/db:\n  password: second-value\n');
    await until('the new value in both clusters', async () => {
      const values = await Promise.all(
        [local, secondKc].map((kc) => secretValue(kc, namespace, 'db-creds', 'password')),
      );
      return values.every((v) => v === 'second-value') ? true : undefined;
    });
  });

  it("should convert ESO's documented examples and say what it could not convert", async () => {
    const out = join(work, 'eso');
    const run = await cli(['import-eso', '-f', join(repo, 'cli', 'import-eso', 'fixtures'), '-o', out]);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('converted 5 of 8 ESO objects');
    expect(run.stderr).toMatch(
      /✗ .*external-secret\.yaml:\d+ ESO ExternalSecret team-a\/with-generator was not converted:/,
    );
    expect(run.stderr).toContain('spec.dataFrom[0].sourceRef.generatorRef: generators have no equivalent');
    expect(run.stderr).toContain(
      'spec.provider.gcpsm: fleet-secrets reads AWS Secrets Manager and HashiCorp Vault only',
    );

    const clusterObjects = parseAllDocuments(readFileSync(join(out, 'cluster.yaml'), 'utf8')).map((d) =>
      d.toJS(),
    );
    expect(clusterObjects.map((o) => `${o.kind}/${o.metadata.name}`)).toEqual([
      'ClusterExternalSecret/hello-world',
      'ExternalSecret/example',
      'ExternalSecret/find-by-name',
    ]);
    // The converted objects pass the real CRD schema (server-side dry run in the second cluster).
    const custom = secondKc.makeApiClient(CustomObjectsApi);
    await secondKc.makeApiClient(CoreV1Api).createNamespace({ body: { metadata: { name: 'team-a' } } });
    for (const object of clusterObjects) {
      const common = { group: API_GROUP, version: API_VERSION, body: object, dryRun: 'All' };
      if (object.kind === 'ExternalSecret') {
        await custom.createNamespacedCustomObject({
          ...common,
          namespace: object.metadata.namespace,
          plural: 'externalsecrets',
        });
      } else {
        await custom.createClusterCustomObject({ ...common, plural: 'clusterexternalsecrets' });
      }
    }
    const stores = await cli(['apply', '-f', join(out, 'control-plane.yaml')]);
    expect(stores.code).toBe(0);
    expect(stores.stdout.trim().split('\n')).toEqual([
      'secretstore/secretstore-sample applied',
      'secretstore/vault-backend applied',
    ]);
    const list = await cli(['stores', 'list']);
    expect(list.stdout).toMatch(
      /^vault-backend\s+Vault http:\/\/my\.vault\.server:8200 secret \(v2\)\s+all\s+team-a,team-b\s+\*\*$/m,
    );
  });

  it('should print the watcher manifest of a registered cluster, and refuse an unknown one', async () => {
    const args = [
      '--image',
      'example.invalid/fleet-secrets-watcher:test',
      '--ingest-function-arn',
      'arn:aws:lambda:eu-west-1:123456789012:function:ingest',
      '--role-arn',
      'arn:aws:iam::123456789012:role/watcher',
      '--mode',
      'irsa',
    ];
    const run = await cli(['watcher', 'manifest', '--cluster', 'second', ...args]);
    expect(run.code).toBe(0);
    const objects = parseAllDocuments(run.stdout).map((d) => d.toJS());
    expect(objects.map((o) => o.kind)).toEqual([
      'Namespace',
      'ServiceAccount',
      'ClusterRole',
      'ClusterRoleBinding',
      'Deployment',
      'NetworkPolicy',
      'PodDisruptionBudget',
    ]);
    expect(JSON.stringify(objects)).toContain('"WATCHER_CLUSTER_ID","value":"second"');

    const unknown = await cli(['watcher', 'manifest', '--cluster', 'nope', ...args]);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toContain('error: cluster "nope" is not registered');
  });

  it('should remove a cluster, leaving its Secrets in place', async () => {
    const run = await cli(['clusters', 'remove', 'second']);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('cluster second removed (');
    expect(await secretValue(secondKc, namespace, 'db-creds', 'password')).toBe('second-value');
    const records = JSON.parse((await cli(['clusters', 'list', '-o', 'json'])).stdout) as Array<{
      clusterId: string;
    }>;
    expect(records.map((r) => r.clusterId)).toEqual(['local']);
  });

  it('should stop everything it started on Ctrl-C', async () => {
    const runDir = info.localCluster!.runDir;
    const processesOfRun = () =>
      readdirSync('/proc')
        .filter((pid) => /^\d+$/.test(pid))
        .filter((pid) => {
          try {
            return readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes(runDir);
          } catch {
            return false;
          }
        });
    expect(processesOfRun().length).toBeGreaterThanOrEqual(2);
    dev.kill('SIGINT');
    const code = await Promise.race([devExit, sleep(60_000).then(() => 'still running')]);
    expect(code).toBe(0);
    expect(devLog).toContain('dev mode stopped');
    expect(processesOfRun()).toEqual([]);
    expect(existsSync(join(devDir, 'server.json'))).toBe(false);
    // The state outlives the process: the next `fleet-secrets dev` starts from it.
    expect(existsSync(join(devDir, 'state.json'))).toBe(true);
  }, 90_000);
});
