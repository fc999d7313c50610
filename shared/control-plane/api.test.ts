import { describe, expect, it } from 'vitest';
import { LocalStateStore } from '../adapters/local-state/index.js';
import type { ApiDeps } from './api.js';
import { applyFleetExternalSecret } from './api.js';
import { InvalidRequestError } from './errors.js';

const manifest = (refreshInterval: string) => ({
  apiVersion: 'fleet-secrets.io/v1',
  kind: 'FleetExternalSecret',
  metadata: { name: 'db' },
  spec: {
    namespaces: ['team-a'],
    externalSecretSpec: {
      secretStoreRef: { name: 'aws' },
      refreshInterval,
      data: [{ secretKey: 'password', remoteRef: { key: 'db/creds' } }],
    },
  },
});

/** Validation happens before anything is read: clusters and the invoker are never reached. */
const deps = (minRefreshIntervalMs?: number): ApiDeps => ({
  state: new LocalStateStore(),
  clusters: {} as ApiDeps['clusters'],
  invoker: {} as ApiDeps['invoker'],
  clock: { now: () => new Date() },
  ...(minRefreshIntervalMs === undefined ? {} : { minRefreshIntervalMs }),
});

describe('applyFleetExternalSecret refreshInterval minimum', () => {
  it('should refuse a refreshInterval under the configured minimum, naming the field and the minimum', async () => {
    const err = await applyFleetExternalSecret(deps(300_000), manifest('1m')).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(InvalidRequestError);
    expect((err as InvalidRequestError).issues).toEqual([
      'spec.externalSecretSpec.refreshInterval: must be "0" (no periodic refresh) or at least 5m0s, the control plane\'s minimum',
    ]);
  });

  it('should refuse 1ns under the default minimum', async () => {
    await expect(applyFleetExternalSecret(deps(), manifest('1ns'))).rejects.toThrow('at least 1m0s');
  });
});
