/**
 * The endpoint and CA of one kubeconfig context, read from the file as kubectl would (CA inline
 * as certificate-authority-data, or a file path relative to the kubeconfig).
 */
import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { parse } from 'yaml';
import { UsageError } from '../errors.js';

interface KubeconfigFile {
  'current-context'?: string;
  contexts?: Array<{ name: string; context?: { cluster?: string; user?: string } }>;
  clusters?: Array<{
    name: string;
    cluster?: { server?: string; 'certificate-authority-data'?: string; 'certificate-authority'?: string };
  }>;
}

export interface KubeconfigTarget {
  /** Absolute path: the control plane re-reads the file for credentials. */
  path: string;
  context: string;
  endpoint: string;
  caData?: string;
}

export function readKubeconfig(path: string): KubeconfigFile {
  try {
    return (parse(readFileSync(path, 'utf8')) ?? {}) as KubeconfigFile;
  } catch (error) {
    throw new UsageError(`--kubeconfig ${path}: cannot read it (${(error as Error).message.split('\n')[0]})`);
  }
}

/** Every context name in the file, current one first. */
export function kubeconfigContexts(path: string): string[] {
  const file = readKubeconfig(path);
  const names = (file.contexts ?? []).map((c) => c.name);
  const current = file['current-context'];
  return current && names.includes(current) ? [current, ...names.filter((n) => n !== current)] : names;
}

export function kubeconfigTarget(path: string, context?: string): KubeconfigTarget {
  const absolute = resolve(path);
  const file = readKubeconfig(absolute);
  const name = context ?? file['current-context'];
  if (!name) throw new UsageError(`--kubeconfig ${path}: no current-context; pass --context`);
  const ctx = (file.contexts ?? []).find((c) => c.name === name);
  if (!ctx) {
    const known = (file.contexts ?? []).map((c) => c.name).join(', ') || 'none';
    throw new UsageError(`--context ${name}: not in ${path} (contexts: ${known})`);
  }
  const cluster = (file.clusters ?? []).find((c) => c.name === ctx.context?.cluster)?.cluster;
  if (!cluster?.server) {
    throw new UsageError(
      `--kubeconfig ${path}: context ${name} names cluster "${ctx.context?.cluster}" without a server`,
    );
  }
  let caData: string | undefined;
  if (cluster['certificate-authority-data']) {
    caData = Buffer.from(cluster['certificate-authority-data'], 'base64').toString('utf8');
  } else if (cluster['certificate-authority']) {
    const caFile = resolve(dirname(absolute), cluster['certificate-authority']);
    try {
      caData = readFileSync(caFile, 'utf8');
    } catch {
      throw new UsageError(`--kubeconfig ${path}: cannot read its certificate-authority file ${caFile}`);
    }
  }
  return { path: absolute, context: name, endpoint: cluster.server, ...(caData ? { caData } : {}) };
}
