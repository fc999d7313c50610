import { matchesLabelSelector } from './label-selector.js';
import type {
  ClusterExternalSecret,
  ExternalSecretSpec,
  FleetExternalSecret,
  LabelSelector,
} from './schema.js';

export interface NamespaceInfo {
  name: string;
  labels: Record<string, string>;
}

/** One desired ExternalSecret a ClusterExternalSecret or FleetExternalSecret stands for. */
export interface ExpandedObject {
  namespace: string;
  name: string;
  spec: ExternalSecretSpec;
}

/**
 * The ExternalSecrets a ClusterExternalSecret stands for in the namespaces that exist: those named
 * in `namespaces` or matching any selector. Only desire is expanded here; whether each namespace
 * may read what the spec asks is still checked per object at reconcile time.
 */
export function expandClusterExternalSecret(
  ces: ClusterExternalSecret,
  namespaces: NamespaceInfo[],
): ExpandedObject[] {
  const { spec } = ces;
  const selectors = [
    ...(spec.namespaceSelectors ?? []),
    ...(spec.namespaceSelector ? [spec.namespaceSelector] : []),
  ];
  return expand(
    namespaces,
    spec.namespaces,
    selectors,
    spec.externalSecretName ?? ces.metadata.name,
    spec.externalSecretSpec,
  );
}

/** The same for a FleetExternalSecret in one cluster: nothing when the cluster is not selected. */
export function expandFleetExternalSecret(
  fes: FleetExternalSecret,
  cluster: { clusterId: string; labels: Record<string, string> },
  namespaces: NamespaceInfo[],
): ExpandedObject[] {
  const { spec } = fes;
  if (spec.clusterSelector && !matchesLabelSelector(spec.clusterSelector, cluster.labels)) return [];
  return expand(
    namespaces,
    spec.namespaces,
    spec.namespaceSelector ? [spec.namespaceSelector] : [],
    spec.externalSecretName ?? fes.metadata.name,
    spec.externalSecretSpec,
  );
}

function expand(
  namespaces: NamespaceInfo[],
  names: string[] | undefined,
  selectors: LabelSelector[],
  name: string,
  spec: ExternalSecretSpec,
): ExpandedObject[] {
  const named = new Set(names ?? []);
  const seen = new Set<string>();
  const out: ExpandedObject[] = [];
  for (const ns of [...namespaces].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))) {
    if (seen.has(ns.name)) continue;
    if (named.has(ns.name) || selectors.some((s) => matchesLabelSelector(s, ns.labels))) {
      seen.add(ns.name);
      out.push({ namespace: ns.name, name, spec: structuredClone(spec) });
    }
  }
  return out;
}
