/**
 * One JSON object per line on stdout: what log collectors in a cluster parse without configuration.
 * A few lines instead of Powertools' logger, whose Lambda-context features the watcher has no use for.
 * The watcher never sees secret values (no RBAC for Secrets), so nothing here needs redaction beyond
 * not dumping whole objects: callers log names, namespaces and resourceVersions.
 */
import type { LogAttributes, Logger } from '../shared/ports/logger.js';

export type { Logger };
export type LogLevel = 'debug' | 'info' | 'warn' | 'error';
export type LogFields = LogAttributes;

const rank: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40 };

export interface JsonLoggerOptions {
  level?: LogLevel;
  service?: string;
  /** Where lines go; stdout by default, a collecting function in tests. */
  write?: (line: string) => void;
  now?: () => Date;
}

function serializable(value: unknown): unknown {
  if (value instanceof Error) {
    const code = (value as { code?: unknown }).code;
    return { name: value.name, message: value.message, ...(code === undefined ? {} : { code }) };
  }
  return value;
}

export function createJsonLogger(options: JsonLoggerOptions = {}): Logger {
  const threshold = rank[options.level ?? 'info'];
  const service = options.service ?? 'fleet-secrets-watcher';
  const write = options.write ?? ((line: string) => process.stdout.write(`${line}\n`));
  const now = options.now ?? (() => new Date());
  const log = (level: LogLevel, message: string, fields?: LogFields): void => {
    if (rank[level] < threshold) return;
    const entry: LogFields = { time: now().toISOString(), level, service, message };
    for (const [key, value] of Object.entries(fields ?? {})) entry[key] = serializable(value);
    write(JSON.stringify(entry));
  };
  return {
    debug: (message, fields) => log('debug', message, fields),
    info: (message, fields) => log('info', message, fields),
    warn: (message, fields) => log('warn', message, fields),
    error: (message, fields) => log('error', message, fields),
  };
}

/** For tests and benches that do not read logs. */
export const silentLogger: Logger = { debug() {}, info() {}, warn() {}, error() {} };
