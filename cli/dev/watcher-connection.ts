/**
 * The apiserver connection an in-process watcher uses: the control plane's own identity from the
 * cluster's registration. Only kubeconfig registrations with a token or client certificate can be
 * watched this way; the others are covered by the periodic drift check instead.
 */
import { readFileSync } from 'node:fs';
import { KubeConfig } from '@kubernetes/client-node';
import type { ClusterRecord } from '../../shared/domain/records.js';
import type { ApiServerConnection } from '../../watcher/kube/api-connection.js';

export type WatcherConnectionResult =
  | { ok: true; connection: ApiServerConnection }
  | { ok: false; reason: string };

export function watcherConnection(record: ClusterRecord): WatcherConnectionResult {
  if (record.auth.type !== 'kubeconfig') {
    return {
      ok: false,
      reason: `registered with ${record.auth.type} credentials, which dev mode does not watch with`,
    };
  }
  const kc = new KubeConfig();
  try {
    kc.loadFromFile(record.auth.path);
    if (record.auth.context) kc.setCurrentContext(record.auth.context);
  } catch (error) {
    return { ok: false, reason: `cannot load ${record.auth.path}: ${(error as Error).message}` };
  }
  const user = kc.getCurrentUser();
  if (!user) return { ok: false, reason: 'its kubeconfig context names no user' };
  if (user.exec || user.authProvider) {
    return {
      ok: false,
      reason: 'its kubeconfig user logs in through a plugin, which the watcher cannot run',
    };
  }
  const read = (data: string | undefined, file: string | undefined) =>
    data ? Buffer.from(data, 'base64').toString('utf8') : file ? readFileSync(file, 'utf8') : undefined;
  let cert: string | undefined;
  let key: string | undefined;
  try {
    cert = read(user.certData, user.certFile);
    key = read(user.keyData, user.keyFile);
  } catch (error) {
    return { ok: false, reason: `cannot read its client certificate: ${(error as Error).message}` };
  }
  const token = user.token;
  if (!token && !(cert && key))
    return { ok: false, reason: 'its kubeconfig user has neither a token nor a client certificate' };
  const cluster = kc.getCurrentCluster();
  const ca = record.caData ?? read(cluster?.caData, cluster?.caFile);
  const server = new URL(record.endpoint);
  return {
    ok: true,
    connection: {
      server,
      credentials: () => ({
        ...(ca ? { ca } : {}),
        ...(token ? { token } : {}),
        ...(cert && key ? { cert, key } : {}),
      }),
    },
  };
}
