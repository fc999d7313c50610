/**
 * One pass's conversation with a cluster's API server. It counts what the pass asks (each port call
 * is one request; a LIST longer than one page counts once) and it fails fast: after the first
 * cluster-wide failure (unreachable, unauthorized) every later call fails the same way without
 * touching the network, so the objects still queued in the pass are marked with that one cause
 * instead of each waiting out its own timeout.
 */
import { type KubeVerb, RequestCounter } from '../lib/request-counter.js';
import type { ClusterClient } from '../ports/cluster-client.js';
import { isClusterWideFailure } from '../ports/cluster-client-errors.js';
import type { ApiserverCounts } from './types.js';

export class ClusterSession {
  readonly client: ClusterClient;
  /** The same counter the cluster adapter keeps of the wire; here one count per port call. */
  readonly #requests = new RequestCounter();
  #down: Error | undefined;

  constructor(inner: ClusterClient) {
    const call = <T>(verb: KubeVerb, resource: string, fn: () => Promise<T>) =>
      this.#call(verb, resource, fn);
    this.client = {
      clusterId: inner.clusterId,
      listManagedSecrets: (opts) => call('list', 'secrets', () => inner.listManagedSecrets(opts)),
      // A field-selector LIST, since the control plane has no get on Secrets.
      getSecretMeta: (ns, name, filter) =>
        call('list', 'secrets', () => inner.getSecretMeta(ns, name, filter)),
      applySecret: (secret, opts) => call('apply', 'secrets', () => inner.applySecret(secret, opts)),
      deleteSecret: (ns, name) => call('delete', 'secrets', () => inner.deleteSecret(ns, name)),
      getCustomObject: (kind, ns, name) => call('get', kind, () => inner.getCustomObject(kind, ns, name)),
      listCustomObjects: (kind, ns) => call('list', kind, () => inner.listCustomObjects(kind, ns)),
      patchExternalSecretStatus: (ns, name, status) =>
        call('patch', 'externalsecrets/status', () => inner.patchExternalSecretStatus(ns, name, status)),
      createEvent: (event) => call('create', 'events', () => inner.createEvent(event)),
      listNamespaces: () => call('list', 'namespaces', () => inner.listNamespaces()),
      reviewAccessRules: (ns) => call('create', 'selfsubjectrulesreviews', () => inner.reviewAccessRules(ns)),
      canI: (ns, need) => call('create', 'selfsubjectaccessreviews', () => inner.canI(ns, need)),
      serverVersion: () => call('get', 'version', () => inner.serverVersion()),
    };
  }

  /** The first cluster-wide failure of this pass, if any: the cluster is out of reach until the next pass. */
  get down(): Error | undefined {
    return this.#down;
  }

  counts(): ApiserverCounts {
    const { reads, writes, byAction } = this.#requests.snapshot();
    return { reads, writes, byAction };
  }

  async #call<T>(verb: KubeVerb, resource: string, fn: () => Promise<T>): Promise<T> {
    if (this.#down) throw this.#down;
    this.#requests.record(verb, resource);
    try {
      return await fn();
    } catch (error) {
      if (isClusterWideFailure(error)) this.#down ??= error;
      throw error;
    }
  }
}
