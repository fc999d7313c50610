import { describe, expect, it } from 'vitest';
import { InProcessInvoker } from '../adapters/in-process/in-process-invoker.js';
import { LocalStateStore } from '../adapters/local-state/local-state-store.js';
import type { ClusterClientFactory } from '../ports/cluster-client.js';
import { type ApiDeps, putStore } from './api.js';
import { InvalidRequestError } from './errors.js';

const clock = { now: () => new Date('2026-11-20T10:00:00Z') };

function deps(): ApiDeps {
  return {
    state: new LocalStateStore({ clock }),
    clusters: {} as ClusterClientFactory,
    invoker: new InProcessInvoker(),
    clock,
  };
}

const storeWithKeys = (keys: string[]) => ({
  apiVersion: 'fleet-secrets.io/v1',
  kind: 'SecretStore',
  metadata: { name: 'aws' },
  spec: {
    provider: { awsSecretsManager: { region: 'eu-west-1' } },
    accessPolicy: { clusterSelector: {}, namespaces: ['*'], keys },
  },
});

describe('putStore', () => {
  it('should refuse a store whose allowed keys overlap the control plane prefix, naming the field', async () => {
    const d = deps();
    const refused = putStore(d, storeWithKeys(['team-a/*', 'fleet-secrets-internal/**']));
    await expect(refused).rejects.toBeInstanceOf(InvalidRequestError);
    await expect(refused).rejects.toMatchObject({
      field: 'spec.accessPolicy.keys[1]',
      message: expect.stringContaining('fleet-secrets-internal/'),
    });
    expect(await d.state.getStore('aws')).toBeUndefined();
  });

  it('should accept a store allowing every key, whose reads of reserved keys are denied per key', async () => {
    const d = deps();
    await putStore(d, storeWithKeys(['**']));
    expect((await d.state.getStore('aws'))?.spec.accessPolicy?.keys).toEqual(['**']);
  });
});
