/**
 * Human-readable log lines for dev mode, one per event: `12:00:01 INFO  reconcile  secret written
 * clusterId=local namespace=default name=demo-app`. The handler cores and the reconcile engine log
 * ids, reasons and counts, never values, so nothing here needs redaction.
 */
import type { Logger } from '@aws-lambda-powertools/logger';
import type { Metrics } from '@aws-lambda-powertools/metrics';
import type { Tracer } from '@aws-lambda-powertools/tracer';
import type { Observability } from '../../functions/lib/observability.js';
import type { Styles } from '../output/terminal.js';

export type DevLogLevel = 'debug' | 'info' | 'warn' | 'error';
const RANK: Record<DevLogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40 };

export function parseLogLevel(value: string): DevLogLevel {
  if (value in RANK) return value as DevLogLevel;
  throw new Error(`--log-level: "${value}" is not one of debug, info, warn, error`);
}

export interface DevLoggerOptions {
  service: string;
  level: DevLogLevel;
  write: (line: string) => void;
  style: Styles;
}

export class DevLogger {
  readonly #options: DevLoggerOptions;
  #keys: Record<string, unknown> = {};

  constructor(options: DevLoggerOptions) {
    this.#options = options;
  }

  debug(message: string, attributes?: Record<string, unknown>): void {
    this.#log('debug', message, attributes);
  }
  info(message: string, attributes?: Record<string, unknown>): void {
    this.#log('info', message, attributes);
  }
  warn(message: string, attributes?: Record<string, unknown>): void {
    this.#log('warn', message, attributes);
  }
  error(message: string, attributes?: Record<string, unknown>): void {
    this.#log('error', message, attributes);
  }
  appendKeys(keys: Record<string, unknown>): void {
    this.#keys = { ...this.#keys, ...keys };
  }
  resetKeys(): void {
    this.#keys = {};
  }

  #log(level: DevLogLevel, message: string, attributes: Record<string, unknown> = {}): void {
    if (RANK[level] < RANK[this.#options.level]) return;
    const { style } = this.#options;
    const time = new Date().toISOString().slice(11, 19);
    const tag = {
      debug: style.dim('DEBUG'),
      info: 'INFO ',
      warn: style.yellow('WARN '),
      error: style.red('ERROR'),
    }[level];
    const fields = Object.entries({ ...this.#keys, ...attributes })
      .filter(([, v]) => v !== undefined)
      .map(([k, v]) => `${k}=${formatValue(v)}`)
      .join(' ');
    this.#options.write(
      `${style.dim(time)} ${tag} ${style.dim(this.#options.service.padEnd(9))} ${message}${fields ? ` ${style.dim(fields)}` : ''}`,
    );
  }
}

function formatValue(value: unknown): string {
  if (value instanceof Error) return JSON.stringify(`${value.name}: ${value.message}`);
  if (typeof value === 'string') return /\s/.test(value) ? JSON.stringify(value) : value;
  return JSON.stringify(value);
}

/**
 * The handler cores take Powertools' trio; in dev mode they get this logger and no-op metrics and
 * tracing. The cast is confined here: the cores only call info/warn/error/debug/appendKeys and
 * addMetric, which these provide.
 */
export function devObservability(logger: DevLogger): Observability {
  const metrics = { addMetric() {}, publishStoredMetrics() {} };
  return {
    logger: logger as unknown as Logger,
    metrics: metrics as unknown as Metrics,
    tracer: {} as Tracer,
  };
}
