export { ClusterSession } from './cluster-session.js';
export * from './errors.js';
export { ProviderReader, type ProviderReaderStats } from './provider-reader.js';
export { reconcileCluster } from './reconcile-cluster.js';
export { ReadyReason } from './status-report.js';
export type * from './types.js';
