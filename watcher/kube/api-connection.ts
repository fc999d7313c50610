/**
 * How the watcher reaches its API server: base URL plus TLS trust and a bearer token per request.
 * In a pod this is the mounted ServiceAccount; tests pass a server, CA and token directly.
 *
 * Not @kubernetes/client-node's KubeConfig: its module graph loads the whole generated API client,
 * which costs the watcher about 19 MiB of RSS for four fields it needs.
 */
import { readFileSync } from 'node:fs';
import { isIPv6 } from 'node:net';
import { join } from 'node:path';
import { WatcherConfigError } from '../errors.js';

export interface ApiServerConnection {
  /** e.g. https://10.100.0.1:443 */
  readonly server: URL;
  /**
   * TLS trust and auth for one request; re-read on demand because projected tokens rotate. A
   * client certificate (cert + key) is for kubeconfig users outside a pod, e.g. dev mode.
   */
  credentials(): { ca?: string; token?: string; cert?: string; key?: string };
}

export interface StaticConnectionOptions {
  server: string;
  caData?: string;
  token?: string;
}

export function staticConnection({ server, caData, token }: StaticConnectionOptions): ApiServerConnection {
  const url = new URL(server);
  return { server: url, credentials: () => ({ ca: caData, token }) };
}

export const serviceAccountDir = '/var/run/secrets/kubernetes.io/serviceaccount';

export interface InClusterConnectionOptions {
  env?: Readonly<Record<string, string | undefined>>;
  dir?: string;
  /** How long a read token is reused; the kubelet refreshes projected tokens well before expiry. */
  tokenReuseMs?: number;
  now?: () => number;
}

/** The pod's own ServiceAccount, as client-go's rest.InClusterConfig finds it. */
export function inClusterConnection(options: InClusterConnectionOptions = {}): ApiServerConnection {
  const env = options.env ?? process.env;
  const dir = options.dir ?? serviceAccountDir;
  const reuseMs = options.tokenReuseMs ?? 60_000;
  const now = options.now ?? Date.now;
  const host = env.KUBERNETES_SERVICE_HOST?.trim();
  const port = env.KUBERNETES_SERVICE_PORT?.trim();
  if (!host)
    throw new WatcherConfigError('KUBERNETES_SERVICE_HOST', 'is not set: is the watcher running in a pod?');
  if (!port)
    throw new WatcherConfigError('KUBERNETES_SERVICE_PORT', 'is not set: is the watcher running in a pod?');
  const server = new URL(`https://${isIPv6(host) ? `[${host}]` : host}:${port}`);
  const tokenFile = join(dir, 'token');
  const caFile = join(dir, 'ca.crt');
  let cached: { ca: string; token: string; readAt: number } | undefined;
  const credentials = () => {
    if (!cached || now() - cached.readAt >= reuseMs) {
      cached = {
        ca: readFileSync(caFile, 'utf8'),
        token: readFileSync(tokenFile, 'utf8').trim(),
        readAt: now(),
      };
    }
    return { ca: cached.ca, token: cached.token };
  };
  credentials();
  return { server, credentials };
}
