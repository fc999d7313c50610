import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { WatcherConfigError } from '../errors.js';
import { inClusterConnection, staticConnection } from './api-connection.js';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'watcher-sa-'));
  writeFileSync(join(dir, 'ca.crt'), 'CA-PEM');
  writeFileSync(join(dir, 'token'), 'token-1\n');
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const env = { KUBERNETES_SERVICE_HOST: '10.100.0.1', KUBERNETES_SERVICE_PORT: '443' };

describe('inClusterConnection', () => {
  it('should use the kubernetes service address and the mounted ServiceAccount', () => {
    const connection = inClusterConnection({ env, dir });
    expect(connection.server.href).toBe('https://10.100.0.1/');
    expect(connection.credentials()).toEqual({ ca: 'CA-PEM', token: 'token-1' });
  });

  it('should bracket an IPv6 service address', () => {
    const connection = inClusterConnection({ env: { ...env, KUBERNETES_SERVICE_HOST: 'fd00::1' }, dir });
    expect(connection.server.hostname).toBe('[fd00::1]');
  });

  it('should re-read the token once the reuse period has passed, since the kubelet rotates it', () => {
    let now = 0;
    const connection = inClusterConnection({ env, dir, tokenReuseMs: 60_000, now: () => now });
    writeFileSync(join(dir, 'token'), 'token-2');
    now = 59_999;
    expect(connection.credentials().token).toBe('token-1');
    now = 60_000;
    expect(connection.credentials().token).toBe('token-2');
  });

  it('should name the missing service variable outside a pod', () => {
    expect(() => inClusterConnection({ env: { KUBERNETES_SERVICE_PORT: '443' }, dir })).toThrow(
      WatcherConfigError,
    );
    expect(() => inClusterConnection({ env: { KUBERNETES_SERVICE_HOST: 'h' }, dir })).toThrow(
      /KUBERNETES_SERVICE_PORT/,
    );
  });
});

describe('staticConnection', () => {
  it('should hand out the given CA and token', () => {
    const connection = staticConnection({ server: 'https://127.0.0.1:6443', caData: 'CA', token: 't' });
    expect(connection.server.port).toBe('6443');
    expect(connection.credentials()).toEqual({ ca: 'CA', token: 't' });
  });
});
