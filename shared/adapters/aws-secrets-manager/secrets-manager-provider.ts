import {
  BatchGetSecretValueCommand,
  DescribeSecretCommand,
  type Filter,
  GetSecretValueCommand,
  ListSecretsCommand,
  type SecretsManagerClient,
} from '@aws-sdk/client-secrets-manager';
import { findLabel } from '../../domain/plan.js';
import { listingPrefixes } from '../../domain/policy.js';
import { ProviderError } from '../../domain/provider-errors.js';
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
import { roleSessionName } from '../aws-credentials/role-session-name.js';
import { providerErrorFromApiError, providerErrorFromThrown } from './error-mapping.js';
import type { SecretsManagerClients } from './secrets-manager-clients.js';
import { parseVersion, type VersionSelector } from './version-selector.js';

/** BatchGetSecretValue takes at most 20 entries in SecretIdList. */
export const BATCH_GET_MAX_IDS = 20;
/** A find that matches more than this is almost certainly a mistaken query; stop rather than read them all. */
export const FIND_MAX_KEYS = 10_000;
const MAX_PAGES_PER_BATCH = 10;
/** ListSecrets accepts at most 10 values per filter. */
const MAX_FILTER_VALUES = 10;

export interface SecretsManagerProviderOptions {
  storeName: string;
  region: string;
  /** The store's role; absent means the function's own role. */
  roleArn?: string;
  externalId?: string;
  clients: SecretsManagerClients;
  /**
   * Calls in flight at once from this provider. With 20 ids a call and tens of milliseconds a
   * call, 4 keeps one pass well under the 100 calls/s BatchGetSecretValue quota the whole
   * account shares; the SDK's adaptive retry absorbs the rest.
   */
  concurrency?: number;
  batchSize?: number;
}

type Outcome<T> = { ok: true; value: T } | { ok: false; error: ProviderError };

interface SecretValueFields {
  Name?: string;
  ARN?: string;
  SecretString?: string;
  SecretBinary?: Uint8Array;
  VersionId?: string;
  VersionStages?: string[];
}

/**
 * Reads a Secrets Manager store: current versions through BatchGetSecretValue in chunks of 20
 * (per-id errors become per-key results), pinned versions and stages through GetSecretValue,
 * tags through DescribeSecret when asked. Never throws from `read`.
 */
export class SecretsManagerProvider implements SecretProvider {
  readonly storeName: string;
  readonly #region: string;
  readonly #roleArn: string | undefined;
  readonly #externalId: string | undefined;
  readonly #clients: SecretsManagerClients;
  readonly #batchSize: number;
  readonly #limit: Limiter;
  readonly #calls: Record<string, number> = {};

  constructor({
    storeName,
    region,
    roleArn,
    externalId,
    clients,
    concurrency = 4,
    batchSize = BATCH_GET_MAX_IDS,
  }: SecretsManagerProviderOptions) {
    if (batchSize < 1 || batchSize > BATCH_GET_MAX_IDS) {
      throw new RangeError(`batchSize must be between 1 and ${BATCH_GET_MAX_IDS}, got ${batchSize}`);
    }
    this.storeName = storeName;
    this.#region = region;
    this.#roleArn = roleArn;
    this.#externalId = externalId;
    this.#clients = clients;
    this.#batchSize = batchSize;
    this.#limit = createLimiter(concurrency);
  }

