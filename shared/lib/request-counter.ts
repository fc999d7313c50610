/**
 * Counts the HTTP requests that really leave for an API server, by Kubernetes verb and resource
 * ("list secrets", "apply secrets", "patch externalsecrets/status"). Tests and benchmarks assert on
 * these numbers instead of wall-clock time: an unchanged pass must be one LIST and no write.
 */

export type KubeVerb = 'list' | 'get' | 'create' | 'apply' | 'patch' | 'update' | 'delete' | 'other';

const readVerbs: ReadonlySet<KubeVerb> = new Set(['list', 'get']);

export interface RequestCounts {
  total: number;
  reads: number;
  writes: number;
  /** `${verb} ${resource}` -> requests, e.g. "list secrets": 1. */
  byAction: Record<string, number>;
}

export class RequestCounter {
  #byAction = new Map<string, number>();
  #reads = 0;
  #writes = 0;

  record(verb: KubeVerb, resource: string): void {
    const action = `${verb} ${resource}`;
    this.#byAction.set(action, (this.#byAction.get(action) ?? 0) + 1);
    if (readVerbs.has(verb)) this.#reads++;
    else this.#writes++;
  }

  get reads(): number {
    return this.#reads;
  }

  get writes(): number {
    return this.#writes;
  }

  /** How many requests of one action, e.g. `count('list', 'secrets')`. */
  count(verb: KubeVerb, resource: string): number {
    return this.#byAction.get(`${verb} ${resource}`) ?? 0;
  }

  snapshot(): RequestCounts {
    return {
      total: this.#reads + this.#writes,
      reads: this.#reads,
      writes: this.#writes,
      byAction: Object.fromEntries([...this.#byAction.entries()].sort(([a], [b]) => a.localeCompare(b))),
    };
  }

  reset(): void {
    this.#byAction.clear();
    this.#reads = 0;
    this.#writes = 0;
  }
}

/** The difference between two snapshots of one counter: what happened in between. */
export function diffCounts(before: RequestCounts, after: RequestCounts): RequestCounts {
  const byAction: Record<string, number> = {};
  for (const [action, n] of Object.entries(after.byAction)) {
    const delta = n - (before.byAction[action] ?? 0);
    if (delta > 0) byAction[action] = delta;
  }
  return {
    total: after.total - before.total,
    reads: after.reads - before.reads,
    writes: after.writes - before.writes,
    byAction,
  };
}
