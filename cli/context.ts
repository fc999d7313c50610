import type { Command } from 'commander';
import type { ApiClient } from './api-client/api-client.js';
import {
  type ConnectionOptions,
  createApiClient,
  type ResolvedTarget,
  resolveTarget,
} from './api-client/resolve.js';
import type { Terminal } from './output/terminal.js';

/** What every command gets: the terminal, and the control plane resolved from the global flags. */
export interface CliContext {
  terminal: Terminal;
  /** The global connection flags of this invocation. */
  connection(): ConnectionOptions;
  target(): ResolvedTarget;
  /** Built on first use, so commands that need no control plane never look for one. */
  api(): Promise<ApiClient>;
  /** Time source for relative times and timeouts. */
  now(): Date;
}

export function createContext(program: Command, terminal: Terminal): CliContext & { close(): void } {
  let target: ResolvedTarget | undefined;
  let client: Promise<ApiClient> | undefined;
  const connection = () => program.opts<ConnectionOptions>();
  const context = {
    terminal,
    connection,
    target: () => {
      target ??= resolveTarget(connection());
      return target;
    },
    api: () => {
      client ??= createApiClient(context.target());
      return client;
    },
    now: () => new Date(),
    close: () => {
      void client?.then((c) => c.close()).catch(() => undefined);
    },
  };
  return context;
}
