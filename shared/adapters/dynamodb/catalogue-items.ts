import type { FleetExternalSecret, SecretStore } from '../../domain/schema.js';
import {
  fleetExternalSecretNamespace,
  validateFleetExternalSecret,
  validateStore,
} from '../state-store-rules.js';
import {
  FLEET_EXTERNAL_SECRETS_PK,
  fleetExternalSecretKey,
  ItemKind,
  STORES_PK,
  storeKey,
} from './item-keys.js';
import type { StateTable } from './state-table.js';

export async function putStore(t: StateTable, store: SecretStore): Promise<void> {
  validateStore(store);
  await t.put({
    ...storeKey(store.metadata.name),
    kind: ItemKind.store,
    name: store.metadata.name,
    doc: store,
  });
}

export async function getStore(t: StateTable, name: string): Promise<SecretStore | undefined> {
  const item = await t.get(storeKey(name));
  return item ? t.docOf<SecretStore>(item) : undefined;
}

export async function listStores(t: StateTable): Promise<SecretStore[]> {
  return t.listCatalogue<SecretStore>(STORES_PK);
}

export async function deleteStore(t: StateTable, name: string): Promise<void> {
  await t.delete(storeKey(name));
}

export async function putFleetExternalSecret(t: StateTable, fes: FleetExternalSecret): Promise<void> {
  validateFleetExternalSecret(fes);
  const namespace = fleetExternalSecretNamespace(fes);
  await t.put({
    ...fleetExternalSecretKey(namespace, fes.metadata.name),
    kind: ItemKind.fleetExternalSecret,
    namespace,
    name: fes.metadata.name,
    doc: fes,
  });
}

export async function getFleetExternalSecret(
  t: StateTable,
  namespace: string,
  name: string,
): Promise<FleetExternalSecret | undefined> {
  const item = await t.get(fleetExternalSecretKey(namespace, name));
  return item ? t.docOf<FleetExternalSecret>(item) : undefined;
}

export async function listFleetExternalSecrets(t: StateTable): Promise<FleetExternalSecret[]> {
  return t.listCatalogue<FleetExternalSecret>(FLEET_EXTERNAL_SECRETS_PK);
}

export async function deleteFleetExternalSecret(
  t: StateTable,
  namespace: string,
  name: string,
): Promise<void> {
  await t.delete(fleetExternalSecretKey(namespace, name));
}
