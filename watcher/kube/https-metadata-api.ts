/**
 * MetadataApi over node:https. Lists and watches ask for PartialObjectMetadata, so the apiserver
 * sends names, uids, resourceVersions, generations, labels and annotations, and never a spec or a
 * status: less to parse, less to hold, nothing the watcher could leak.
 */
import { Agent, request } from 'node:https';
import { ApiServerError, ResourceExpiredError } from '../errors.js';
import type { ApiServerConnection } from './api-connection.js';
import {
  type ListPageOptions,
  type MetadataApi,
  type MetadataPage,
  type ObjectMetadata,
  resourcePath,
  type WatchEvent,
  type WatchedResource,
  type WatchOptions,
} from './metadata-api.js';

const listAccept = 'application/json;as=PartialObjectMetadataList;g=meta.k8s.io;v=v1, application/json;q=0.9';
const watchAccept = 'application/json;as=PartialObjectMetadata;g=meta.k8s.io;v=v1, application/json;q=0.9';

interface RawMetadata {
  name?: string;
  namespace?: string;
  uid?: string;
  resourceVersion?: string;
  generation?: number;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
}

/** Copies only what the watcher uses, so managedFields and the rest of the response can be collected. */
function pickMetadata(raw: RawMetadata | undefined): ObjectMetadata {
  return {
    name: raw?.name ?? '',
    ...(raw?.namespace ? { namespace: raw.namespace } : {}),
    uid: raw?.uid ?? '',
    resourceVersion: raw?.resourceVersion ?? '',
    ...(raw?.generation === undefined ? {} : { generation: raw.generation }),
    ...(raw?.labels ? { labels: raw.labels } : {}),
    ...(raw?.annotations ? { annotations: raw.annotations } : {}),
  };
}

/** The apiserver's Status message (it never contains object data), or the HTTP reason. */
function statusReason(body: string, fallback: string): string {
  try {
    const status = JSON.parse(body) as { message?: string; reason?: string };
    return status.message || status.reason || fallback;
  } catch {
    return fallback;
  }
}

export interface HttpsMetadataApiOptions {
  connection: ApiServerConnection;
  /** Upper bound for one LIST page request. */
  listTimeoutMs?: number;
  userAgent?: string;
}

export class HttpsMetadataApi implements MetadataApi {
  readonly #connection: ApiServerConnection;
  readonly #listTimeoutMs: number;
  readonly #userAgent: string;
  // Keep-alive so resyncs and reconnects reuse TLS sessions instead of paying a handshake each time.
  readonly #agent = new Agent({ keepAlive: true, maxFreeSockets: 2 });

  constructor({
    connection,
    listTimeoutMs = 60_000,
    userAgent = 'fleet-secrets-watcher',
  }: HttpsMetadataApiOptions) {
    this.#connection = connection;
    this.#listTimeoutMs = listTimeoutMs;
    this.#userAgent = userAgent;
  }

