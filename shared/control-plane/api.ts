import {
  type ClusterAuthType,
  isUnderClusterCredentialPath,
  validateClusterAuth,
} from '../domain/cluster-auth.js';
import {
  CLUSTER_CREDENTIALS_PREFIX,
  CONTROL_PLANE_INTERNAL_PREFIX,
  globNamesInternalPrefix,
  validateFleetExternalSecret,
  validateSecretStore,
} from '../domain/index.js';
import type { ClusterAuth, ClusterRecord, ObjectRef, SyncStatus } from '../domain/records.js';
import type { SecretStore } from '../domain/schema.js';
import type { Clock } from '../ports/clock.js';
import type { ClusterClientFactory } from '../ports/cluster-client.js';
import { type EksClusterDirectory, EksClusterLookupError } from '../ports/eks-clusters.js';
import type { Invoker } from '../ports/invoker.js';
import type { StateStore } from '../ports/state-store.js';
import { InvalidRequestError, RegistrationRejectedError, UnknownClusterError } from './errors.js';
import { expandFleetIntoCluster, fleetSourceName } from './fleet-expansion.js';
import { groupByCluster } from './group-by-cluster.js';
import { awsIndexPartition, toIndexRef } from './index-refs.js';
import { absentAccess, describeAbsentAccess } from './required-access.js';

export interface ApiDeps {
  state: StateStore;
  clusters: ClusterClientFactory;
  invoker: Invoker;
  clock: Clock;
  /** Where EKS clusters are; without it, EKS registrations are refused. */
  eks?: EksClusterDirectory;
  /** Token secrets must be under `<prefix><clusterId>/`. Default: fleet-secrets-internal/clusters/. */
  clusterCredentialPrefix?: string;
  /** Auth types this deployment serves (the Lambda: eks and token; dev mode: all). */
  authTypes?: readonly ClusterAuthType[];
  /** Shortest non-zero refreshInterval accepted. Default: DEFAULT_MIN_REFRESH_INTERVAL_MS. */
  minRefreshIntervalMs?: number;
}

export interface RegisterClusterInput {
  clusterId: string;
  /** Required for token and kubeconfig auth; refused for eks (EKS says where its clusters are). */
  endpoint?: string;
  caData?: string;
  auth: ClusterAuth;
  labels?: Record<string, string>;
  namespaces?: string[];
}

export interface RegistrationReport {
  clusterId: string;
  reachable: boolean;
  serverVersion?: string;
  missing: string[];
  accepted: boolean;
  fleetObjects: number;
}

