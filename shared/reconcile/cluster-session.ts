/**
 * One pass's conversation with a cluster's API server. It counts what the pass asks (each port call
 * is one request; a LIST longer than one page counts once) and it fails fast: after the first
 * cluster-wide failure (unreachable, unauthorized) every later call fails the same way without
 * touching the network, so the objects still queued in the pass are marked with that one cause
 * instead of each waiting out its own timeout.
 */
import type { ClusterClient } from '../ports/cluster-client.js';
import { isClusterWideFailure } from '../ports/cluster-client-errors.js';
import type { ApiserverCounts } from './types.js';

type Kind = 'read' | 'write';

export class ClusterSession {
  readonly client: ClusterClient;
  readonly #byAction = new Map<string, number>();
  #reads = 0;
  #writes = 0;
  #down: Error | undefined;

  constructor(inner: ClusterClient) {
    const call = <T>(kind: Kind, action: string, fn: () => Promise<T>) => this.#call(kind, action, fn);
    this.client = {
      clusterId: inner.clusterId,
      listManagedSecrets: (opts) => call('read', 'list secrets', () => inner.listManagedSecrets(opts)),
      getSecretMeta: (ns, name) => call('read', 'list secrets', () => inner.getSecretMeta(ns, name)),
      applySecret: (secret, opts) => call('write', 'apply secrets', () => inner.applySecret(secret, opts)),
      deleteSecret: (ns, name) => call('write', 'delete secrets', () => inner.deleteSecret(ns, name)),
      getCustomObject: (kind, ns, name) =>
        call('read', `get ${kind}`, () => inner.getCustomObject(kind, ns, name)),
      listCustomObjects: (kind, ns) => call('read', `list ${kind}`, () => inner.listCustomObjects(kind, ns)),
      patchExternalSecretStatus: (ns, name, status) =>
        call('write', 'patch externalsecrets/status', () =>
          inner.patchExternalSecretStatus(ns, name, status),
        ),
      createEvent: (event) => call('write', 'create events', () => inner.createEvent(event)),
      listNamespaces: () => call('read', 'list namespaces', () => inner.listNamespaces()),
      reviewAccessRules: (ns) =>
        call('write', 'create selfsubjectrulesreviews', () => inner.reviewAccessRules(ns)),
      serverVersion: () => call('read', 'get version', () => inner.serverVersion()),
    };
  }

  /** The first cluster-wide failure of this pass, if any: the cluster is out of reach until the next pass. */
  get down(): Error | undefined {
    return this.#down;
  }

  counts(): ApiserverCounts {
    return {
      reads: this.#reads,
      writes: this.#writes,
      byAction: Object.fromEntries([...this.#byAction.entries()].sort(([a], [b]) => a.localeCompare(b))),
    };
  }

  async #call<T>(kind: Kind, action: string, fn: () => Promise<T>): Promise<T> {
    if (this.#down) throw this.#down;
    this.#byAction.set(action, (this.#byAction.get(action) ?? 0) + 1);
    if (kind === 'read') this.#reads++;
    else this.#writes++;
    try {
      return await fn();
    } catch (error) {
      if (isClusterWideFailure(error)) this.#down ??= error;
      throw error;
    }
  }
}
