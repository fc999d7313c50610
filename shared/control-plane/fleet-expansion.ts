import { expandFleetExternalSecret, matchesLabelSelector, planReads } from '../domain/index.js';
import type { ClusterRecord, DesiredSnapshot, ObjectRef } from '../domain/records.js';
import type { FleetExternalSecret, SecretStore } from '../domain/schema.js';
import type { Clock } from '../ports/clock.js';
import type { ClusterClientFactory } from '../ports/cluster-client.js';
import type { StateStore } from '../ports/state-store.js';
import { toIndexRefs } from './index-refs.js';

export interface FleetExpansionDeps {
  state: StateStore;
  clusters: ClusterClientFactory;
  clock: Clock;
}

/**
 * Lands a FleetExternalSecret's units in one cluster's snapshots and removes the units it no
 * longer selects there. Returns the objects whose desired state changed (to reconcile).
 */
export async function expandFleetIntoCluster(
  deps: FleetExpansionDeps,
  fes: FleetExternalSecret,
  cluster: ClusterRecord,
  stores: Map<string, SecretStore>,
): Promise<{ changed: ObjectRef[]; removed: ObjectRef[] }> {
  const fesName = fleetSourceName(fes);
  const existing = (await deps.state.listSnapshots(cluster.clusterId)).filter(
    (s) => s.source.kind === 'FleetExternalSecret' && s.source.name === fesName,
  );
  const selected = matchesLabelSelector(fes.spec.clusterSelector ?? {}, cluster.labels);
  const units = selected
    ? expandFleetExternalSecret(
        fes,
        { clusterId: cluster.clusterId, labels: cluster.labels },
        await (await deps.clusters.forCluster(cluster.clusterId)).listNamespaces(),
      )
    : [];
  const changed: ObjectRef[] = [];
  const wanted = new Set<string>();
  for (const unit of units) {
    const ref: ObjectRef = { clusterId: cluster.clusterId, namespace: unit.namespace, name: unit.name };
    wanted.add(`${unit.namespace}/${unit.name}`);
    const snapshot: DesiredSnapshot = {
      ...ref,
      source: {
        kind: 'FleetExternalSecret',
        name: fesName,
        namespace: fes.metadata.namespace,
        uid: fes.metadata.uid,
        generation: fes.metadata.generation ?? 1,
      },
      spec: unit.spec,
      refs: toIndexRefs(planReads(unit.spec, {}).refs, stores),
      updatedAt: deps.clock.now().toISOString(),
    };
    if ((await deps.state.putSnapshot(snapshot)) === 'written') changed.push(ref);
  }
  const removed: ObjectRef[] = [];
  for (const snap of existing) {
    if (wanted.has(`${snap.namespace}/${snap.name}`)) continue;
    const ref = { clusterId: snap.clusterId, namespace: snap.namespace, name: snap.name };
    await deps.state.deleteSnapshot(ref);
    await deps.state.deleteStatus(ref);
    removed.push(ref);
  }
  return { changed, removed };
}

/** FleetExternalSecrets are namespaced in the control plane's own catalogue: "ns/name" identifies one. */
export function fleetSourceName(fes: FleetExternalSecret): string {
  return `${fes.metadata.namespace ?? 'default'}/${fes.metadata.name}`;
}
