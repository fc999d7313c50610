/**
 * Which control-plane function is running right now, carried through async calls, so DynamoDB
 * requests and log bytes land on the function that caused them even when passes overlap.
 */
import { AsyncLocalStorage } from 'node:async_hooks';

export type Role = 'rotation' | 'sweep' | 'ingest' | 'reconcile-cluster' | 'setup';

const storage = new AsyncLocalStorage<Role>();

export function runAs<T>(role: Role, work: () => T): T {
  return storage.run(role, work);
}

export function currentRole(): Role {
  return storage.getStore() ?? 'setup';
}

/**
 * Swallows what the handlers print (Powertools JSON logs and EMF metrics) and counts the bytes per
 * function: CloudWatch Logs bills them. The benchmark's own output passes through.
 */
export class HandlerOutputCapture {
  readonly bytes: Record<string, number> = {};
  readonly lines: Record<string, number> = {};
  /** CloudWatch metrics the functions emitted through EMF: "namespace/name/dimension values". */
  readonly metrics = new Set<string>();
  readonly #restore: Array<() => void> = [];

  start(): void {
    for (const stream of [process.stdout, process.stderr]) {
      const original = stream.write.bind(stream);
      stream.write = ((chunk: string | Uint8Array, ...rest: unknown[]) => {
        const role = storage.getStore();
        if (role === undefined || role === 'setup') {
          return (original as (c: unknown, ...r: unknown[]) => boolean)(chunk, ...rest);
        }
        const text = typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8');
        this.bytes[role] = (this.bytes[role] ?? 0) + Buffer.byteLength(text);
        this.lines[role] = (this.lines[role] ?? 0) + (text.match(/\n/g)?.length ?? 0);
        if (text.includes('"_aws"')) this.#collectMetrics(text);
        const callback = rest.find((r) => typeof r === 'function') as (() => void) | undefined;
        callback?.();
        return true;
      }) as typeof stream.write;
      this.#restore.push(() => {
        stream.write = original as typeof stream.write;
      });
    }
  }

  /** Each EMF document names its metrics and dimension keys; a metric is billed per name + dimensions. */
  #collectMetrics(text: string): void {
    for (const line of text.split('\n')) {
      if (!line.includes('"_aws"')) continue;
      try {
        const doc = JSON.parse(line) as {
          _aws?: {
            CloudWatchMetrics?: Array<{
              Namespace: string;
              Dimensions: string[][];
              Metrics: Array<{ Name: string }>;
            }>;
          };
        } & Record<string, unknown>;
        for (const directive of doc._aws?.CloudWatchMetrics ?? []) {
          for (const dimensions of directive.Dimensions) {
            const values = dimensions.map((d) => `${d}=${String(doc[d])}`).join(',');
            for (const metric of directive.Metrics)
              this.metrics.add(`${directive.Namespace}/${metric.Name}/${values}`);
          }
        }
      } catch {
        // Not one JSON document per line: not EMF.
      }
    }
  }

  stop(): void {
    for (const restore of this.#restore.splice(0)) restore();
  }
}
