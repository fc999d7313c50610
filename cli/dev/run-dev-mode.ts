/**
 * `fleet-secrets dev`: the whole control plane in this process. The same handler cores as in
 * Lambda (api, ingest, sweep, reconcile-cluster), composed by the same composeControlPlane, over
 * local adapters: the state store persisted to the dev folder, an in-process invoker, an interval
 * scheduler for the sweep, one in-process watcher per cluster, and file stores next to real ones.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { relative } from 'node:path';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { STSClient } from '@aws-sdk/client-sts';
import { createApiHandler } from '../../functions/api/handler.js';
import { createIngestHandler } from '../../functions/ingest/handler.js';
import { composeControlPlane } from '../../functions/lib/compose-control-plane.js';
import { createReconcileClusterHandler } from '../../functions/reconcile-cluster/handler.js';
import { createSweepHandler } from '../../functions/sweep/handler.js';
import { AssumedRoleCredentialCache } from '../../shared/adapters/aws-credentials/index.js';
import { AwsEksClusterDirectory } from '../../shared/adapters/aws-eks/index.js';
import { SecretsManagerClients } from '../../shared/adapters/aws-secrets-manager/index.js';
import { InProcessInvoker } from '../../shared/adapters/in-process/in-process-invoker.js';
import { KubeClusterClientFactory } from '../../shared/adapters/kubernetes/index.js';
import { LocalStateStore } from '../../shared/adapters/local-state/index.js';
import { CentralProviderFactory } from '../../shared/adapters/provider-factory.js';
import type { RegisterClusterInput, RegistrationReport } from '../../shared/control-plane/api.js';
import type { ApiResponse } from '../../shared/control-plane/api-dispatch.js';
import { systemClock } from '../../shared/ports/clock.js';
import { kubeconfigContexts, kubeconfigTarget } from '../clusters/kubeconfig-target.js';
import { describeRejection } from '../commands/clusters.js';
import { readDevServer, removeDevServer, writeDevServer } from '../dev-state.js';
import { CliError, UsageError } from '../errors.js';
import type { Terminal } from '../output/terminal.js';
import { type ApiServer, startApiServer } from './api-server.js';
import { installCrds, kubeConfigFrom } from './cluster-setup.js';
import { ClusterWatchers } from './cluster-watchers.js';
import { devCredentialSource } from './credentials.js';
import { createDemoExternalSecret, DEMO, demoStore, writeDemoSecretsFile } from './demo.js';
import { DevLogger, type DevLogLevel, devObservability, parseLogLevel } from './dev-logger.js';
import { DevProviderFactory } from './dev-provider-factory.js';
import { FileRotation } from './file-rotation.js';
import { ensureClusterBinaries, type LocalCluster, startLocalCluster } from './local-cluster.js';
import { IntervalScheduler } from './scheduler.js';
import { Shutdown } from './shutdown.js';

export interface DevModeOptions {
  terminal: Terminal;
  dir: string;
  kubeconfig?: string;
  contexts: string[];
  port: number;
  sweepIntervalMs: number;
  driftIntervalMs: number;
  demo?: boolean;
  logLevel: string;
  credentialsFile?: string;
}

const LOCAL_CLUSTER = 'local';

export async function runDevMode(options: DevModeOptions): Promise<void> {
  const { terminal, dir } = options;
  let level: DevLogLevel;
  try {
    level = parseLogLevel(options.logLevel);
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  if (!Number.isInteger(options.port) || options.port < 0 || options.port > 65_535) {
    throw new UsageError(`--port: "${options.port}" is not a TCP port`);
  }
  mkdirSync(dir, { recursive: true });
  const running = readDevServer(dir);
  if (running) throw new CliError(`dev mode already runs for ${dir} (pid ${running.pid}, ${running.url})`);

  const say = (line: string) => terminal.out(line);
  const logger = (service: string, min: DevLogLevel = level) =>
    new DevLogger({ service, level: min, write: terminal.err, style: terminal.style });
  const log = logger('dev');
  const shutdown = new Shutdown({ say: terminal.err });
  try {
    await start(options, { say, logger, log, level, shutdown });
    await shutdown.requested();
  } finally {
    await shutdown.run();
  }
  say('dev mode stopped');
}

interface Tools {
  say: (line: string) => void;
  logger: (service: string, min?: DevLogLevel) => DevLogger;
  log: DevLogger;
  level: DevLogLevel;
  shutdown: Shutdown;
}

async function start(options: DevModeOptions, { say, logger, log, level, shutdown }: Tools): Promise<void> {
  const { dir } = options;
  const stopped = () => shutdown.signal.aborted;
  const region = process.env.AWS_REGION ?? process.env.AWS_DEFAULT_REGION ?? 'us-east-1';

  let local: LocalCluster | undefined;
  if (!options.kubeconfig) {
    await ensureClusterBinaries({ devDir: dir, say, signal: shutdown.signal });
    if (stopped()) return;
    say('starting the local cluster (etcd + kube-apiserver)...');
    local = await startLocalCluster({ devDir: dir });
    const cluster = local;
    shutdown.add('the local cluster', () => cluster.stop());
    if (stopped()) return;
  }

  const state = await LocalStateStore.open({ dir });
  shutdown.add('the state store', () => state.flush());
  const hmacKey = loadOrCreateHmacKey(dir);
  const invoker = new InProcessInvoker();
  const clusters = new KubeClusterClientFactory({
    state,
    secretsManager: new SecretsManagerClient({ region }),
  });
  shutdown.add('cluster connections', () => clusters.close());
  const providers = new DevProviderFactory({
    stores: state,
    central: () =>
      new CentralProviderFactory({
        stores: state,
        secretsManager: new SecretsManagerClients({
          credentials: new AssumedRoleCredentialCache({ sts: new STSClient({ region }) }),
        }),
        credentialSource: devCredentialSource(options.credentialsFile),
      }),
  });
  const controlPlane = composeControlPlane({
    state,
    providers,
    clusters,
    invoker,
    clock: systemClock,
    region,
    hmacKey: async () => hmacKey,
    logger: logger('reconcile'),
    settings: { driftCheckIntervalMs: options.driftIntervalMs },
  });
  // A core per invocation, like a fresh Lambda context: log keys of parallel passes never mix.
  // Its "pass done" line repeats the engine's own summary, and the sweep runs every few seconds
  // with nothing to say: both log only at debug level.
  const quiet = level === 'debug' ? 'debug' : 'warn';
  const reconcileLog = logger('reconcile');
  invoker.setTarget('reconcile-cluster', async (request) => {
    const handler = createReconcileClusterHandler(
      async () => controlPlane.reconcileCluster,
      devObservability(logger('reconcile', quiet)),
    );
    return handler(request, { awsRequestId: randomUUID() }).catch((error: unknown) => {
      reconcileLog.error('reconcile-cluster failed', { clusterId: request.clusterId, error });
      throw error;
    });
  });
  shutdown.add('running reconciles', () => drainWithin(invoker, 15_000, log));
  // EKS clusters are located with your own AWS credentials, as the deployed api does with its role.
  const apiDeps = { ...controlPlane.api, eks: new AwsEksClusterDirectory() };
  const api = createApiHandler(async () => apiDeps, devObservability(logger('api')));
  const ingest = (batch: unknown) =>
    createIngestHandler(async () => controlPlane.ingest, devObservability(logger('ingest')), {
      kind: 'in-process',
    })(batch);
  const sweep = createSweepHandler(async () => controlPlane.sweep, devObservability(logger('sweep', quiet)));

  const token = randomBytes(24).toString('base64url');
  const server: ApiServer = await startApiServer({
    port: options.port,
    token,
    handle: (event) => api(event),
  });
  shutdown.add('the API server', () => server.close());
  if (stopped()) return;

  // Clusters: the local one, or every chosen context of --kubeconfig.
  const registered: Array<{ clusterId: string; kubeconfig: string; context?: string }> = [];
  const register = async (input: RegisterClusterInput, kubeconfig: string, context?: string) => {
    const response = (await api({ action: 'clusters.add', params: { ...input } })) as ApiResponse;
    if (response.ok) {
      const report = response.result as RegistrationReport;
      log.info('cluster registered', { clusterId: input.clusterId, version: report.serverVersion });
      registered.push({ clusterId: input.clusterId, kubeconfig, ...(context ? { context } : {}) });
      return;
    }
    log.warn(`cluster ${input.clusterId} was not registered`, { problem: response.error.message });
    for (const line of describeRejection(response.error.issues ?? [])) log.warn(`  ${line}`);
  };
  if (local) {
    await register(
      {
        clusterId: LOCAL_CLUSTER,
        endpoint: local.server,
        caData: local.caData,
        auth: { type: 'kubeconfig', path: local.kubeconfig },
        labels: { env: 'dev' },
      },
      local.kubeconfig,
    );
  } else if (options.kubeconfig) {
    const contexts = options.contexts.length ? options.contexts : kubeconfigContexts(options.kubeconfig);
    for (const context of contexts) {
      const target = kubeconfigTarget(options.kubeconfig, context);
      await register(
        {
          clusterId: clusterIdOf(context),
          endpoint: target.endpoint,
          ...(target.caData ? { caData: target.caData } : {}),
          auth: { type: 'kubeconfig', path: target.path, context },
          labels: { env: 'dev', context: clusterIdOf(context) },
        },
        target.path,
        context,
      );
    }
  }
  for (const cluster of registered) {
    try {
      await installCrds(kubeConfigFrom(cluster.kubeconfig, cluster.context));
    } catch (error) {
      log.warn('could not install the fleet-secrets CRDs', { clusterId: cluster.clusterId, error });
    }
  }
  if (stopped()) return;

  // The demo: on the local cluster by default, on the first registered one with --demo.
  const demoCluster = (options.demo ?? local !== undefined) ? registered[0] : undefined;
  let demoFile: string | undefined;
  if (demoCluster) {
    demoFile = writeDemoSecretsFile(dir);
    const put = (await api({
      action: 'stores.put',
      params: { manifest: demoStore(demoFile) },
    })) as ApiResponse;
    if (!put.ok) throw new CliError(`the demo store was refused: ${put.error.message}`);
    await createDemoExternalSecret(kubeConfigFrom(demoCluster.kubeconfig, demoCluster.context));
  }

  const watchers = new ClusterWatchers({ ingest, logger: logger('watcher') });
  shutdown.add('the watchers', () => watchers.stop());
  await watchers.sync(await state.listClusters());
  const scheduler = new IntervalScheduler({
    intervalMs: options.sweepIntervalMs,
    task: async () => {
      await sweep({});
      // Clusters added or removed with the CLI meanwhile get (or lose) their watcher here.
      await watchers.sync(await state.listClusters());
    },
    onError: (error) => log.error('scheduled sweep failed', { error }),
  });
  scheduler.start();
  shutdown.add('the scheduler', () => scheduler.stop());
  const rotation = new FileRotation({ state, invoker, logger: logger('files') });
  rotation.start();
  shutdown.add('the secrets-file watch', () => rotation.stop());

  writeDevServer(dir, {
    url: server.url,
    token,
    pid: process.pid,
    startedAt: new Date().toISOString(),
    ...(local
      ? { localCluster: { server: local.server, kubeconfig: local.kubeconfig, runDir: local.runDir } }
      : {}),
  });
  shutdown.add('the dev state file', () => removeDevServer(dir, process.pid));
  printBanner(say, {
    dir,
    url: server.url,
    local,
    clusters: registered.map((c) => c.clusterId),
    demoFile,
    demoCluster: demoCluster?.kubeconfig,
  });
}

function printBanner(
  say: (line: string) => void,
  info: {
    dir: string;
    url: string;
    local?: LocalCluster;
    clusters: string[];
    demoFile?: string;
    demoCluster?: string;
  },
): void {
  const rel = (p: string) => relative(process.cwd(), p) || p;
  say('');
  say('fleet-secrets dev is running');
  say(`  control plane  ${info.url}   (state in ${rel(info.dir)})`);
  say(
    `  clusters       ${info.clusters.join(', ') || 'none registered yet (fleet-secrets clusters add ...)'}`,
  );
  if (info.demoFile) {
    say(
      `  demo           ExternalSecret ${DEMO.namespace}/${DEMO.externalSecret} reads ${DEMO.key} from ${rel(info.demoFile)}`,
    );
  }
  say('');
  say('next, in another terminal:');
  say('  npx fleet-secrets status            # every synced object, per cluster');
  if (info.demoFile && info.demoCluster) {
    say(
      `  kubectl --kubeconfig ${rel(info.demoCluster)} get secret ${DEMO.externalSecret} -o jsonpath='{.data.password}' | base64 -d`,
    );
    say(`  edit ${rel(info.demoFile)} and the Secret follows within a second`);
  }
  say('Ctrl-C stops everything.');
}

/** A DNS label from a kubeconfig context name ("kind-dev", "arn:aws:eks:...:cluster/prod" -> "prod"). */
export function clusterIdOf(context: string): string {
  const tail = context.includes('/') ? context.slice(context.lastIndexOf('/') + 1) : context;
  const id = tail
    .toLowerCase()
    .replace(/[^a-z0-9-]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 63)
    .replace(/-+$/, '');
  return id || 'cluster';
}

/** Kept across runs, so a restart recognises Secrets it wrote and does not rewrite them all. */
function loadOrCreateHmacKey(dir: string): Uint8Array {
  const file = `${dir}/hmac.key`;
  if (existsSync(file)) return new Uint8Array(readFileSync(file));
  const key = randomBytes(32);
  writeFileSync(file, key, { mode: 0o600 });
  return new Uint8Array(key);
}

async function drainWithin(invoker: InProcessInvoker, ms: number, log: DevLogger): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const timedOut = await Promise.race([
    invoker.drain().then(() => false),
    new Promise<boolean>((resolve) => {
      timer = setTimeout(() => resolve(true), ms);
    }),
  ]);
  clearTimeout(timer);
  if (timedOut) log.warn('stopped with reconciles still running; the next start picks them up');
}
