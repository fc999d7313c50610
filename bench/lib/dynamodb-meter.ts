/**
 * Counts DynamoDB requests and the capacity units they consume, per function, at the SDK: a
 * middleware asks every data-plane request for its ConsumedCapacity (DynamoDB Local computes it from
 * the real item sizes, indexes included) and adds it up. The on-demand bill is exactly these units.
 *
 * Three corrections, because DynamoDB Local reports less than AWS bills:
 * - a request costs at least one unit even when it touches nothing (an empty Query, a missing
 *   item): 1 WRU per write, 1 RRU per strongly consistent read, 0.5 RRU per eventually consistent one;
 * - transactional requests cost twice the units of the same plain writes/reads;
 * - a conditional write that fails still costs a write unit (Local returns no capacity with the
 *   error), so each failed write is counted as 1 WRU.
 */
import type { MiddlewareStack } from '@smithy/types';

/** Requests that support ReturnConsumedCapacity; the rest (CreateTable...) are not metered. */
const METERED = new Set([
  'GetItem',
  'Query',
  'Scan',
  'BatchGetItem',
  'TransactGetItems',
  'PutItem',
  'UpdateItem',
  'DeleteItem',
  'BatchWriteItem',
  'TransactWriteItems',
]);
const READS = new Set(['GetItem', 'Query', 'Scan', 'BatchGetItem', 'TransactGetItems']);
const TRANSACTIONS = new Set(['TransactGetItems', 'TransactWriteItems']);

/** The document client's commands (GetCommand...) are the same operations as the low-level ones. */
const DOCUMENT_COMMANDS: Record<string, string> = {
  Get: 'GetItem',
  Put: 'PutItem',
  Update: 'UpdateItem',
  Delete: 'DeleteItem',
  BatchGet: 'BatchGetItem',
  BatchWrite: 'BatchWriteItem',
  TransactGet: 'TransactGetItems',
  TransactWrite: 'TransactWriteItems',
};

export function operationName(commandName: string | undefined): string {
  const bare = (commandName ?? 'unknown').replace(/Command$/, '');
  return DOCUMENT_COMMANDS[bare] ?? bare;
}

export interface DynamoDbUsage {
  /** Requests by operation (GetItem, Query, PutItem...). */
  requests: Record<string, number>;
  reads: number;
  writes: number;
  /** Read request units (on-demand), index reads included. */
  rru: number;
  /** Write request units (on-demand), index writes included. */
  wru: number;
  /** Conditional writes that lost (each billed as 1 WRU above). */
  failedWrites: number;
}

export function emptyUsage(): DynamoDbUsage {
  return { requests: {}, reads: 0, writes: 0, rru: 0, wru: 0, failedWrites: 0 };
}

export function addUsage(into: DynamoDbUsage, from: DynamoDbUsage): DynamoDbUsage {
  for (const [op, n] of Object.entries(from.requests)) into.requests[op] = (into.requests[op] ?? 0) + n;
  into.reads += from.reads;
  into.writes += from.writes;
  into.rru += from.rru;
  into.wru += from.wru;
  into.failedWrites += from.failedWrites;
  return into;
}

export function subtractUsage(after: DynamoDbUsage, before: DynamoDbUsage): DynamoDbUsage {
  const requests: Record<string, number> = {};
  for (const [op, n] of Object.entries(after.requests)) {
    const d = n - (before.requests[op] ?? 0);
    if (d !== 0) requests[op] = d;
  }
  return {
    requests,
    reads: after.reads - before.reads,
    writes: after.writes - before.writes,
    rru: after.rru - before.rru,
    wru: after.wru - before.wru,
    failedWrites: after.failedWrites - before.failedWrites,
  };
}

export function scaleUsage(usage: DynamoDbUsage, factor: number): DynamoDbUsage {
  const requests: Record<string, number> = {};
  for (const [op, n] of Object.entries(usage.requests)) requests[op] = n * factor;
  return {
    requests,
    reads: usage.reads * factor,
    writes: usage.writes * factor,
    rru: usage.rru * factor,
    wru: usage.wru * factor,
    failedWrites: usage.failedWrites * factor,
  };
}

interface ConsumedCapacity {
  CapacityUnits?: number;
}

/** Capacity units of one response: a single ConsumedCapacity, or one per table (batch, transaction). */
export function capacityUnits(consumed: unknown): number {
  const list = (Array.isArray(consumed) ? consumed : consumed ? [consumed] : []) as ConsumedCapacity[];
  return list.reduce((sum, c) => sum + (c.CapacityUnits ?? 0), 0);
}

/** Adds one metered response (or failure) to `usage`. */
export function record(
  usage: DynamoDbUsage,
  operation: string,
  outcome: { consumed: unknown } | { failed: true },
  consistentRead = false,
): void {
  if (!METERED.has(operation)) return;
  usage.requests[operation] = (usage.requests[operation] ?? 0) + 1;
  const read = READS.has(operation);
  if (read) usage.reads++;
  else usage.writes++;
  if ('failed' in outcome) {
    if (!read) {
      usage.failedWrites++;
      usage.wru += 1;
    }
    return;
  }
  const minimum = read ? (consistentRead ? 1 : 0.5) : 1;
  const units = Math.max(minimum, capacityUnits(outcome.consumed)) * (TRANSACTIONS.has(operation) ? 2 : 1);
  if (read) usage.rru += units;
  else usage.wru += units;
}

// biome-ignore lint/suspicious/noExplicitAny: a middleware stack of any client's input/output types.
type AnyStack = MiddlewareStack<any, any>;

export class DynamoDbMeter {
  readonly #byLabel = new Map<string, DynamoDbUsage>();
  readonly #label: () => string;

  /** `label` names who is calling (the function whose handler is running), read per request. */
  constructor({ client, label }: { client: { middlewareStack: AnyStack }; label: () => string }) {
    this.#label = label;
    client.middlewareStack.add(
      (next, context) => async (args) => {
        const operation = operationName(context.commandName);
        const input = args.input as Record<string, unknown>;
        if (METERED.has(operation) && input.ReturnConsumedCapacity === undefined) {
          input.ReturnConsumedCapacity = 'INDEXES';
        }
        const usage = this.#usageOf(this.#label());
        try {
          const out = await next(args);
          record(
            usage,
            operation,
            { consumed: (out.output as { ConsumedCapacity?: unknown }).ConsumedCapacity },
            input.ConsistentRead === true,
          );
          return out;
        } catch (error) {
          record(usage, operation, { failed: true });
          throw error;
        }
      },
      { step: 'initialize', name: 'benchDynamoDbMeter', priority: 'high' },
    );
  }

  /** A copy of the usage so far, of one label or of all. */
  usage(label?: string): DynamoDbUsage {
    if (label !== undefined) return addUsage(emptyUsage(), this.#byLabel.get(label) ?? emptyUsage());
    const total = emptyUsage();
    for (const usage of this.#byLabel.values()) addUsage(total, usage);
    return total;
  }

  /** Usage by label, copied. */
  all(): Record<string, DynamoDbUsage> {
    return Object.fromEntries([...this.#byLabel].map(([label, u]) => [label, addUsage(emptyUsage(), u)]));
  }

  #usageOf(label: string): DynamoDbUsage {
    let usage = this.#byLabel.get(label);
    if (!usage) {
      usage = emptyUsage();
      this.#byLabel.set(label, usage);
    }
    return usage;
  }
}
