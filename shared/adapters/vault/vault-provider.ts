import { findLabel } from '../../domain/plan.js';
import { listingPrefixes } from '../../domain/policy.js';
import { ProviderError, type ProviderErrorCode } from '../../domain/provider-errors.js';
import { compileGoRegexp, findNameMatches } from '../../go-compat/regexp/regexp.js';
import { createLimiter, type Limiter } from '../../lib/concurrency-limit.js';
import type {
  FindQuery,
  ReadContext,
  ReadRequest,
  ReadResult,
  SecretPayload,
  SecretProvider,
} from '../../ports/secret-provider.js';
import { VaultApiError, VaultAuthError, VaultUnreachableError } from './errors.js';
import {
  InvalidVaultKeyError,
  type KvVersion,
  keyForListed,
  listPath,
  metadataPath,
  parseKvVersion,
  readPath,
  relativeKey,
} from './kv-paths.js';
import type { VaultApi } from './vault-api.js';
import type { VaultAuthenticator } from './vault-authenticator.js';

/** A find that matches more than this is almost certainly a mistaken query; stop rather than read them all. */
export const FIND_MAX_KEYS = 10_000;

export interface VaultProviderOptions {
  storeName: string;
  api: VaultApi;
  authenticator: VaultAuthenticator;
  /** The KV mount, e.g. `secret`. */
  mount: string;
  kvVersion?: KvVersion;
  /** Vault has no batch read: one GET per key, this many in flight. */
  concurrency?: number;
}

type Outcome = { ok: true; payload: SecretPayload } | { ok: false; error: ProviderError };

interface KvV2Metadata {
  version?: number;
  deletion_time?: string;
  destroyed?: boolean;
  custom_metadata?: Record<string, string> | null;
}

/**
 * Reads a Vault KV store (v1 or v2). A secret's value is its JSON document, so ESO's `property`
 * picks a field from it; v2 reads report the version number, honour pinned versions, and tell a
 * deleted or destroyed version (VersionDeleted) from a missing key (NotFound). A 403 drops the
 * token and retries once with a fresh login before the key fails. Never throws from `read`.
 */
export class VaultProvider implements SecretProvider {
  readonly storeName: string;
  readonly #api: VaultApi;
  readonly #auth: VaultAuthenticator;
  readonly #mount: string;
  readonly #kv: KvVersion;
  readonly #limit: Limiter;
  readonly #calls: Record<string, number> = {};

  constructor({
    storeName,
    api,
    authenticator,
    mount,
    kvVersion = 'v2',
    concurrency = 8,
  }: VaultProviderOptions) {
    this.storeName = storeName;
    this.#api = api;
    this.#auth = authenticator;
    this.#mount = mount;
    this.#kv = kvVersion;
    this.#limit = createLimiter(concurrency);
  }

