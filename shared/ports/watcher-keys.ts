/** The key a cluster's watcher signs its batches with (shared/domain/notice-signature.ts). */
export interface WatcherKeySource {
  /** Undefined when the cluster has no watcher key: its batches are refused. */
  keyOf(clusterId: string): Promise<Uint8Array | undefined>;
}
