import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { ClusterRecord } from '../../domain/records.js';
import { KubeClusterClientFactory } from './cluster-client-factory.js';
import { ClusterConfigError } from './errors.js';

const dir = mkdtempSync(join(tmpdir(), 'kcf-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const record = (path: string): ClusterRecord => ({
  clusterId: 'c1',
  endpoint: 'https://127.0.0.1:1',
  auth: { type: 'kubeconfig', path },
  labels: {},
  createdAt: '2026-01-01T00:00:00Z',
  updatedAt: '2026-01-01T00:00:00Z',
});

describe('KubeClusterClientFactory with a kubeconfig it cannot load', () => {
  it('should name the file and where it breaks, never quote the credentials in it', async () => {
    const path = join(dir, 'broken.kubeconfig');
    // The YAML parser's message shows the lines around the error: here, the user's token.
    writeFileSync(
      path,
      'apiVersion: v1\nusers:\n- name: u\n  user:\n    token: TOKEN-CANARY-123\n   bad: [x\n',
    );
    const factory = new KubeClusterClientFactory({ state: { getCluster: async () => undefined } });

    const error = await factory.forRecord(record(path)).catch((e: unknown) => e);

    expect(error).toBeInstanceOf(ClusterConfigError);
    const message = (error as Error).message;
    expect(message).not.toContain('TOKEN-CANARY-123');
    expect(message).toContain(path);
    expect(message).toContain('line 6');
  });

  it('should say that the file is missing', async () => {
    const factory = new KubeClusterClientFactory({ state: { getCluster: async () => undefined } });
    const error = await factory.forRecord(record(join(dir, 'absent'))).catch((e: unknown) => e);
    expect((error as Error).message).toContain('ENOENT');
  });
});
