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

export interface ClassifiedRequest {
  verb: KubeVerb;
  /** Plural resource, with "/subresource" when there is one, e.g. "externalsecrets/status". */
  resource: string;
}

/**
 * Reads verb and resource off a REST request the way the API server's request-info resolver does:
 * /api/v1/[namespaces/NS/]RESOURCE[/NAME[/SUB]] or /apis/GROUP/VERSION/[namespaces/NS/]RESOURCE...
 */
export function classifyRequest(method: string, url: string, contentType?: string): ClassifiedRequest {
  const segments = new URL(url).pathname.split('/').filter(Boolean);
  let rest: string[];
  if (segments[0] === 'api') rest = segments.slice(2);
  else if (segments[0] === 'apis') rest = segments.slice(3);
  else return { verb: 'other', resource: segments.join('/') || '/' };

  let resource: string | undefined;
  let name: string | undefined;
  let sub: string | undefined;
  if (rest[0] === 'namespaces' && rest.length >= 3) {
    [, , resource, name, sub] = rest;
  } else {
    [resource, name, sub] = rest;
  }
  const fullResource = `${resource ?? ''}${sub ? `/${sub}` : ''}`;

  switch (method.toUpperCase()) {
    case 'GET':
      return { verb: name ? 'get' : 'list', resource: fullResource };
    case 'POST':
      return { verb: 'create', resource: fullResource };
    case 'PUT':
      return { verb: 'update', resource: fullResource };
    case 'PATCH':
      return {
        verb: contentType?.startsWith('application/apply-patch') ? 'apply' : 'patch',
        resource: fullResource,
      };
    case 'DELETE':
      return { verb: 'delete', resource: fullResource };
    default:
      return { verb: 'other', resource: fullResource };
  }
}
