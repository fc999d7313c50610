import { API_GROUP, API_VERSION } from '../shared/domain/schema.js';
import type { WatchedResource } from './kube/metadata-api.js';

/** The fleet-secrets kinds a cluster holds; central kinds (stores, FleetExternalSecret) never reach it. */
export const watchedResources: readonly WatchedResource[] = [
  {
    kind: 'ExternalSecret',
    group: API_GROUP,
    version: API_VERSION,
    plural: 'externalsecrets',
    namespaced: true,
  },
  {
    kind: 'ClusterExternalSecret',
    group: API_GROUP,
    version: API_VERSION,
    plural: 'clusterexternalsecrets',
    namespaced: false,
  },
];
