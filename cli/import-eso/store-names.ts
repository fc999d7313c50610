/**
 * ESO SecretStores are namespaced, central stores are not: `team-a/vault` and `team-b/vault`
 * would collide. A store keeps its name unless another store in the input has it too; then it
 * becomes `<namespace>-<name>`. ExternalSecrets are rewritten to the same names.
 */
export interface EsoStoreId {
  kind: 'SecretStore' | 'ClusterSecretStore';
  namespace?: string;
  name: string;
}

export class StoreNames {
  readonly #central = new Map<string, string>();
  readonly #byName = new Map<string, string[]>();

  constructor(stores: readonly EsoStoreId[]) {
    const count = new Map<string, number>();
    for (const s of stores) count.set(s.name, (count.get(s.name) ?? 0) + 1);
    for (const s of stores) {
      const central =
        s.kind === 'SecretStore' && (count.get(s.name) ?? 0) > 1
          ? `${s.namespace ?? 'default'}-${s.name}`
          : s.name;
      this.#central.set(StoreNames.#key(s), central);
      this.#byName.set(s.name, [...(this.#byName.get(s.name) ?? []), central]);
    }
  }

  static #key(s: EsoStoreId): string {
    return s.kind === 'ClusterSecretStore' ? `C/${s.name}` : `S/${s.namespace ?? 'default'}/${s.name}`;
  }

  centralName(s: EsoStoreId): string {
    return this.#central.get(StoreNames.#key(s)) ?? s.name;
  }

  /** The central name of a store reference; `namespace` is undefined in a ClusterExternalSecret. */
  resolve(
    ref: { name: string; kind?: string },
    namespace: string | undefined,
  ): { name: string; known: boolean } {
    const kind = ref.kind === 'ClusterSecretStore' ? 'ClusterSecretStore' : 'SecretStore';
    if (kind === 'ClusterSecretStore' || namespace !== undefined) {
      const key = StoreNames.#key({ kind, namespace, name: ref.name });
      const central = this.#central.get(key);
      if (central) return { name: central, known: true };
    }
    if (namespace === undefined) {
      // A ClusterExternalSecret's SecretStore ref means "the store of that name in each namespace".
      const candidates = [...new Set(this.#byName.get(ref.name) ?? [])];
      if (candidates.length === 1) return { name: candidates[0]!, known: true };
    }
    return { name: ref.name, known: false };
  }
}
