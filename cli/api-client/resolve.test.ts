import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { writeDevServer } from '../dev-state.js';
import { resolveTarget } from './resolve.js';

const dir = mkdtempSync(join(tmpdir(), 'resolve-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('resolveTarget', () => {
  it('should prefer an explicit api function, taking the region from its ARN', () => {
    const target = resolveTarget(
      { apiFunction: 'arn:aws:lambda:us-west-2:111122223333:function:api', devDir: dir },
      { FLEET_SECRETS_API_URL: undefined },
    );
    expect(target).toEqual({
      kind: 'lambda',
      functionName: 'arn:aws:lambda:us-west-2:111122223333:function:api',
      region: 'us-west-2',
      source: '--api-function',
    });
  });

  it('should find a running dev mode through its state file, with its token', () => {
    writeDevServer(dir, { url: 'http://127.0.0.1:1234', token: 't0k', pid: process.pid, startedAt: '' });
    expect(resolveTarget({ devDir: dir }, {})).toEqual({
      kind: 'http',
      url: 'http://127.0.0.1:1234',
      token: 't0k',
      source: `dev mode (${dir})`,
    });
  });

  it('should ignore the state file of a dev mode that is gone, and say how to get a control plane', () => {
    const stale = mkdtempSync(join(tmpdir(), 'resolve-stale-'));
    writeDevServer(stale, { url: 'http://127.0.0.1:1', token: 'x', pid: 2 ** 22 + 12345, startedAt: '' });
    expect(() => resolveTarget({ devDir: stale }, {})).toThrow('no control plane to talk to');
    rmSync(stale, { recursive: true, force: true });
  });
});
