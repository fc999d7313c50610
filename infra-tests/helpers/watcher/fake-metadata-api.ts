/**
 * An in-memory apiserver for unit tests of the watch loop: one global resourceVersion counter like
 * etcd's revision, an event history that can be compacted (watches from before it get 410 Gone),
 * consistent paged lists, and switches to fail, cut or silence connections.
 */
import { ResourceExpiredError } from '../../../watcher/errors.js';
import type {
  ListPageOptions,
  MetadataApi,
  MetadataPage,
  ObjectMetadata,
  WatchEvent,
  WatchedResource,
  WatchOptions,
} from '../../../watcher/kube/metadata-api.js';

interface HistoryEvent {
  revision: number;
  plural: string;
  type: 'ADDED' | 'MODIFIED' | 'DELETED';
  metadata: ObjectMetadata;
}

interface OpenWatch {
  plural: string;
  onEvent: (event: WatchEvent) => void;
  end: (error?: unknown) => void;
}

export class FakeMetadataApi implements MetadataApi {
  revision = 100;
  readonly objects = new Map<string, Map<string, ObjectMetadata>>();
  readonly history: HistoryEvent[] = [];
  /** Watches from a resourceVersion below this get 410 Gone. */
  compactedRevision = 0;
  listCalls = 0;
  /** The resourceVersion each watch asked to start from, in order. */
  readonly watchStarts: string[] = [];
  #watches = new Set<OpenWatch>();
  #snapshots = new Map<string, ObjectMetadata[]>();
  #failures: Array<{ on: 'list' | 'watch'; error: Error }> = [];
  /** When true, new watches connect but never send anything nor end. */
  silent = false;
  #uid = 0;

  get openWatches(): number {
    return this.#watches.size;
  }

  #store(plural: string): Map<string, ObjectMetadata> {
    let store = this.objects.get(plural);
    if (!store) {
      store = new Map();
      this.objects.set(plural, store);
    }
    return store;
  }

  #record(plural: string, type: HistoryEvent['type'], metadata: ObjectMetadata): void {
    this.history.push({ revision: this.revision, plural, type, metadata });
    for (const watch of this.#watches) {
      if (watch.plural === plural && !this.silent) watch.onEvent({ type, object: { metadata } });
    }
  }

  create(
    plural: string,
    name: string,
    namespace?: string,
    extra: Partial<ObjectMetadata> = {},
  ): ObjectMetadata {
    this.revision++;
    const metadata: ObjectMetadata = {
      name,
      ...(namespace ? { namespace } : {}),
      uid: `uid-${++this.#uid}`,
      resourceVersion: String(this.revision),
      generation: 1,
      ...extra,
    };
    this.#store(plural).set(key(name, namespace), metadata);
    this.#record(plural, 'ADDED', metadata);
    return metadata;
  }

  /** A spec change: bumps generation. `status` only bumps resourceVersion, like a status write. */
  update(
    plural: string,
    name: string,
    namespace: string | undefined,
    change: 'spec' | 'status' | { labels: Record<string, string> } = 'spec',
  ): ObjectMetadata {
    const store = this.#store(plural);
    const current = store.get(key(name, namespace));
    if (!current) throw new Error(`fake: no ${plural} ${key(name, namespace)}`);
    this.revision++;
    const next: ObjectMetadata = {
      ...current,
      resourceVersion: String(this.revision),
      ...(change === 'spec' ? { generation: (current.generation ?? 0) + 1 } : {}),
      ...(typeof change === 'object' ? { labels: change.labels } : {}),
    };
    store.set(key(name, namespace), next);
    this.#record(plural, 'MODIFIED', next);
    return next;
  }

  delete(plural: string, name: string, namespace?: string): void {
    const store = this.#store(plural);
    const current = store.get(key(name, namespace));
    if (!current) throw new Error(`fake: no ${plural} ${key(name, namespace)}`);
    this.revision++;
    store.delete(key(name, namespace));
    this.#record(plural, 'DELETED', { ...current, resourceVersion: String(this.revision) });
  }

  /** Forgets history up to now: a watch resuming from an older resourceVersion gets 410 Gone. */
  compact(): void {
    this.compactedRevision = this.revision;
  }

  failNext(on: 'list' | 'watch', error: Error = new Error(`fake ${on} failure`)): void {
    this.#failures.push({ on, error });
  }

  /** Ends every open watch as the server does when timeoutSeconds elapses. */
  endWatches(): void {
    for (const watch of [...this.#watches]) watch.end();
  }

  /** Cuts every open watch as a dying apiserver would. */
  cutWatches(): void {
    for (const watch of [...this.#watches]) watch.end(new Error('connection reset'));
  }

  #takeFailure(on: 'list' | 'watch'): Error | undefined {
    const index = this.#failures.findIndex((failure) => failure.on === on);
    if (index < 0) return undefined;
    return this.#failures.splice(index, 1)[0]?.error;
  }

  async listPage(resource: WatchedResource, options: ListPageOptions): Promise<MetadataPage> {
    this.listCalls++;
    await Promise.resolve();
    const failure = this.#takeFailure('list');
    if (failure) throw failure;
    let token = options.continueToken;
    let items: ObjectMetadata[];
    let offset = 0;
    let revision: string;
    if (token) {
      const [snapshotId, at, rv] = token.split(':');
      const snapshot = this.#snapshots.get(snapshotId ?? '');
      if (!snapshot) throw new ResourceExpiredError('continue token expired');
      items = snapshot;
      offset = Number(at);
      revision = rv ?? '';
    } else {
      items = [...this.#store(resource.plural).values()];
      revision = String(this.revision);
      token = `${this.#snapshots.size + 1}:0:${revision}`;
      this.#snapshots.set(String(this.#snapshots.size + 1), items);
    }
    const page = items.slice(offset, offset + options.limit);
    const next = offset + options.limit;
    const snapshotId = token.split(':')[0];
    return {
      items: page,
      resourceVersion: revision,
      ...(next < items.length ? { continueToken: `${snapshotId}:${next}:${revision}` } : {}),
    };
  }

  /** Makes every outstanding continue token expire. */
  expireContinueTokens(): void {
    this.#snapshots.clear();
  }

  async watch(
    resource: WatchedResource,
    options: WatchOptions,
    onEvent: (event: WatchEvent) => void,
  ): Promise<void> {
    this.watchStarts.push(options.resourceVersion);
    await Promise.resolve();
    const failure = this.#takeFailure('watch');
    if (failure) throw failure;
    const from = Number(options.resourceVersion);
    if (from < this.compactedRevision) throw new ResourceExpiredError('too old resource version');
    return new Promise<void>((resolve, reject) => {
      const watch: OpenWatch = {
        plural: resource.plural,
        onEvent,
        end: (error) => {
          this.#watches.delete(watch);
          options.signal.removeEventListener('abort', onAbort);
          if (error) reject(error);
          else resolve();
        },
      };
      const onAbort = () => watch.end(options.signal.reason);
      options.signal.addEventListener('abort', onAbort, { once: true });
      this.#watches.add(watch);
      if (this.silent) return;
      for (const event of this.history) {
        if (event.plural === resource.plural && event.revision > from) {
          onEvent({ type: event.type, object: { metadata: event.metadata } });
        }
      }
    });
  }
}

function key(name: string, namespace?: string): string {
  return namespace ? `${namespace}/${name}` : name;
}
