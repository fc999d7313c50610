import { describe, expect, it } from 'vitest';
import { createJsonLogger } from './logger.js';

describe('createJsonLogger', () => {
  it('should write one JSON object per line with time, level, service, message and fields', () => {
    const lines: string[] = [];
    const logger = createJsonLogger({ write: (line) => lines.push(line), now: () => new Date(0) });
    logger.info('listed', { kind: 'ExternalSecret', objects: 3 });
    expect(lines.map((line) => JSON.parse(line))).toEqual([
      {
        time: '1970-01-01T00:00:00.000Z',
        level: 'info',
        service: 'fleet-secrets-watcher',
        message: 'listed',
        kind: 'ExternalSecret',
        objects: 3,
      },
    ]);
  });

  it('should drop entries below the configured level', () => {
    const lines: string[] = [];
    const logger = createJsonLogger({ level: 'warn', write: (line) => lines.push(line) });
    logger.debug('a');
    logger.info('b');
    logger.warn('c');
    logger.error('d');
    expect(lines.map((line) => JSON.parse(line).message)).toEqual(['c', 'd']);
  });

  it('should log errors as name, message and code', () => {
    const lines: string[] = [];
    const logger = createJsonLogger({ write: (line) => lines.push(line) });
    const error = Object.assign(new TypeError('boom'), { code: 'ECONNRESET' });
    logger.error('failed', { error });
    expect(JSON.parse(lines[0]!).error).toEqual({ name: 'TypeError', message: 'boom', code: 'ECONNRESET' });
  });
});
