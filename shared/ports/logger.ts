/**
 * Structured logging, the one logger port: a message and attributes that name objects, reasons and
 * counts, never values. Powertools' Logger (the functions), the watcher's JSON lines and dev
 * mode's console logger all fit it.
 */
export type LogAttributes = Record<string, unknown>;

export interface Logger {
  debug(message: string, attributes?: LogAttributes): void;
  info(message: string, attributes?: LogAttributes): void;
  warn(message: string, attributes?: LogAttributes): void;
  error(message: string, attributes?: LogAttributes): void;
}