  callCounts(): Readonly<Record<string, number>> {
    const { logins, renewals } = this.#auth.stats;
    return { ...this.#calls, login: logins, renew: renewals };
  }

  async read(requests: ReadRequest[], _ctx: ReadContext): Promise<ReadResult[]> {
    const wanted = new Map<string, { key: string; version: string | undefined; fetchMetadata: boolean }>();
    for (const { key, version, fetchMetadata } of requests) {
      const id = readId(key, version);
      const seen = wanted.get(id);
      if (seen) seen.fetchMetadata ||= !!fetchMetadata;
      else wanted.set(id, { key, version, fetchMetadata: !!fetchMetadata });
    }
    // Log in once up front: if that fails, every key fails with the reason, and a refused
    // credential is not retried once per key.
    try {
      await this.#auth.token();
    } catch (err) {
      return requests.map((request) => ({ ok: false, request, error: this.#mapError(err, request.key) }));
    }
    const outcomes = new Map<string, Outcome>();
    await Promise.all(
      [...wanted].map(([id, w]) =>
        this.#limit(async () => outcomes.set(id, await this.#readOne(w.key, w.version, w.fetchMetadata))),
      ),
    );
    return requests.map((request): ReadResult => {
      const outcome = outcomes.get(readId(request.key, request.version))!;
      if (!outcome.ok) return { ok: false, request, error: outcome.error };
      const { tags, ...payload } = outcome.payload;
      return {
        ok: true,
        request,
        payload: request.fetchMetadata ? { ...payload, tags: tags ?? {} } : payload,
      };
    });
  }

  async find(query: FindQuery, _ctx: ReadContext): Promise<string[]> {
    const label = findLabel(query);
    const nameRegexp = query.nameRegexp === undefined ? undefined : compileGoRegexp(query.nameRegexp);
    if (query.nameRegexp !== undefined && !nameRegexp) {
      throw this.#error('InvalidRequest', label, 'name.regexp is not a valid regular expression');
    }
    const wantedTags = Object.entries(query.tags ?? {});
    if (wantedTags.length && this.#kv === 'v1') {
      throw this.#error('InvalidRequest', label, 'KV v1 keeps no metadata to match tags against');
    }
    try {
      const listed = await this.#listWithin(query, label);
      const candidates = listed.filter((key) => !nameRegexp || findNameMatches(nameRegexp, key));
      if (!wantedTags.length) return candidates.sort();
      const matches = await Promise.all(
        candidates.map((key) =>
          this.#limit(async () => {
            const meta = (await this.#call('metadata', 'GET', metadataPath(this.#mount, key))) as {
              data?: KvV2Metadata;
            };
            const custom = meta.data?.custom_metadata ?? {};
            return wantedTags.every(([k, v]) => custom[k] === v) ? key : undefined;
          }),
        ),
      );
      return matches.filter((key): key is string => key !== undefined).sort();
    } catch (err) {
      throw this.#mapError(err, label);
    }
  }

  /**
   * The find's folder, listed only under the reader's allowed prefixes when it has them: each
   * prefix is walked from its deepest whole folder, so names outside them are never fetched.
   */
  async #listWithin(query: FindQuery, label: string): Promise<string[]> {
    const root = this.#folderOf(query.path ?? '');
    if (query.within === undefined) return this.#listRecursive(root, label);
    const prefixes =
      listingPrefixes(
        root ? `${root}/` : undefined,
        query.within.map((p) => this.#relativePrefix(p)),
      ) ?? [];
    const keys = new Set<string>();
    for (const prefix of prefixes) {
      const folder = prefix.slice(0, prefix.lastIndexOf('/') + 1).replace(/\/+$/, '');
      for (const key of await this.#listRecursive(folder, label, prefix)) keys.add(key);
    }
    return [...keys];
  }

  /** `path` is a folder under the mount, written with or without the mount (and data/ on v2). */
  #folderOf(path: string): string {
    const mount = this.#mount.replace(/^\/+|\/+$/g, '');
    const root = path.replace(/^\/+|\/+$/g, '');
    if (root === mount || (this.#kv === 'v2' && root === `${mount}/data`)) return '';
    return root ? relativeKey(this.#mount, this.#kv, root) : '';
  }

  /** A policy key prefix relative to the mount, as listed entries are (keeps a trailing "/"). */
  #relativePrefix(prefix: string): string {
    const mount = this.#mount.replace(/^\/+|\/+$/g, '');
    let rel = prefix.replace(/^\/+/, '');
    if (mount && rel.startsWith(`${mount}/`)) {
      rel = rel.slice(mount.length + 1);
      if (this.#kv === 'v2' && rel.startsWith('data/')) rel = rel.slice('data/'.length);
    }
    return rel;
  }

  /** Every key under `root`; with `prefix`, only folders and keys that can start with it. */
  async #listRecursive(root: string, label: string, prefix = ''): Promise<string[]> {
    const keys: string[] = [];
    const folders = [root];
    while (folders.length) {
      const folder = folders.shift()!;
      let entries: string[];
      try {
        const body = (await this.#limit(() =>
          this.#call('list', 'GET', `${listPath(this.#mount, this.#kv, folder)}?list=true`),
        )) as { data?: { keys?: string[] } };
        entries = body.data?.keys ?? [];
      } catch (err) {
        // LIST answers 404 for a folder with nothing under it.
        if (err instanceof VaultApiError && err.statusCode === 404) continue;
        throw err;
      }
      for (const entry of entries) {
        const full = folder ? `${folder}/${entry}` : entry;
        if (!full.startsWith(prefix) && !(entry.endsWith('/') && prefix.startsWith(full))) continue;
        if (entry.endsWith('/')) folders.push(full.slice(0, -1));
        else keys.push(keyForListed(this.#mount, this.#kv, full));
      }
      if (keys.length > FIND_MAX_KEYS) {
        throw this.#error('InvalidRequest', label, `matches more than ${FIND_MAX_KEYS} secrets`);
      }
    }
    return keys;
  }

  async #readOne(key: string, version: string | undefined, fetchMetadata: boolean): Promise<Outcome> {
    try {
      const pinned = parseKvVersion(this.#kv, key, version);
      const path = readPath(this.#mount, this.#kv, key, pinned);
      let body: { data?: Record<string, unknown> };
      try {
        body = (await this.#call('read', 'GET', path)) as typeof body;
      } catch (err) {
        if (err instanceof VaultApiError && err.statusCode === 404 && this.#kv === 'v2') {
          const deleted = deletedVersion(err.body);
          if (deleted) return { ok: false, error: this.#error('VersionDeleted', key, deleted) };
        }
        throw err;
      }
      if (this.#kv === 'v1') return { ok: true, payload: this.#payload(key, body.data ?? {}) };
      const data = body.data?.data as Record<string, unknown> | null | undefined;
      const metadata = (body.data?.metadata ?? {}) as KvV2Metadata;
      if (!data) {
        return {
          ok: false,
          error: this.#error('VersionDeleted', key, deletedVersion(body) ?? 'no data at this version'),
        };
      }
      let tags = metadata.custom_metadata ?? undefined;
      // Vault before 1.9 leaves custom_metadata out of data reads.
      if (fetchMetadata && metadata.custom_metadata === undefined) {
        const meta = (await this.#call('metadata', 'GET', metadataPath(this.#mount, key))) as {
          data?: KvV2Metadata;
        };
        tags = meta.data?.custom_metadata ?? {};
      }
      return {
        ok: true,
        payload: {
          ...this.#payload(key, data),
          ...(metadata.version === undefined ? {} : { versionId: String(metadata.version) }),
          ...(tags ? { tags: { ...tags } } : {}),
        },
      };
    } catch (err) {
      return { ok: false, error: this.#mapError(err, key) };
    }
  }

  /** One Vault call with the store's token; a 403 drops the token and retries once with a new login. */
  async #call(operation: string, method: 'GET' | 'POST', path: string): Promise<unknown> {
    const token = await this.#auth.token();
    this.#count(operation);
    try {
      return await this.#api.call(method, path, { token });
    } catch (err) {
      if (!(err instanceof VaultApiError) || err.statusCode !== 403) throw err;
      this.#auth.invalidate(token);
      const again = await this.#auth.token();
      this.#count(operation);
      return await this.#api.call(method, path, { token: again });
    }
  }

  #payload(key: string, data: Record<string, unknown>): SecretPayload {
    return { key, value: new TextEncoder().encode(JSON.stringify(data)), isBinary: false };
  }

  #mapError(err: unknown, key: string): ProviderError {
    if (err instanceof ProviderError) return err;
    if (err instanceof InvalidVaultKeyError) return this.#error('InvalidRequest', key, err.message);
    if (err instanceof VaultAuthError)
      return this.#error(err.denied ? 'AccessDenied' : 'Unavailable', key, err.message);
    if (err instanceof VaultUnreachableError) return this.#error('Unavailable', key, err.message);
    if (err instanceof VaultApiError) {
      const code: ProviderErrorCode =
        err.statusCode === 404
          ? 'NotFound'
          : err.statusCode === 403 || err.statusCode === 401
            ? 'AccessDenied'
            : err.statusCode === 429
              ? 'Throttled'
              : err.statusCode >= 400 && err.statusCode < 500
                ? 'InvalidRequest'
                : 'Unavailable';
      return this.#error(code, key, err.message);
    }
    return this.#error('Unavailable', key, err instanceof Error ? err.name : 'unknown error');
  }

  #count(operation: string): void {
    this.#calls[operation] = (this.#calls[operation] ?? 0) + 1;
  }

  #error(code: ProviderErrorCode, key: string, detail: string): ProviderError {
    return new ProviderError({ code, storeName: this.storeName, key, detail });
  }
}

function readId(key: string, version: string | undefined): string {
  return `${key}\u0000${version ?? ''}`;
}

/** A KV v2 404 that still carries metadata is a version that existed: say how it went away. */
function deletedVersion(body: unknown): string | undefined {
  const metadata = (body as { data?: { metadata?: KvV2Metadata } } | undefined)?.data?.metadata;
  if (!metadata) return undefined;
  const which = metadata.version === undefined ? 'the version' : `version ${metadata.version}`;
  if (metadata.destroyed) return `${which} was destroyed`;
  if (metadata.deletion_time) return `${which} was deleted at ${metadata.deletion_time}`;
  return undefined;
}
