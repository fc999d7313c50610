/**
 * The file through which a running `fleet-secrets dev` tells other CLI invocations where it
 * listens: `<dev dir>/server.json`, readable by its owner only since it holds the API token.
 */
import { chmodSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

export const DEFAULT_DEV_DIR = '.fleet-secrets-dev';
export const DEV_DIR_VARIABLE = 'FLEET_SECRETS_DEV_DIR';

export interface DevServerInfo {
  /** http://127.0.0.1:PORT */
  url: string;
  /** Bearer token every request must carry. */
  token: string;
  pid: number;
  startedAt: string;
  /** The local cluster dev mode started, when it started one. */
  localCluster?: {
    server: string;
    /** Admin kubeconfig, for kubectl. */
    kubeconfig: string;
    /** Folder of its etcd and apiserver (logs, data): removed when dev mode stops. */
    runDir: string;
  };
}

/** The dev folder: the flag, else $FLEET_SECRETS_DEV_DIR, else ./.fleet-secrets-dev. */
export function resolveDevDir(flag: string | undefined, env: NodeJS.ProcessEnv = process.env): string {
  return resolve(flag || env[DEV_DIR_VARIABLE] || DEFAULT_DEV_DIR);
}

export function devServerFile(dir: string): string {
  return join(dir, 'server.json');
}

/** The running dev server of `dir`, or undefined when none runs (a stale file is ignored). */
export function readDevServer(dir: string): DevServerInfo | undefined {
  let info: DevServerInfo;
  try {
    info = JSON.parse(readFileSync(devServerFile(dir), 'utf8')) as DevServerInfo;
  } catch {
    return undefined;
  }
  try {
    process.kill(info.pid, 0);
  } catch {
    return undefined;
  }
  return info;
}

export function writeDevServer(dir: string, info: DevServerInfo): void {
  const file = devServerFile(dir);
  writeFileSync(file, `${JSON.stringify(info, null, 2)}\n`, { mode: 0o600 });
  chmodSync(file, 0o600);
}

/** Removes the file if it is still this process's (a newer dev server may have replaced it). */
export function removeDevServer(dir: string, pid: number): void {
  try {
    const info = JSON.parse(readFileSync(devServerFile(dir), 'utf8')) as DevServerInfo;
    if (info.pid === pid) rmSync(devServerFile(dir), { force: true });
  } catch {
    // Already gone.
  }
}
