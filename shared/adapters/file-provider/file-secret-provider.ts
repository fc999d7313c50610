import { readFile, stat } from 'node:fs/promises';
import { findLabel } from '../../domain/plan.js';
import { ProviderError, type ProviderErrorCode } from '../../domain/provider-errors.js';
import { compileGoRegexp, findNameMatches } from '../../go-compat/regexp/regexp.js';
import type {
  FindQuery,
  ReadContext,
  ReadRequest,
  ReadResult,
  SecretProvider,
} from '../../ports/secret-provider.js';
import { SecretsFileError } from './errors.js';
import { type ParsedSecretsFile, parseSecretsFile, type SecretsFileEntry } from './secrets-file.js';

export interface FileSecretProviderOptions {
  storeName: string;
  /** Absolute path of the secrets file. */
  path: string;
}

/** Stages a manifest may name for "the current value", as it would with Secrets Manager or Vault. */
const CURRENT_ALIASES = new Set(['AWSCURRENT', 'latest', 'current']);

/**
 * Serves a store's reads from a local secrets file (dev mode only; the AWS runtime refuses file
 * stores). The file is re-read when its size or modification time changes, so an edit takes
 * effect on the next pass. It keeps only current values: a pinned version other than the
 * current one is NotFound. Never throws from `read`.
 */
export class FileSecretProvider implements SecretProvider {
  readonly storeName: string;
  readonly path: string;
  readonly #calls: Record<string, number> = {};
  #cache: { stamp: string; parsed: ParsedSecretsFile } | undefined;

  constructor({ storeName, path }: FileSecretProviderOptions) {
    this.storeName = storeName;
    this.path = path;
  }

  callCounts(): Readonly<Record<string, number>> {
    return { ...this.#calls };
  }

  async read(requests: ReadRequest[], _ctx: ReadContext): Promise<ReadResult[]> {
    this.#count('read');
    let entries: Map<string, SecretsFileEntry>;
    try {
      entries = await this.entries();
    } catch (error) {
      const detail = (error as Error).message;
      return requests.map((request) => ({
        ok: false,
        request,
        error: this.#error('Unavailable', request.key, detail),
      }));
    }
    return requests.map((request): ReadResult => {
      const entry = entries.get(request.key);
      if (!entry) {
        return { ok: false, request, error: this.#error('NotFound', request.key, `not in ${this.path}`) };
      }
      const version = request.version;
      if (version !== undefined && !CURRENT_ALIASES.has(version) && version !== entry.versionId) {
        return {
          ok: false,
          request,
          error: this.#error('NotFound', request.key, 'the file keeps only the current version'),
        };
      }
      return {
        ok: true,
        request,
        payload: {
          key: entry.key,
          value: entry.value,
          isBinary: false,
          versionId: entry.versionId,
          versionStages: ['AWSCURRENT'],
          ...(request.fetchMetadata ? { tags: {} } : {}),
        },
      };
    });
  }

  async find(query: FindQuery, _ctx: ReadContext): Promise<string[]> {
    this.#count('find');
    const label = findLabel(query);
    if (Object.keys(query.tags ?? {}).length > 0) {
      throw this.#error('InvalidRequest', label, 'a secrets file has no tags to match');
    }
    const nameRegexp = query.nameRegexp === undefined ? undefined : compileGoRegexp(query.nameRegexp);
    if (query.nameRegexp !== undefined && !nameRegexp) {
      throw this.#error('InvalidRequest', label, 'name.regexp is not a valid regular expression');
    }
    let entries: Map<string, SecretsFileEntry>;
    try {
      entries = await this.entries();
    } catch (error) {
      throw this.#error('Unavailable', label, (error as Error).message);
    }
    return [...entries.keys()]
      .filter(
        (key) =>
          (query.path === undefined || key.startsWith(query.path)) &&
          (!nameRegexp || findNameMatches(nameRegexp, key)),
      )
      .sort();
  }

  /** The file's current entries; throws SecretsFileError when it is missing or malformed. */
  async entries(): Promise<Map<string, SecretsFileEntry>> {
    let stamp: string;
    try {
      const info = await stat(this.path);
      stamp = `${info.size}:${info.mtimeMs}`;
    } catch {
      throw new SecretsFileError(this.path, 'does not exist or cannot be read');
    }
    if (this.#cache?.stamp !== stamp) {
      this.#count('load');
      let text: string;
      try {
        text = await readFile(this.path, 'utf8');
      } catch {
        throw new SecretsFileError(this.path, 'cannot be read');
      }
      this.#cache = { stamp, parsed: parseSecretsFile(text) };
    }
    const { parsed } = this.#cache;
    if (!parsed.ok) throw new SecretsFileError(this.path, parsed.problem);
    return parsed.entries;
  }

  #count(op: string): void {
    this.#calls[op] = (this.#calls[op] ?? 0) + 1;
  }

  #error(code: ProviderErrorCode, key: string, detail: string): ProviderError {
    return new ProviderError({ code, storeName: this.storeName, key, detail });
  }
}
