import { GetSecretValueCommand, type SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { CLUSTER_CREDENTIALS_PREFIX } from '../../domain/reserved-keys.js';
import { type Clock, systemClock } from '../../ports/clock.js';
import type { WatcherKeySource } from '../../ports/watcher-keys.js';

export interface SecretsManagerWatcherKeysOptions {
  /** The function's own role: the key is the control plane's secret, never a store's. */
  client: SecretsManagerClient;
  /** The cluster credential prefix; the key is `<prefix><clusterId>/watcher-key`. */
  prefix?: string;
  ttlMs?: number;
  clock?: Clock;
}

export const WATCHER_KEY_NAME = 'watcher-key';

/**
 * Each cluster's watcher key, kept next to its other credentials and read with the ingest's own
 * role. Cached briefly: a batch arrives every few seconds per cluster, and a rotated key takes
 * effect within the TTL.
 */
export function secretsManagerWatcherKeys({
  client,
  prefix = CLUSTER_CREDENTIALS_PREFIX,
  ttlMs = 60_000,
  clock = systemClock,
}: SecretsManagerWatcherKeysOptions): WatcherKeySource {
  const cache = new Map<string, { key: Promise<Uint8Array | undefined>; until: number }>();
  return {
    keyOf(clusterId) {
      const now = clock.now().getTime();
      const hit = cache.get(clusterId);
      if (hit && now < hit.until) return hit.key;
      const key = read(client, `${prefix}${clusterId}/${WATCHER_KEY_NAME}`);
      const entry = { key, until: now + ttlMs };
      cache.set(clusterId, entry);
      key.catch(() => {
        if (cache.get(clusterId) === entry) cache.delete(clusterId);
      });
      return key;
    },
  };
}

async function read(client: SecretsManagerClient, secretId: string): Promise<Uint8Array | undefined> {
  try {
    const out = await client.send(new GetSecretValueCommand({ SecretId: secretId }));
    return out.SecretString ? new TextEncoder().encode(out.SecretString) : undefined;
  } catch (error) {
    if ((error as { name?: string }).name === 'ResourceNotFoundException') return undefined;
    throw error;
  }
}
