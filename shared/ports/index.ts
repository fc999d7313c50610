export * from './clock.js';
export type * from './cluster-client.js';
export * from './cluster-client-errors.js';
export * from './eks-clusters.js';
export type * from './invoker.js';
export type * from './secret-provider.js';
export type * from './state-store.js';
export * from './state-store-errors.js';
export type * from './watcher-keys.js';
