/** Test support: an ApiDeps whose cluster clients are stand-ins, recording what registration built. */
import { InProcessInvoker } from '../../shared/adapters/in-process/in-process-invoker.js';
import { LocalStateStore } from '../../shared/adapters/local-state/local-state-store.js';
import type { ApiDeps } from '../../shared/control-plane/api.js';
import type { ClusterRecord } from '../../shared/domain/records.js';
import type { ClusterClient, ClusterClientFactory } from '../../shared/ports/cluster-client.js';

/** Reachable, with every permission: registration then stores what it was given. */
const standInClient = {
  serverVersion: async () => 'v1.34.0',
  reviewAccessRules: async () => ({
    rules: [{ apiGroups: ['*'], resources: ['*'], verbs: ['*'] }],
    incomplete: false,
  }),
  canI: async () => true,
} as unknown as ClusterClient;

export function registrationDeps(extra: Partial<ApiDeps> = {}): ApiDeps & { built: ClusterRecord[] } {
  const clock = { now: () => new Date('2026-11-20T10:00:00Z') };
  const built: ClusterRecord[] = [];
  const clusters = {
    forRecord: async (record: ClusterRecord) => {
      built.push(record);
      return standInClient;
    },
    forCluster: async () => standInClient,
  } as unknown as ClusterClientFactory;
  return {
    state: new LocalStateStore({ clock }),
    clusters,
    invoker: new InProcessInvoker(),
    clock,
    built,
    ...extra,
  };
}
