/**
 * Integration-test setup: the fleet-secrets CRDs on a test apiserver, and valid objects of both
 * kinds. Uses the generated CRDs in crds/ when they exist, otherwise a minimal stand-in with the
 * same names, scopes and status subresource (all the watcher depends on). The stand-in is only
 * ever applied to a test's private cluster, never to the clusters other suites share.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import {
  type ApiextensionsV1Api,
  loadAllYaml,
  type V1CustomResourceDefinition,
} from '@kubernetes/client-node';
import { API_GROUP, API_VERSION } from '../../shared/domain/schema.js';
import { watchedResources } from '../resources.js';

const crdsDir = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'crds');

function minimalCrd(kind: string, plural: string, namespaced: boolean): V1CustomResourceDefinition {
  return {
    apiVersion: 'apiextensions.k8s.io/v1',
    kind: 'CustomResourceDefinition',
    metadata: { name: `${plural}.${API_GROUP}` },
    spec: {
      group: API_GROUP,
      scope: namespaced ? 'Namespaced' : 'Cluster',
      names: { kind, plural, singular: kind.toLowerCase(), listKind: `${kind}List` },
      versions: [
        {
          name: API_VERSION,
          served: true,
          storage: true,
          subresources: { status: {} },
          schema: {
            openAPIV3Schema: {
              type: 'object',
              properties: {
                // client-node's model name for x-kubernetes-preserve-unknown-fields.
                spec: { type: 'object', x_kubernetes_preserve_unknown_fields: true },
                status: { type: 'object', x_kubernetes_preserve_unknown_fields: true },
              },
            },
          },
        },
      ],
    },
  };
}

/** The generated CRDs of the two watched kinds if crds/ has them, else the minimal stand-ins. */
export function fleetCrds(): { crds: V1CustomResourceDefinition[]; generated: boolean } {
  const wanted = new Set(watchedResources.map((resource) => `${resource.plural}.${API_GROUP}`));
  const found: V1CustomResourceDefinition[] = [];
  if (existsSync(crdsDir)) {
    for (const file of readdirSync(crdsDir).filter((name) => /\.ya?ml$/.test(name))) {
      // loadAllYaml maps JSON field names (x-kubernetes-*) onto client-node's model names, which
      // its serializer expects; plain YAML objects would lose those fields on the way out.
      const objects = loadAllYaml(
        readFileSync(join(crdsDir, file), 'utf8'),
      ) as Array<V1CustomResourceDefinition | null>;
      for (const object of objects) {
        if (object?.kind === 'CustomResourceDefinition' && wanted.has(object.metadata?.name ?? ''))
          found.push(object);
      }
    }
  }
  if (found.length === wanted.size) return { crds: found, generated: true };
  return {
    crds: watchedResources.map((resource) => minimalCrd(resource.kind, resource.plural, resource.namespaced)),
    generated: false,
  };
}

/** Creates the CRDs (an existing one is left as it is) and waits until both are served. */
export async function installFleetCrds(apiextensions: ApiextensionsV1Api): Promise<{ generated: boolean }> {
  const { crds, generated } = fleetCrds();
  for (const body of crds) {
    try {
      await apiextensions.createCustomResourceDefinition({ body });
    } catch (error) {
      if ((error as { code?: number }).code !== 409) throw error;
    }
  }
  const deadline = Date.now() + 60_000;
  for (const body of crds) {
    const name = body.metadata?.name ?? '';
    while (true) {
      const crd = await apiextensions.readCustomResourceDefinition({ name });
      if (crd.status?.conditions?.some((c) => c.type === 'Established' && c.status === 'True')) break;
      if (Date.now() > deadline) throw new Error(`CRD ${name} was not established within 60 s`);
      await sleep(100);
    }
  }
  return { generated };
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
