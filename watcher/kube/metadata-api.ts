/**
 * The slice of the Kubernetes API the watcher uses: paged LIST and WATCH of object metadata for one
 * resource across all namespaces. An interface so the watch loop is tested against an in-memory API
 * as well as real apiservers.
 */
import type { WatchedKind } from '../../shared/contracts/notice-batch.js';

export interface WatchedResource {
  kind: WatchedKind;
  group: string;
  version: string;
  /** Lower-case plural, as in the REST path and in RBAC rules. */
  plural: string;
  namespaced: boolean;
}

/** What the watcher keeps of an object: metadata only (PartialObjectMetadata), never spec or status. */
export interface ObjectMetadata {
  name: string;
  namespace?: string;
  uid: string;
  resourceVersion: string;
  generation?: number;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
}

export interface MetadataPage {
  items: ObjectMetadata[];
  /** The snapshot's resourceVersion: every page of one paged list reports the same one. */
  resourceVersion: string;
  /** Present when more pages follow. */
  continueToken?: string;
}

/** ERROR events are not delivered: they end the watch (see MetadataApi.watch). */
export interface WatchEvent {
  type: 'ADDED' | 'MODIFIED' | 'DELETED' | 'BOOKMARK';
  object: { metadata: ObjectMetadata };
}

export interface ListPageOptions {
  limit: number;
  continueToken?: string;
  signal?: AbortSignal;
}

export interface WatchOptions {
  resourceVersion: string;
  /** Asks the server to end the watch cleanly after this long. */
  timeoutSeconds: number;
  signal: AbortSignal;
}

export interface MetadataApi {
  /** One page of a list; throws ResourceExpiredError when the continue token has expired (410). */
  listPage(resource: WatchedResource, options: ListPageOptions): Promise<MetadataPage>;
  /**
   * Streams events to `onEvent` until the server ends the watch (resolves) or the connection fails
   * or the signal aborts (rejects, with the signal's reason). A 410 Gone, as an HTTP status or as an
   * ERROR event, rejects with ResourceExpiredError; other ERROR events with ApiServerError.
   */
  watch(
    resource: WatchedResource,
    options: WatchOptions,
    onEvent: (event: WatchEvent) => void,
  ): Promise<void>;
}

export function resourcePath(resource: WatchedResource): string {
  return `/apis/${resource.group}/${resource.version}/${resource.plural}`;
}
