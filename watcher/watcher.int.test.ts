/**
 * The watcher against a real kube-apiserver, authenticated as its own ServiceAccount bound to the
 * ClusterRole from its manifests, delivering to an in-process ingest. A private cluster, because one
 * test stops and restarts the apiserver, and because notice counts must not include other suites'
 * objects.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PatchStrategy, setHeaderOptions } from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type KubeClients,
  kubeClientsFor,
  type PrivateCluster,
  startPrivateCluster,
  uniqueName,
} from '../infra-tests/helpers/kube.js';
import { loadPeers } from '../infra-tests/helpers/peers.js';
import {
  clusterExternalSecret,
  externalSecret,
  installFleetCrds,
} from '../infra-tests/helpers/watcher/fleet-crds.js';
import { RecordingNoticeSink } from '../infra-tests/helpers/watcher/recording-notice-sink.js';
import { installWatcherIdentity } from '../infra-tests/helpers/watcher/watcher-identity.js';
import { type KubeApiserver, startApiserver } from '../infra-tests/peers/kube.js';
import type { Notice } from '../shared/contracts/notice-batch.js';
import { API_GROUP, API_VERSION } from '../shared/domain/schema.js';
import { staticConnection } from './kube/api-connection.js';
import { HttpsMetadataApi } from './kube/https-metadata-api.js';
import { createJsonLogger } from './logger.js';
import { WatcherMetrics } from './metrics.js';
import { Watcher } from './watcher.js';

const group = API_GROUP;
const version = API_VERSION;
const plural = 'externalsecrets';
const mergePatch = setHeaderOptions('Content-Type', PatchStrategy.MergePatch);
const clusterId = 'watcher-it';

interface Running {
  watcher: Watcher;
  sink: RecordingNoticeSink;
  metrics: WatcherMetrics;
  logs: Array<Record<string, unknown>>;
  api: HttpsMetadataApi;
}

let cluster: PrivateCluster;
let admin: KubeClients;
let watcherToken: string;
let running: Running;

function startWatcher(server: string, caData: string, token: string): Running {
  const sink = new RecordingNoticeSink();
  const metrics = new WatcherMetrics();
  const logs: Array<Record<string, unknown>> = [];
  const api = new HttpsMetadataApi({ connection: staticConnection({ server, caData, token }) });
  const watcher = new Watcher({
    clusterId,
    api,
    sink,
    logger: createJsonLogger({ level: 'debug', write: (line) => logs.push(JSON.parse(line)) }),
    metrics,
    // The production debounce (1 s); quick reconnects so the restart test stays short.
    debounceMs: 1_000,
    watchBackoff: { initialMs: 200, maxMs: 2_000 },
    deliveryRetry: { initialMs: 100, maxMs: 1_000 },
  });
  watcher.start();
  return { watcher, sink, metrics, logs, api };
}

async function until(what: string, condition: () => boolean | Promise<boolean>, timeoutMs = 30_000) {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

async function createNamespace(clients: KubeClients, prefix: string): Promise<string> {
  const name = uniqueName(prefix);
  await clients.core.createNamespace({ body: { metadata: { name } } });
  return name;
}

interface Meta {
  metadata: { uid: string; resourceVersion: string; generation: number; name: string };
}

async function createES(clients: KubeClients, namespace: string, name: string): Promise<Meta> {
  return (await clients.custom.createNamespacedCustomObject({
    group,
    version,
    namespace,
    plural,
    body: externalSecret(namespace, name),
  })) as Meta;
}

async function editSpec(
  clients: KubeClients,
  namespace: string,
  name: string,
  revision: number,
): Promise<Meta> {
  return (await clients.custom.patchNamespacedCustomObject(
    {
      group,
      version,
      namespace,
      plural,
      name,
      body: { spec: externalSecret(namespace, name, revision).spec },
    },
    mergePatch,
  )) as Meta;
}

function noticesOf(sink: RecordingNoticeSink, namespace: string, name: string): Notice[] {
  return sink.noticesOf({ kind: 'ExternalSecret', namespace, name });
}

beforeAll(async () => {
  cluster = await startPrivateCluster(uniqueName('watcher'));
  admin = kubeClientsFor(cluster.endpoint);
  await installFleetCrds(cluster.endpoint, admin.apiextensions);
  watcherToken = await installWatcherIdentity(cluster.endpoint, admin, clusterId);
  running = startWatcher(cluster.endpoint.server, cluster.endpoint.caData, watcherToken);
  await until('the watcher to list both kinds', () => running.watcher.ready);
});

afterAll(async () => {
  await running?.watcher.stop(2_000);
  running?.api.close();
  await cluster?.dispose();
});

describe('watcher against a real apiserver', () => {
  it('should forward create, spec update and delete of an ExternalSecret with cluster id, uid, generation and resourceVersion', async () => {
    const namespace = await createNamespace(admin, 'crud');
    const created = await createES(admin, namespace, 'db');
    await until('the create notice', () => noticesOf(running.sink, namespace, 'db').length === 1);
    const updated = await editSpec(admin, namespace, 'db', 2);
    await until('the update notice', () => noticesOf(running.sink, namespace, 'db').length === 2);
    await admin.custom.deleteNamespacedCustomObject({ group, version, namespace, plural, name: 'db' });
    await until('the delete notice', () => noticesOf(running.sink, namespace, 'db').length === 3);

    const [create, update, remove] = noticesOf(running.sink, namespace, 'db');
    expect(create).toEqual({
      kind: 'ExternalSecret',
      namespace,
      name: 'db',
      uid: created.metadata.uid,
      resourceVersion: created.metadata.resourceVersion,
      generation: 1,
      event: 'upsert',
    });
    expect(update).toMatchObject({
      generation: 2,
      resourceVersion: updated.metadata.resourceVersion,
      event: 'upsert',
    });
    expect(remove).toMatchObject({ uid: created.metadata.uid, generation: 2, event: 'delete' });
    const batchesWithDb = running.sink.batches.filter((batch) =>
      batch.notices.some((n) => n.namespace === namespace),
    );
    expect(batchesWithDb.every((batch) => batch.clusterId === clusterId)).toBe(true);
  });

  it('should forward ClusterExternalSecrets without a namespace', async () => {
    const name = uniqueName('shared');
    const created = (await admin.custom.createClusterCustomObject({
      group,
      version,
      plural: 'clusterexternalsecrets',
      body: clusterExternalSecret(name, ['team-a']),
    })) as Meta;
    await until(
      'the notice',
      () => running.sink.noticesOf({ kind: 'ClusterExternalSecret', name }).length === 1,
    );

    const [notice] = running.sink.noticesOf({ kind: 'ClusterExternalSecret', name });
    expect(notice).toEqual({
      kind: 'ClusterExternalSecret',
      name,
      uid: created.metadata.uid,
      resourceVersion: created.metadata.resourceVersion,
      generation: 1,
      event: 'upsert',
    });
  });

  it('should not forward status writes, which the control plane itself makes', async () => {
    const namespace = await createNamespace(admin, 'status');
    await createES(admin, namespace, 'db');
    await until('the create notice', () => noticesOf(running.sink, namespace, 'db').length === 1);
    for (let i = 0; i < 3; i++) {
      await admin.custom.patchNamespacedCustomObjectStatus(
        {
          group,
          version,
          namespace,
          plural,
          name: 'db',
          body: { status: { conditions: [{ type: 'Ready', status: 'True', reason: `Synced${i}` }] } },
        },
        mergePatch,
      );
    }
    // A label change afterwards is forwarded; when it arrives, the status writes before it were seen.
    await admin.custom.patchNamespacedCustomObject(
      { group, version, namespace, plural, name: 'db', body: { metadata: { labels: { tier: 'gold' } } } },
      mergePatch,
    );
    await until('the label notice', () => noticesOf(running.sink, namespace, 'db').length === 2);

    expect(noticesOf(running.sink, namespace, 'db').map((n) => n.generation)).toEqual([1, 1]);
    expect(running.metrics.statusOnlySkipped.value({ kind: 'ExternalSecret' })).toBeGreaterThanOrEqual(3);
  });

  it('should turn 1,000 rapid edits of one object into far fewer notices, the last one current', async () => {
    const namespace = await createNamespace(admin, 'burst');
    await createES(admin, namespace, 'hot');
    await until('the create notice', () => noticesOf(running.sink, namespace, 'hot').length === 1);
    const callsBefore = running.sink.sendCalls;
    // Ten writers at once, as fast as the apiserver takes them.
    let revision = 1;
    await Promise.all(
      Array.from({ length: 10 }, async () => {
        while (revision < 1_001) await editSpec(admin, namespace, 'hot', ++revision);
      }),
    );
    const last = (await admin.custom.getNamespacedCustomObject({
      group,
      version,
      namespace,
      plural,
      name: 'hot',
    })) as Meta;
    await until(
      'the notice of the final generation',
      () => noticesOf(running.sink, namespace, 'hot').at(-1)?.generation === last.metadata.generation,
    );

    const notices = noticesOf(running.sink, namespace, 'hot').slice(1);
    const invocations = running.sink.sendCalls - callsBefore;
    console.log(
      `[watcher] 1,000 edits of one ExternalSecret -> ${notices.length} notices in ${invocations} invocations`,
    );
    expect(last.metadata.generation).toBe(1_001);
    expect(notices.length).toBeLessThanOrEqual(50);
    expect(invocations).toBeLessThanOrEqual(50);
    expect(notices.at(-1)).toMatchObject({
      generation: 1_001,
      resourceVersion: last.metadata.resourceVersion,
    });
    // Generations only move forward.
    const generations = notices.map((n) => n.generation);
    expect([...generations].sort((a, b) => a - b)).toEqual(generations);
  });

  it('should recover from an apiserver restart and forward every change made while it was down', async () => {
    const namespace = await createNamespace(admin, 'restart');
    await createES(admin, namespace, 'kept');
    await createES(admin, namespace, 'edited');
    await createES(admin, namespace, 'removed');
    await until('the three create notices', () =>
      ['kept', 'edited', 'removed'].every((name) => noticesOf(running.sink, namespace, name).length === 1),
    );

    // A second apiserver on the same etcd prefix is the same cluster: changes made through it while
    // the watched apiserver is down are exactly what the watcher must not miss.
    const runDir = mkdtempSync(join(tmpdir(), 'fleet-secrets-watcher-twin-'));
    let twin: KubeApiserver | undefined;
    try {
      twin = await startApiserver({
        name: uniqueName('twin'),
        etcdUrl: loadPeers().kube.etcdUrl,
        runDir,
        etcdPrefix: cluster.endpoint.etcdPrefix,
      });
      const twinClients = kubeClientsFor(twin.endpoint);
      await until('the twin to serve the CRDs', async () => {
        try {
          await twinClients.custom.listNamespacedCustomObject({ group, version, namespace, plural });
          return true;
        } catch {
          return false;
        }
      });

      await cluster.stop();
      await until('the watcher to notice the outage', () =>
        running.logs.some((entry) => entry.message === 'watch failed, reconnecting'),
      );
      const created = await createES(twinClients, namespace, 'born-during-outage');
      const edited = await editSpec(twinClients, namespace, 'edited', 2);
      await twinClients.custom.deleteNamespacedCustomObject({
        group,
        version,
        namespace,
        plural,
        name: 'removed',
      });
      await cluster.start();

      await until(
        'the changes made during the outage',
        () =>
          noticesOf(running.sink, namespace, 'born-during-outage').length === 1 &&
          noticesOf(running.sink, namespace, 'edited').length === 2 &&
          noticesOf(running.sink, namespace, 'removed').length === 2,
        60_000,
      );
      expect(noticesOf(running.sink, namespace, 'born-during-outage')[0]).toMatchObject({
        uid: created.metadata.uid,
        generation: 1,
        event: 'upsert',
      });
      expect(noticesOf(running.sink, namespace, 'edited')[1]).toMatchObject({
        generation: 2,
        resourceVersion: edited.metadata.resourceVersion,
      });
      expect(noticesOf(running.sink, namespace, 'removed')[1]?.event).toBe('delete');
      expect(noticesOf(running.sink, namespace, 'kept')).toHaveLength(1);

      // The next resync's digest shows the live state as well.
      const digestsBefore = running.sink.digests.length;
      running.watcher.resync();
      await until('a fresh digest', () =>
        running.sink.digests.slice(digestsBefore).some((digest) => digest.kind === 'ExternalSecret'),
      );
      const digest = running.sink.digests.slice(digestsBefore).find((d) => d.kind === 'ExternalSecret')!;
      const ours = digest.objects
        .filter((o) => o.namespace === namespace)
        .map((o) => `${o.name}@${o.generation}`);
      expect(ours.sort()).toEqual(['born-during-outage@1', 'edited@2', 'kept@1']);
      const live = (await admin.custom.getNamespacedCustomObject({
        group,
        version,
        namespace,
        plural,
        name: 'edited',
      })) as Meta;
      expect(
        digest.objects.find((o) => o.namespace === namespace && o.name === 'edited')?.resourceVersion,
      ).toBe(live.metadata.resourceVersion);
      console.log(
        `[watcher] apiserver restart: ${running.metrics.watchRestarts.value({ kind: 'ExternalSecret', reason: 'error' })} ` +
          `failed reconnects, ${running.metrics.relists.value({ kind: 'ExternalSecret', reason: 'expired' })} relists on 410`,
      );
    } finally {
      if (!cluster.running) await cluster.start();
      await twin?.stop();
      rmSync(runDir, { recursive: true, force: true });
    }
  });
});
