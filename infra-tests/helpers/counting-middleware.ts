/**
 * An AWS SDK v3 middleware that counts requests by command, for tests and benchmarks that assert
 * how many calls batching and coalescing left (never wall-clock time). `commands` counts what the
 * code asked for; `attempts` counts what went over the wire, retries included.
 */
import type { MiddlewareStack } from '@smithy/types';

export interface RequestCounts {
  /** Logical calls per operation name, e.g. BatchGetSecretValue (one per `client.send`). */
  readonly commands: Readonly<Record<string, number>>;
  /** Wire attempts per command name: a call retried twice counts three. */
  readonly attempts: Readonly<Record<string, number>>;
  /** Logical calls of one command, or of all. */
  count(commandName?: string): number;
  reset(): void;
}

// biome-ignore lint/suspicious/noExplicitAny: a middleware stack of any client's input/output types.
type AnyStack = MiddlewareStack<any, any>;

const defaults = {
  /** Middleware names, unique per client so that counting twice is refused rather than doubled. */
  name: 'fleetSecretsRequestCounter',
};

export function countRequests(
  client: { middlewareStack: AnyStack },
  opts: Partial<typeof defaults> = {},
): RequestCounts {
  const options = { ...defaults, ...opts };
  const commands: Record<string, number> = {};
  const attempts: Record<string, number> = {};
  // Counted under the API operation name (BatchGetSecretValue), not the class (…Command).
  const bump = (into: Record<string, number>, commandName: string | undefined) => {
    const name = (commandName ?? 'unknown').replace(/Command$/, '');
    into[name] = (into[name] ?? 0) + 1;
  };
  client.middlewareStack.add(
    (next, context) => async (args) => {
      bump(commands, context.commandName);
      return next(args);
    },
    { step: 'initialize', name: `${options.name}Commands`, priority: 'high' },
  );
  // The retry middleware sits in finalizeRequest and calls the rest of the stack once per attempt,
  // so a deserialize-step middleware sees every attempt.
  client.middlewareStack.add(
    (next, context) => async (args) => {
      bump(attempts, context.commandName);
      return next(args);
    },
    { step: 'deserialize', name: `${options.name}Attempts`, priority: 'high' },
  );
  return {
    commands,
    attempts,
    count: (commandName) =>
      commandName === undefined
        ? Object.values(commands).reduce((a, b) => a + b, 0)
        : (commands[commandName] ?? 0),
    reset: () => {
      for (const key of Object.keys(commands)) delete commands[key];
      for (const key of Object.keys(attempts)) delete attempts[key];
    },
  };
}
