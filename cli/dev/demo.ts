/**
 * The first-run demo: a secrets file, a file store allowed to serve it to namespace default, and an
 * ExternalSecret there that reads it. What the README's second command then shows as synced.
 */
import { randomBytes } from 'node:crypto';
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { CustomObjectsApi, type KubeConfig } from '@kubernetes/client-node';
import { API_GROUP, API_GROUP_VERSION, API_VERSION, type SecretStore } from '../../shared/domain/schema.js';

export const DEMO = {
  store: 'demo',
  key: 'demo/app',
  namespace: 'default',
  externalSecret: 'demo-app',
  secretsFile: 'demo-secrets.yaml',
} as const;

/** Written once: later runs keep the user's edits. */
export function writeDemoSecretsFile(devDir: string): string {
  const file = join(devDir, DEMO.secretsFile);
  if (!existsSync(file)) {
    writeFileSync(
      file,
      [
        '# Secrets of the dev-mode "demo" store (a file provider: dev mode only).',
        '# Edit a value and save: every Secret that reads it is rewritten within a second.',
        `${DEMO.key}:`,
        '  username: demo',
        `  password: ${randomBytes(9).toString('base64url')}`,
        '',
      ].join('\n'),
      { mode: 0o600 },
    );
  }
  return file;
}

export function demoStore(secretsFile: string): SecretStore {
  return {
    apiVersion: API_GROUP_VERSION,
    kind: 'SecretStore',
    metadata: { name: DEMO.store },
    spec: {
      provider: { file: { path: secretsFile } },
      accessPolicy: { clusterSelector: {}, namespaces: [DEMO.namespace], keys: ['demo/**'] },
    },
  };
}

export async function createDemoExternalSecret(kc: KubeConfig): Promise<void> {
  const api = kc.makeApiClient(CustomObjectsApi);
  const body = {
    apiVersion: API_GROUP_VERSION,
    kind: 'ExternalSecret',
    metadata: { name: DEMO.externalSecret, namespace: DEMO.namespace },
    spec: {
      secretStoreRef: { name: DEMO.store },
      refreshInterval: '1h',
      target: { name: DEMO.externalSecret },
      data: [
        { secretKey: 'username', remoteRef: { key: DEMO.key, property: 'username' } },
        { secretKey: 'password', remoteRef: { key: DEMO.key, property: 'password' } },
      ],
    },
  };
  try {
    await api.createNamespacedCustomObject({
      group: API_GROUP,
      version: API_VERSION,
      namespace: DEMO.namespace,
      plural: 'externalsecrets',
      body,
    });
  } catch (error) {
    // Already there (a reused cluster): the user's version stays.
    if ((error as { code?: number }).code !== 409) throw error;
  }
}
