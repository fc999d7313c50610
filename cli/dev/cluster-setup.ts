/**
 * What a cluster needs before dev mode can sync into it: the fleet-secrets CRDs (created, or
 * replaced when the schema moved on), served before anything is created.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { ApiextensionsV1Api, KubeConfig, type V1CustomResourceDefinition } from '@kubernetes/client-node';
import { buildCrds } from '../../shared/domain/crds.js';

export function kubeConfigFrom(path: string, context?: string): KubeConfig {
  const kc = new KubeConfig();
  kc.loadFromFile(path);
  if (context) kc.setCurrentContext(context);
  return kc;
}

export async function installCrds(kc: KubeConfig): Promise<void> {
  const api = kc.makeApiClient(ApiextensionsV1Api);
  const crds = buildCrds() as unknown as V1CustomResourceDefinition[];
  for (const body of crds) {
    const name = body.metadata?.name ?? '';
    try {
      await api.createCustomResourceDefinition({ body });
    } catch (error) {
      if ((error as { code?: number }).code !== 409) throw error;
      const current = await api.readCustomResourceDefinition({ name });
      await api.replaceCustomResourceDefinition({
        name,
        body: { ...body, metadata: { ...body.metadata, resourceVersion: current.metadata?.resourceVersion } },
      });
    }
  }
  const deadline = Date.now() + 60_000;
  for (const body of crds) {
    const name = body.metadata?.name ?? '';
    for (;;) {
      const crd = await api.readCustomResourceDefinition({ name });
      if (crd.status?.conditions?.some((c) => c.type === 'Established' && c.status === 'True')) break;
      if (Date.now() > deadline) throw new Error(`CRD ${name} was not established within 60 s`);
      await sleep(200);
    }
  }
}