  callCounts(): Readonly<Record<string, number>> {
    return { ...this.#calls };
  }

  async read(requests: ReadRequest[], ctx: ReadContext): Promise<ReadResult[]> {
    const client = this.#clientFor(ctx);
    const current = new Set<string>();
    const pinned = new Map<string, { key: string; selector: VersionSelector }>();
    const withTags = new Set<string>();
    for (const { key, version, fetchMetadata } of requests) {
      if (!key) continue;
      const selector = parseVersion(version);
      if (selector.kind === 'current') current.add(key);
      else pinned.set(pinnedId(key, selector), { key, selector });
      if (fetchMetadata) withTags.add(key);
    }
    const [currentValues, pinnedValues, tags] = await Promise.all([
      this.#batchGet(client, [...current]),
      this.#getPinned(client, [...pinned.values()]),
      this.#describeTags(client, [...withTags]),
    ]);
    return requests.map((request): ReadResult => {
      if (!request.key) {
        return {
          ok: false,
          request,
          error: this.#error('InvalidRequest', '(empty)', 'key must not be empty'),
        };
      }
      const selector = parseVersion(request.version);
      const value =
        selector.kind === 'current'
          ? currentValues.get(request.key)
          : pinnedValues.get(pinnedId(request.key, selector));
      if (!value) {
        return { ok: false, request, error: this.#error('Unavailable', request.key, 'no read was made') };
      }
      if (!value.ok) return { ok: false, request, error: value.error };
      if (!request.fetchMetadata) return { ok: true, request, payload: value.value };
      const tagOutcome = tags.get(request.key);
      if (!tagOutcome?.ok) {
        const error = tagOutcome?.error ?? this.#error('Unavailable', request.key, 'tags were not read');
        return { ok: false, request, error };
      }
      return { ok: true, request, payload: { ...value.value, tags: tagOutcome.value } };
    });
  }

  async find(query: FindQuery, ctx: ReadContext): Promise<string[]> {
    const label = findLabel(query);
    const nameRegexp = query.nameRegexp === undefined ? undefined : compileGoRegexp(query.nameRegexp);
    if (query.nameRegexp !== undefined && !nameRegexp) {
      throw this.#error('InvalidRequest', label, 'name.regexp is not a valid regular expression');
    }
    const prefixes = listingPrefixes(query.path, query.within);
    if (prefixes?.length === 0) return [];
    // tag-key and tag-value filters match independently (any key, any value), so they only narrow
    // the listing; exact key=value pairs are checked below.
    const tagFilters: Filter[] = Object.entries(query.tags ?? {}).flatMap(([k, v]) => [
      { Key: 'tag-key', Values: [k] },
      { Key: 'tag-value', Values: [v] },
    ]);
    // One listing per group of name prefixes: a filter takes at most 10 values (ORed).
    const listings: Filter[][] = prefixes
      ? chunk(prefixes, MAX_FILTER_VALUES).map((values) => [{ Key: 'name', Values: values }, ...tagFilters])
      : [tagFilters];
    const client = this.#clientFor(ctx);
    const names = new Set<string>();
    try {
      for (const filters of listings) {
        let nextToken: string | undefined;
        do {
          this.#count('ListSecrets');
          const page = await this.#limit(() =>
            client.send(
              new ListSecretsCommand({
                MaxResults: 100,
                ...(filters.length ? { Filters: filters } : {}),
                ...(nextToken ? { NextToken: nextToken } : {}),
              }),
            ),
          );
          for (const secret of page.SecretList ?? []) {
            const name = secret.Name;
            if (!name || secret.DeletedDate) continue;
            // The service's name filter is a case-insensitive prefix match; ESO's path is exact.
            if (prefixes && !prefixes.some((p) => name.startsWith(p))) continue;
            if (nameRegexp && !findNameMatches(nameRegexp, name)) continue;
            const tags = Object.fromEntries((secret.Tags ?? []).map((t) => [t.Key ?? '', t.Value ?? '']));
            if (!Object.entries(query.tags ?? {}).every(([k, v]) => tags[k] === v)) continue;
            names.add(name);
          }
          if (names.size > FIND_MAX_KEYS) {
            throw this.#error('InvalidRequest', label, `matches more than ${FIND_MAX_KEYS} secrets`);
          }
          nextToken = page.NextToken;
        } while (nextToken);
      }
    } catch (err) {
      throw providerErrorFromThrown(err, this.storeName, label);
    }
    return [...names].sort();
  }

  #clientFor(ctx: ReadContext): SecretsManagerClient {
    return this.#clients.clientFor({
      region: this.#region,
      ...(this.#roleArn
        ? {
            roleArn: this.#roleArn,
            ...(this.#externalId ? { externalId: this.#externalId } : {}),
            sessionName: roleSessionName(ctx),
          }
        : {}),
    });
  }

  async #batchGet(
    client: SecretsManagerClient,
    keys: string[],
  ): Promise<Map<string, Outcome<SecretPayload>>> {
    const out = new Map<string, Outcome<SecretPayload>>();
    await Promise.all(
      chunk(keys, this.#batchSize).map((ids) =>
        this.#limit(async () => {
          try {
            const { values, errors } = await this.#batchGetChunk(client, ids);
            for (const id of ids) {
              const value = values.find((v) => matchesId(v, id));
              if (value) {
                out.set(id, this.#payload(id, value));
                continue;
              }
              const apiError = errors.find((e) => e.SecretId === id);
              out.set(id, {
                ok: false,
                error: apiError
                  ? providerErrorFromApiError({
                      storeName: this.storeName,
                      key: id,
                      code: apiError.ErrorCode,
                      message: apiError.Message,
                    })
                  : this.#error('NotFound', id, 'absent from the BatchGetSecretValue response'),
              });
            }
          } catch (err) {
            const first = providerErrorFromThrown(err, this.storeName, ids[0]!);
            for (const id of ids)
              out.set(id, { ok: false, error: providerErrorFromThrown(err, this.storeName, id) });
            // A malformed id fails its whole call; read the chunk one by one (within this call's
            // slot, rarely needed) so that id fails alone.
            if (first.code === 'InvalidRequest' && ids.length > 1) {
              for (const id of ids) out.set(id, await this.#getOne(client, id, { kind: 'current' }));
            }
          }
        }),
      ),
    );
    return out;
  }

  async #batchGetChunk(client: SecretsManagerClient, ids: string[]) {
    const values: SecretValueFields[] = [];
    const errors: Array<{ SecretId?: string; ErrorCode?: string; Message?: string }> = [];
    let nextToken: string | undefined;
    let pages = 0;
    do {
      this.#count('BatchGetSecretValue');
      const res = await client.send(
        new BatchGetSecretValueCommand({ SecretIdList: ids, ...(nextToken ? { NextToken: nextToken } : {}) }),
      );
      values.push(...(res.SecretValues ?? []));
      errors.push(...(res.Errors ?? []));
      nextToken = res.NextToken;
    } while (nextToken && ++pages < MAX_PAGES_PER_BATCH);
    return { values, errors };
  }

  /** Keys of the returned map are `pinnedId(key, selector)`. */
  async #getPinned(
    client: SecretsManagerClient,
    wanted: Array<{ key: string; selector: VersionSelector }>,
  ): Promise<Map<string, Outcome<SecretPayload>>> {
    const out = new Map<string, Outcome<SecretPayload>>();
    await Promise.all(
      wanted.map(({ key, selector }) =>
        this.#limit(async () => out.set(pinnedId(key, selector), await this.#getOne(client, key, selector))),
      ),
    );
    return out;
  }

  async #getOne(
    client: SecretsManagerClient,
    key: string,
    selector: VersionSelector,
  ): Promise<Outcome<SecretPayload>> {
    try {
      this.#count('GetSecretValue');
      const res = await client.send(
        new GetSecretValueCommand({
          SecretId: key,
          ...(selector.kind === 'id' ? { VersionId: selector.versionId } : {}),
          ...(selector.kind === 'stage' ? { VersionStage: selector.stage } : {}),
        }),
      );
      return this.#payload(key, res);
    } catch (err) {
      return { ok: false, error: providerErrorFromThrown(err, this.storeName, key) };
    }
  }

  async #describeTags(
    client: SecretsManagerClient,
    keys: string[],
  ): Promise<Map<string, Outcome<Record<string, string>>>> {
    const out = new Map<string, Outcome<Record<string, string>>>();
    await Promise.all(
      keys.map((key) =>
        this.#limit(async () => {
          try {
            this.#count('DescribeSecret');
            const res = await client.send(new DescribeSecretCommand({ SecretId: key }));
            const tags = Object.fromEntries((res.Tags ?? []).map((t) => [t.Key ?? '', t.Value ?? '']));
            out.set(key, { ok: true, value: tags });
          } catch (err) {
            out.set(key, { ok: false, error: providerErrorFromThrown(err, this.storeName, key) });
          }
        }),
      ),
    );
    return out;
  }

  #payload(key: string, v: SecretValueFields): Outcome<SecretPayload> {
    const version = {
      ...(v.VersionId ? { versionId: v.VersionId } : {}),
      ...(v.VersionStages ? { versionStages: [...v.VersionStages] } : {}),
    };
    if (v.SecretString !== undefined) {
      return {
        ok: true,
        value: { key, value: new TextEncoder().encode(v.SecretString), isBinary: false, ...version },
      };
    }
    if (v.SecretBinary !== undefined) {
      return { ok: true, value: { key, value: new Uint8Array(v.SecretBinary), isBinary: true, ...version } };
    }
    return {
      ok: false,
      error: this.#error('InvalidRequest', key, 'the version has neither SecretString nor SecretBinary'),
    };
  }

  #count(operation: string): void {
    this.#calls[operation] = (this.#calls[operation] ?? 0) + 1;
  }

  #error(code: ProviderError['code'], key: string, detail: string): ProviderError {
    return new ProviderError({ code, storeName: this.storeName, key, detail });
  }
}

function pinnedId(key: string, selector: VersionSelector): string {
  const version =
    selector.kind === 'id'
      ? `id:${selector.versionId}`
      : selector.kind === 'stage'
        ? `stage:${selector.stage}`
        : '';
  return `${key}\u0000${version}`;
}

/** An id is a name, a full ARN, or a partial ARN (without the random 6-character suffix). */
function matchesId(value: SecretValueFields, id: string): boolean {
  if (value.Name === id || value.ARN === id) return true;
  return id.startsWith('arn:') && !!value.ARN?.startsWith(`${id}-`) && value.ARN.length === id.length + 7;
}

function chunk<T>(items: T[], size: number): T[][] {
  const chunks: T[][] = [];
  for (let i = 0; i < items.length; i += size) chunks.push(items.slice(i, i + size));
  return chunks;
}
