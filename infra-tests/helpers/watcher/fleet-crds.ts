/**
 * Integration-test setup: the generated fleet-secrets CRDs (shared/domain/crds.ts, the same source
 * as crds/*.yaml) on a test apiserver, and valid objects of both kinds.
 */
import { readFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { type ApiextensionsV1Api, loadYaml, type V1CustomResourceDefinition } from '@kubernetes/client-node';
import { buildCrdFiles, buildCrds } from '../../../shared/domain/crds.js';
import { API_GROUP, API_VERSION } from '../../../shared/domain/schema.js';
import type { ManifestObject } from '../../../watcher/install-manifests.js';
import type { KubeClusterEndpoint } from '../../peers/types.js';
import { rawCreate } from './raw-kube.js';

/**
 * Creates the CRDs (one that exists already is left alone) and waits until both are served. Posted
 * as raw JSON: client-node's typed client would drop the x-kubernetes-* keys of the schema.
 */
export async function installFleetCrds(
  endpoint: KubeClusterEndpoint,
  apiextensions: ApiextensionsV1Api,
): Promise<void> {
  const crds = buildCrds() as unknown as ManifestObject[];
  for (const crd of crds) {
    const response = await rawCreate(endpoint, crd);
    if (response.status !== 201 && response.status !== 409) {
      throw new Error(
        `creating CRD ${crd.metadata.name} failed (${response.status}): ${response.body.message}`,
      );
    }
  }
  const deadline = Date.now() + 60_000;
  for (const crd of crds) {
    const name = crd.metadata.name;
    while (true) {
      const live = await apiextensions.readCustomResourceDefinition({ name });
      if (live.status?.conditions?.some((c) => c.type === 'Established' && c.status === 'True')) break;
      if (Date.now() > deadline) throw new Error(`CRD ${name} was not established within 60 s`);
      await sleep(100);
    }
  }
}

/**
 * @deprecated Kept for infra-tests/helpers/reconcile-fixture.ts, which adopted it before buildCrds()
 * landed; prefer buildCrds(). The CRDs in client-node's model form (via its YAML loader, so the
 * x-kubernetes-* keys survive its serializer).
 */
export function fleetCrds(): { crds: V1CustomResourceDefinition[]; generated: true } {
  const crdsDir = new URL('../../../crds/', import.meta.url);
  return {
    crds: buildCrdFiles().map(({ fileName }) =>
      loadYaml<V1CustomResourceDefinition>(readFileSync(new URL(fileName, crdsDir), 'utf8')),
    ),
    generated: true,
  };
}

/** A valid ExternalSecret; `revision` changes the spec, so each value is a new generation. */
export function externalSecret(namespace: string, name: string, revision = 1) {
  return {
    apiVersion: `${API_GROUP}/${API_VERSION}`,
    kind: 'ExternalSecret',
    metadata: { name, namespace },
    spec: {
      secretStoreRef: { name: 'aws-main' },
      refreshInterval: `${revision}m`,
      data: [{ secretKey: 'password', remoteRef: { key: 'db/password' } }],
    },
  };
}

export function clusterExternalSecret(name: string, namespaces: string[]) {
  return {
    apiVersion: `${API_GROUP}/${API_VERSION}`,
    kind: 'ClusterExternalSecret',
    metadata: { name },
    spec: {
      namespaces,
      externalSecretSpec: {
        secretStoreRef: { name: 'aws-main' },
        data: [{ secretKey: 'token', remoteRef: { key: 'shared/token' } }],
      },
    },
  };
}
