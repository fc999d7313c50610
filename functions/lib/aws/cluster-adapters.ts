import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { KubeClusterClientFactory } from '../../../shared/adapters/kubernetes/index.js';
import type { ClusterAdapters } from '../compose.js';
import { oncePerContainer } from './configuration.js';
import { awsCoreAdapters } from './core-adapters.js';

/** Adds member-cluster access (ingest, api, reconcile-cluster); connections live across warm invocations. */
export const awsClusterAdapters = oncePerContainer(async (): Promise<ClusterAdapters> => {
  const core = await awsCoreAdapters();
  const clusters = new KubeClusterClientFactory({
    state: core.state,
    secretsManager: new SecretsManagerClient({ region: core.region }),
  });
  return { ...core, clusters };
});