const DNS_LABEL = /^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/;
const LABEL_KEY = /^([a-z0-9]([-a-z0-9.]{0,251}[a-z0-9])?\/)?[A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?$/;
const LABEL_VALUE = /^(([A-Za-z0-9][-A-Za-z0-9_.]{0,61})?[A-Za-z0-9])?$/;

export function validateRegistration(
  input: RegisterClusterInput,
  options: Pick<ApiDeps, 'authTypes' | 'clusterCredentialPrefix'> = {},
): void {
  if (!DNS_LABEL.test(input.clusterId)) {
    throw new InvalidRequestError(
      'clusterId',
      `"${input.clusterId}" must be a DNS label (a-z, 0-9, -; at most 63)`,
    );
  }
  const auth = validateClusterAuth(input.auth, options.authTypes);
  if (!auth.ok) throw new InvalidRequestError(auth.issue.field, auth.issue.message);
  if (auth.value.type === 'eks') {
    // The control plane sends a token valid for this EKS cluster to the endpoint: only EKS may name it.
    for (const field of ['endpoint', 'caData'] as const) {
      if (input[field] !== undefined) {
        throw new InvalidRequestError(
          field,
          'must not be given for auth type eks: the control plane reads it from EKS DescribeCluster',
        );
      }
    }
  } else {
    validateEndpoint(input.endpoint);
  }
  if (auth.value.type === 'token') {
    const prefix = options.clusterCredentialPrefix ?? CLUSTER_CREDENTIALS_PREFIX;
    if (!isUnderClusterCredentialPath(auth.value.secretId, prefix, input.clusterId)) {
      throw new InvalidRequestError(
        'auth.secretId',
        `must name a secret under ${prefix}${input.clusterId}/ (this cluster's own credential path)`,
      );
    }
  }
  for (const [k, v] of Object.entries(input.labels ?? {})) {
    if (!LABEL_KEY.test(k)) throw new InvalidRequestError(`labels.${k}`, 'is not a valid label key');
    if (!LABEL_VALUE.test(v))
      throw new InvalidRequestError(`labels.${k}`, `value "${v}" is not a valid label value`);
  }
  for (const [i, ns] of (input.namespaces ?? []).entries()) {
    if (!DNS_LABEL.test(ns))
      throw new InvalidRequestError(`namespaces[${i}]`, `"${ns}" is not a namespace name`);
  }
}

function validateEndpoint(endpoint: string | undefined): void {
  if (endpoint === undefined) throw new InvalidRequestError('endpoint', 'required: an https:// URL');
  let url: URL;
  try {
    url = new URL(endpoint);
  } catch {
    throw new InvalidRequestError('endpoint', `"${endpoint}" is not a URL`);
  }
  if (url.protocol !== 'https:') throw new InvalidRequestError('endpoint', 'must be an https:// URL');
}

/** Endpoint and CA of the registration: EKS's own answer for eks auth, the caller's otherwise. */
async function locate(
  deps: ApiDeps,
  input: RegisterClusterInput,
): Promise<{ endpoint: string; caData?: string }> {
  if (input.auth.type !== 'eks') {
    return { endpoint: input.endpoint ?? '', ...(input.caData ? { caData: input.caData } : {}) };
  }
  if (!deps.eks) throw new InvalidRequestError('auth.type', 'eks clusters cannot be registered here');
  try {
    return await deps.eks.describe(input.auth.clusterName, input.auth.region);
  } catch (error) {
    if (error instanceof EksClusterLookupError) {
      throw new RegistrationRejectedError(input.clusterId, [error.message]);
    }
    throw error;
  }
}

/**
 * Checks reachability and RBAC with the control plane's own identity before a cluster is
 * accepted, so a bad registration is refused with reasons instead of failing at every sweep.
 */
export async function registerCluster(
  deps: ApiDeps,
  input: RegisterClusterInput,
): Promise<RegistrationReport> {
  validateRegistration(input, deps);
  const location = await locate(deps, input);
  const now = deps.clock.now().toISOString();
  const previous = await deps.state.getCluster(input.clusterId);
  const record: ClusterRecord = {
    clusterId: input.clusterId,
    endpoint: location.endpoint,
    caData: location.caData,
    auth: input.auth,
    labels: input.labels ?? {},
    namespaces: input.namespaces,
    createdAt: previous?.createdAt ?? now,
    updatedAt: now,
  };
  const client = await deps.clusters.forRecord(record);
  let serverVersion: string;
  try {
    serverVersion = await client.serverVersion();
  } catch (error) {
    throw new RegistrationRejectedError(input.clusterId, [`unreachable: ${(error as Error).message}`]);
  }
  const namespaces = input.namespaces?.length ? input.namespaces : ['default'];
  const missing = new Set<string>();
  for (const ns of namespaces) {
    const review = await client.reviewAccessRules(ns);
    let absent = absentAccess(review.rules);
    // Rights that come from outside RBAC (EKS access policies, webhooks) are not listed by the
    // rules review, which says so: ask for each missing one instead of refusing on a partial list.
    if (review.incomplete && absent.length > 0) {
      const confirmed = await Promise.all(absent.map((need) => client.canI(ns, need)));
      absent = absent.filter((_, i) => !confirmed[i]);
    }
    for (const m of describeAbsentAccess(absent)) {
      missing.add(input.namespaces?.length ? `in namespace ${ns}: ${m}` : m);
    }
  }
  if (missing.size > 0) throw new RegistrationRejectedError(input.clusterId, [...missing]);

  record.health = { state: 'Healthy', checkedAt: now };
  await deps.state.putCluster(record);

  // Fleet-wide definitions land in a newly registered cluster at once.
  const stores = await storesByName(deps.state);
  const changed: ObjectRef[] = [];
  for (const fes of await deps.state.listFleetExternalSecrets()) {
    changed.push(...(await expandFleetIntoCluster(deps, fes, record, stores)).changed);
  }
  if (changed.length > 0) await invokePerCluster(deps, changed, 'api');
  return {
    clusterId: input.clusterId,
    reachable: true,
    serverVersion,
    missing: [],
    accepted: true,
    fleetObjects: changed.length,
  };
}

export async function removeCluster(deps: ApiDeps, clusterId: string): Promise<{ snapshots: number }> {
  if (!(await deps.state.getCluster(clusterId))) throw new UnknownClusterError(clusterId);
  const snapshots = await deps.state.listSnapshots(clusterId);
  for (const s of snapshots) {
    await deps.state.deleteSnapshot(s);
    await deps.state.deleteStatus(s);
  }
  await deps.state.deleteCluster(clusterId);
  return { snapshots: snapshots.length };
}

export async function putStore(deps: ApiDeps, manifest: unknown): Promise<SecretStore> {
  const validated = validateSecretStore(manifest);
  if (!validated.ok) throw InvalidRequestError.fromIssues('SecretStore', validated.issues);
  refuseInternalKeyGlobs(validated.value);
  await deps.state.putStore(validated.value);
  return validated.value;
}

/**
 * A policy that names the control plane's own prefix is refused outright: reads there are denied
 * anyway (checkAccess), so such a store could only ever fail, and it signals a mistake.
 */
function refuseInternalKeyGlobs(store: SecretStore): void {
  const keys = store.spec.accessPolicy?.keys ?? [];
  const issues = keys.flatMap((glob, i) =>
    globNamesInternalPrefix(glob)
      ? [
          `spec.accessPolicy.keys[${i}]: "${glob}" overlaps "${CONTROL_PLANE_INTERNAL_PREFIX}", reserved for the control plane's own secrets`,
        ]
      : [],
  );
  if (issues.length > 0) {
    throw new InvalidRequestError(
      issues[0]!.split(':', 1)[0]!,
      `store "${store.metadata.name}" may not allow keys under ${CONTROL_PLANE_INTERNAL_PREFIX}`,
      issues,
    );
  }
}

export async function applyFleetExternalSecret(
  deps: ApiDeps,
  manifest: unknown,
): Promise<{
  name: string;
  generation: number;
  clusters: Array<{ clusterId: string; objects: number; removed: number }>;
}> {
  const validated = validateFleetExternalSecret(
    manifest,
    deps.minRefreshIntervalMs === undefined ? {} : { minRefreshIntervalMs: deps.minRefreshIntervalMs },
  );
  if (!validated.ok) throw InvalidRequestError.fromIssues('FleetExternalSecret', validated.issues);
  const fes = validated.value;
  const namespace = fes.metadata.namespace ?? 'default';
  const previous = await deps.state.getFleetExternalSecret(namespace, fes.metadata.name);
  // The catalogue is ours, not a cluster's: generation counts spec changes so stale writes lose.
  const unchanged = previous && JSON.stringify(previous.spec) === JSON.stringify(fes.spec);
  const generation = unchanged
    ? (previous.metadata.generation ?? 1)
    : (previous?.metadata.generation ?? 0) + 1;
  const stored = { ...fes, metadata: { ...fes.metadata, namespace, generation } };
  await deps.state.putFleetExternalSecret(stored);

  const stores = await storesByName(deps.state);
  const summary: Array<{ clusterId: string; objects: number; removed: number }> = [];
  const changed: ObjectRef[] = [];
  for (const cluster of await deps.state.listClusters()) {
    const result = await expandFleetIntoCluster(deps, stored, cluster, stores);
    changed.push(...result.changed);
    if (result.changed.length || result.removed.length) {
      summary.push({
        clusterId: cluster.clusterId,
        objects: result.changed.length,
        removed: result.removed.length,
      });
    }
  }
  await invokePerCluster(deps, changed, 'api');
  return { name: fleetSourceName(stored), generation, clusters: summary };
}

export async function deleteFleetExternalSecret(
  deps: ApiDeps,
  namespace: string,
  name: string,
): Promise<{ removed: number }> {
  const fes = await deps.state.getFleetExternalSecret(namespace, name);
  if (!fes)
    throw new InvalidRequestError('metadata.name', `FleetExternalSecret ${namespace}/${name} does not exist`);
  const source = fleetSourceName(fes);
  let removed = 0;
  for (const cluster of await deps.state.listClusters()) {
    for (const s of await deps.state.listSnapshots(cluster.clusterId)) {
      if (s.source.kind !== 'FleetExternalSecret' || s.source.name !== source) continue;
      await deps.state.deleteSnapshot(s);
      await deps.state.deleteStatus(s);
      removed++;
    }
  }
  await deps.state.deleteFleetExternalSecret(namespace, name);
  return { removed };
}

export type SyncTarget =
  | { clusterId: string; namespace?: string; name?: string }
  | { secret: string; region: string }
  /** A key of a named store (any provider): found through the same reverse index as rotations. */
  | { secret: string; store: string };

export interface SyncResult {
  clusters: string[];
  objects: number;
  /** Objects queued per cluster, so a caller can tell when each cluster's results have landed. */
  perCluster: Record<string, number>;
}

/**
 * Force a reconcile now: one object, every object of a cluster, or every dependent of a secret.
 * Objects are always named, so each one is re-read and re-rendered, not only the ones due.
 */
export async function forceSync(deps: ApiDeps, target: SyncTarget): Promise<SyncResult> {
  let refs: ObjectRef[];
  if ('secret' in target) {
    let index: { storeName: string; key: string };
    if ('store' in target) {
      const store = await deps.state.getStore(target.store);
      if (!store) throw new InvalidRequestError('store', `store "${target.store}" does not exist`);
      index = toIndexRef({ storeName: target.store, key: target.secret }, store);
    } else {
      index = { storeName: awsIndexPartition(target.region), key: target.secret };
    }
    refs = await deps.state.findDependents(index.storeName, index.key);
  } else {
    if (!(await deps.state.getCluster(target.clusterId))) throw new UnknownClusterError(target.clusterId);
    if (target.namespace && target.name) {
      const ref = { clusterId: target.clusterId, namespace: target.namespace, name: target.name };
      if (!(await deps.state.getSnapshot(ref))) {
        throw new InvalidRequestError(
          'target',
          `${target.clusterId}/${target.namespace}/${target.name} is not known`,
        );
      }
      refs = [ref];
    } else {
      refs = (await deps.state.listSnapshots(target.clusterId)).map((s) => ({
        clusterId: s.clusterId,
        namespace: s.namespace,
        name: s.name,
      }));
    }
  }
  await invokePerCluster(deps, refs, 'api');
  const perCluster: Record<string, number> = {};
  for (const ref of refs) perCluster[ref.clusterId] = (perCluster[ref.clusterId] ?? 0) + 1;
  return { clusters: Object.keys(perCluster).sort(), objects: refs.length, perCluster };
}

export interface StatusRow {
  clusterId: string;
  namespace: string;
  name: string;
  source: string;
  ready: SyncStatus['ready'];
  reason: string;
  message?: string;
  syncedVersions?: Record<string, string>;
  lastSyncAt?: string;
  /** Moves on every pass that handled the object, synced or not: how `sync` sees a result land. */
  lastAttemptAt?: string;
  nextRefreshAt?: string;
}

/** Every known object with its status, per cluster; objects never reconciled show Unknown. */
export async function fleetStatus(
  deps: ApiDeps,
  filter: { clusterId?: string; namespace?: string },
): Promise<StatusRow[]> {
  const clusters = filter.clusterId
    ? [await deps.state.getCluster(filter.clusterId)].filter((c): c is ClusterRecord => c !== undefined)
    : await deps.state.listClusters();
  if (filter.clusterId && clusters.length === 0) throw new UnknownClusterError(filter.clusterId);
  const rows: StatusRow[] = [];
  for (const cluster of clusters) {
    const [snapshots, statuses] = await Promise.all([
      deps.state.listSnapshots(cluster.clusterId),
      deps.state.listStatuses(cluster.clusterId),
    ]);
    const byKey = new Map(statuses.map((s) => [`${s.namespace}/${s.name}`, s] as const));
    for (const snap of snapshots) {
      if (filter.namespace && snap.namespace !== filter.namespace) continue;
      const st = byKey.get(`${snap.namespace}/${snap.name}`);
      rows.push({
        clusterId: cluster.clusterId,
        namespace: snap.namespace,
        name: snap.name,
        source: `${snap.source.kind}/${snap.source.name}`,
        ready: st?.ready ?? 'Unknown',
        reason:
          st?.reason ??
          (cluster.health?.state === 'Healthy' ? 'Pending' : (cluster.health?.state ?? 'Pending')),
        message: st?.message,
        syncedVersions: st?.syncedVersions,
        lastSyncAt: st?.lastSyncAt,
        lastAttemptAt: st?.lastAttemptAt,
        nextRefreshAt: st?.nextRefreshAt,
      });
    }
  }
  return rows.sort((a, b) =>
    `${a.clusterId}/${a.namespace}/${a.name}`.localeCompare(`${b.clusterId}/${b.namespace}/${b.name}`),
  );
}

async function storesByName(state: StateStore): Promise<Map<string, SecretStore>> {
  return new Map((await state.listStores()).map((s) => [s.metadata.name, s] as const));
}

async function invokePerCluster(deps: ApiDeps, refs: ObjectRef[], reason: 'api'): Promise<void> {
  for (const [clusterId, objects] of groupByCluster(refs)) {
    await deps.invoker.invokeAsync('reconcile-cluster', {
      clusterId,
      scope: { kind: 'objects', objects },
      reason,
    });
  }
}
