/**
 * Kubernetes access for integration tests: a KubeConfig and typed clients per cluster and
 * identity, names unique across parallel test files, and private clusters for tests that stop or
 * restart an apiserver (the shared ones must stay up for every other file).
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  ApiextensionsV1Api,
  CoreV1Api,
  CustomObjectsApi,
  KubeConfig,
  RbacAuthorizationV1Api,
  Watch,
} from '@kubernetes/client-node';
import { type KubeApiserver, startApiserver } from '../peers/kube.js';
import type { KubeClusterEndpoint } from '../peers/types.js';
import { loadPeers } from './peers.js';

/** admin is in system:masters; limited has no groups, so only RoleBindings a test applies empower it. */
export type KubeIdentity = 'admin' | 'limited';

/** The shared clusters of this run, cluster-1 first. */
export function kubeClusters(): KubeClusterEndpoint[] {
  return loadPeers().kube.clusters;
}

/** One shared cluster by position (0 = cluster-1); throws when the run started fewer. */
export function kubeCluster(index = 0): KubeClusterEndpoint {
  const clusters = kubeClusters();
  const cluster = clusters[index];
  if (!cluster) {
    throw new Error(`the run started ${clusters.length} kube cluster(s); there is no cluster index ${index}`);
  }
  return cluster;
}

/** Loads the identity's kubeconfig file the harness wrote, so the files themselves stay tested. */
export function kubeConfigFor(cluster: KubeClusterEndpoint, identity: KubeIdentity = 'admin'): KubeConfig {
  const kc = new KubeConfig();
  kc.loadFromFile(identity === 'admin' ? cluster.adminKubeconfig : cluster.limitedKubeconfig);
  return kc;
}

export interface KubeClients {
  kc: KubeConfig;
  core: CoreV1Api;
  rbac: RbacAuthorizationV1Api;
  apiextensions: ApiextensionsV1Api;
  custom: CustomObjectsApi;
  watch: Watch;
}

export function kubeClientsFor(cluster: KubeClusterEndpoint, identity: KubeIdentity = 'admin'): KubeClients {
  const kc = kubeConfigFor(cluster, identity);
  return {
    kc,
    core: kc.makeApiClient(CoreV1Api),
    rbac: kc.makeApiClient(RbacAuthorizationV1Api),
    apiextensions: kc.makeApiClient(ApiextensionsV1Api),
    custom: kc.makeApiClient(CustomObjectsApi),
    watch: new Watch(kc),
  };
}

/** A DNS-1123 name that no other test file of this run (nor a parallel run) uses. */
export function uniqueName(prefix: string): string {
  return `${prefix}-${randomBytes(4).toString('hex')}`;
}

/** A cluster owned by one test. stop/start/restart keep its port, certificate and tokens. */
export interface PrivateCluster extends KubeApiserver {
  /** Stops the apiserver for good and removes its folder; call it in afterAll. */
  dispose(): Promise<void>;
}

/**
 * Starts one more kube-apiserver on the run's etcd under a fresh prefix: a separate, empty
 * cluster that the calling test may stop or restart (reconcile runs against a vanished cluster,
 * a watcher surviving an apiserver restart) without disturbing the shared clusters.
 */
export async function startPrivateCluster(name = uniqueName('private')): Promise<PrivateCluster> {
  // On a startup failure the folder stays: the error names the log inside it.
  const runDir = mkdtempSync(join(tmpdir(), 'fleet-secrets-private-cluster-'));
  const apiserver = await startApiserver({ name, etcdUrl: loadPeers().kube.etcdUrl, runDir });
  return {
    name: apiserver.name,
    logFile: apiserver.logFile,
    endpoint: apiserver.endpoint,
    get running() {
      return apiserver.running;
    },
    start: () => apiserver.start(),
    stop: () => apiserver.stop(),
    restart: () => apiserver.restart(),
    dispose: async () => {
      await apiserver.stop();
      rmSync(runDir, { recursive: true, force: true });
    },
  };
}
