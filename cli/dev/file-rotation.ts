/**
 * Dev mode's stand-in for Secrets Manager's rotation events: when a file store's secrets file
 * changes, every object that reads a changed key is reconciled at once, through the same reverse
 * index and scoped invocations the rotation function uses.
 */
import { FileSecretProvider } from '../../shared/adapters/file-provider/index.js';
import { changedKeys, type SecretsFileEntry } from '../../shared/adapters/file-provider/secrets-file.js';
import { groupByCluster } from '../../shared/control-plane/group-by-cluster.js';
import type { Invoker } from '../../shared/ports/invoker.js';
import type { StateStore } from '../../shared/ports/state-store.js';
import type { DevLogger } from './dev-logger.js';

interface Watched {
  provider: FileSecretProvider;
  entries?: Map<string, SecretsFileEntry>;
}

export class FileRotation {
  readonly #state: Pick<StateStore, 'listStores' | 'findDependents'>;
  readonly #invoker: Invoker;
  readonly #logger: DevLogger;
  readonly #watched = new Map<string, Watched>();
  #timer: NodeJS.Timeout | undefined;
  #checking: Promise<void> | undefined;

  constructor(options: {
    state: Pick<StateStore, 'listStores' | 'findDependents'>;
    invoker: Invoker;
    logger: DevLogger;
  }) {
    this.#state = options.state;
    this.#invoker = options.invoker;
    this.#logger = options.logger;
  }

  /** Polls every file store's file (a stat per store per interval; the file is read only when it changed). */
  start(intervalMs = 500): void {
    this.#timer = setInterval(() => {
      this.#checking ??= this.check()
        .catch((error: unknown) => this.#logger.warn('secrets file check failed', { error }))
        .finally(() => {
          this.#checking = undefined;
        });
    }, intervalMs);
  }

  async stop(): Promise<void> {
    clearInterval(this.#timer);
    await this.#checking;
  }

  async check(): Promise<void> {
    const stores = (await this.#state.listStores()).filter((s) => s.spec.provider.file);
    const seen = new Set<string>();
    for (const store of stores) {
      const name = store.metadata.name;
      const path = store.spec.provider.file!.path;
      const id = `${name}\u0000${path}`;
      seen.add(id);
      let watched = this.#watched.get(id);
      if (!watched) {
        watched = { provider: new FileSecretProvider({ storeName: name, path }) };
        this.#watched.set(id, watched);
      }
      let entries: Map<string, SecretsFileEntry>;
      try {
        entries = await watched.provider.entries();
      } catch {
        continue; // A broken or missing file: reads report it on the next pass.
      }
      const before = watched.entries;
      watched.entries = entries;
      if (!before || before === entries) continue;
      for (const key of changedKeys(before, entries))
        await this.#fanOut(name, key, entries.get(key)?.versionId);
    }
    for (const id of this.#watched.keys()) if (!seen.has(id)) this.#watched.delete(id);
  }

  async #fanOut(storeName: string, key: string, versionId: string | undefined): Promise<void> {
    const dependents = await this.#state.findDependents(storeName, key);
    this.#logger.info('secret changed in file', { store: storeName, key, dependents: dependents.length });
    for (const [clusterId, objects] of groupByCluster(dependents)) {
      await this.#invoker.invokeAsync('reconcile-cluster', {
        clusterId,
        scope: { kind: 'objects', objects },
        reason: 'rotation',
        trigger: {
          storeName,
          secretId: key,
          ...(versionId ? { versionId } : {}),
          eventTime: new Date().toISOString(),
        },
      });
    }
  }
}