  async listPage(resource: WatchedResource, options: ListPageOptions): Promise<MetadataPage> {
    const path = resourcePath(resource);
    const query = new URLSearchParams({ limit: String(options.limit) });
    if (options.continueToken) query.set('continue', options.continueToken);
    const timeout = AbortSignal.timeout(this.#listTimeoutMs);
    const signal = options.signal ? AbortSignal.any([options.signal, timeout]) : timeout;
    const { status, body } = await this.#get(`${path}?${query}`, listAccept, signal);
    if (status === 410) throw new ResourceExpiredError(`list of ${resource.plural}: continue token expired`);
    if (status !== 200) throw new ApiServerError(status, path, statusReason(body, `HTTP ${status}`));
    const list = JSON.parse(body) as {
      metadata?: { resourceVersion?: string; continue?: string };
      items?: Array<{ metadata?: RawMetadata }> | null;
    };
    return {
      items: (list.items ?? []).map((item) => pickMetadata(item.metadata)),
      resourceVersion: list.metadata?.resourceVersion ?? '',
      ...(list.metadata?.continue ? { continueToken: list.metadata.continue } : {}),
    };
  }

  watch(
    resource: WatchedResource,
    options: WatchOptions,
    onEvent: (event: WatchEvent) => void,
  ): Promise<void> {
    const path = resourcePath(resource);
    const query = new URLSearchParams({
      watch: '1',
      resourceVersion: options.resourceVersion,
      allowWatchBookmarks: 'true',
      timeoutSeconds: String(options.timeoutSeconds),
    });
    const { signal } = options;
    return new Promise<void>((resolve, reject) => {
      let settled = false;
      const settle = (error?: unknown) => {
        if (settled) return;
        settled = true;
        if (!req.destroyed) req.destroy();
        if (error === undefined) resolve();
        else reject(signal.aborted ? signal.reason : error);
      };
      const req = request(
        new URL(`${path}?${query}`, this.#connection.server),
        { ...this.#requestOptions(watchAccept), signal },
        (res) => {
          res.setEncoding('utf8');
          if (res.statusCode !== 200) {
            let body = '';
            res.on('data', (chunk: string) => {
              body += chunk;
            });
            res.on('end', () => {
              const code = res.statusCode ?? 0;
              settle(
                code === 410
                  ? new ResourceExpiredError(`watch of ${resource.plural}: ${statusReason(body, 'Gone')}`)
                  : new ApiServerError(code, path, statusReason(body, `HTTP ${code}`)),
              );
            });
            res.on('error', settle);
            return;
          }
          let buffer = '';
          res.on('data', (chunk: string) => {
            buffer += chunk;
            let newline = buffer.indexOf('\n');
            while (newline >= 0 && !settled) {
              const line = buffer.slice(0, newline);
              buffer = buffer.slice(newline + 1);
              if (line.trim() !== '') this.#dispatch(resource, path, line, onEvent, settle);
              newline = buffer.indexOf('\n');
            }
          });
          res.on('error', settle);
          res.on('close', () => {
            // A clean end (timeoutSeconds elapsed) completes the message; a reset does not.
            settle(res.complete ? undefined : new Error(`watch of ${resource.plural} was cut off`));
          });
        },
      );
      req.on('error', settle);
      req.end();
    });
  }

  #dispatch(
    resource: WatchedResource,
    path: string,
    line: string,
    onEvent: (event: WatchEvent) => void,
    settle: (error?: unknown) => void,
  ): void {
    let event: { type?: string; object?: { metadata?: RawMetadata; code?: number; message?: string } };
    try {
      event = JSON.parse(line);
    } catch {
      settle(new Error(`watch of ${resource.plural} sent a line that is not JSON`));
      return;
    }
    const type = event.type;
    if (type === 'ERROR') {
      const code = event.object?.code ?? 0;
      const message = event.object?.message ?? 'watch error';
      settle(code === 410 ? new ResourceExpiredError(message) : new ApiServerError(code, path, message));
      return;
    }
    if (type === 'ADDED' || type === 'MODIFIED' || type === 'DELETED' || type === 'BOOKMARK') {
      try {
        onEvent({ type, object: { metadata: pickMetadata(event.object?.metadata) } });
      } catch (error) {
        settle(error);
      }
    }
  }

  #requestOptions(accept: string) {
    const { ca, token, cert, key } = this.#connection.credentials();
    return {
      method: 'GET',
      agent: this.#agent,
      ...(ca ? { ca } : {}),
      ...(cert && key ? { cert, key } : {}),
      headers: {
        accept,
        'user-agent': this.#userAgent,
        ...(token ? { authorization: `Bearer ${token}` } : {}),
      },
    };
  }

  #get(pathAndQuery: string, accept: string, signal: AbortSignal): Promise<{ status: number; body: string }> {
    return new Promise((resolve, reject) => {
      const req = request(
        new URL(pathAndQuery, this.#connection.server),
        { ...this.#requestOptions(accept), signal },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (chunk: Buffer) => chunks.push(chunk));
          res.on('end', () =>
            resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }),
          );
          res.on('error', reject);
        },
      );
      req.on('error', (error) => reject(signal.aborted ? signal.reason : error));
      req.end();
    });
  }

  /** Closes idle keep-alive sockets so the process can exit. */
  close(): void {
    this.#agent.destroy();
  }
}
