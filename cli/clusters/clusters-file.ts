/**
 * `clusters add -f FILE`: many registrations at once. Each YAML document (or each item of a
 * document that is a list) is one cluster, with the same fields as the flags:
 *
 *   name: prod-eu-1
 *   labels: { env: prod, region: eu }
 *   eksCluster: arn:aws:eks:eu-west-1:111122223333:cluster/prod-eu-1
 */
import { UsageError } from '../errors.js';
import { loadManifests } from '../manifests/load-manifests.js';
import type { ClusterSource } from './registration.js';

const FIELDS: Record<keyof ClusterSource, 'string' | 'map' | 'list'> = {
  name: 'string',
  labels: 'map',
  namespaces: 'list',
  eksCluster: 'string',
  eksRole: 'string',
  region: 'string',
  endpoint: 'string',
  caFile: 'string',
  tokenSecret: 'string',
  kubeconfig: 'string',
  context: 'string',
};

export function readClustersFile(paths: readonly string[]): ClusterSource[] {
  const sources: ClusterSource[] = [];
  const problems: string[] = [];
  for (const manifest of loadManifests(paths)) {
    const items = Array.isArray(manifest.object) ? manifest.object : [manifest.object];
    items.forEach((item, i) => {
      const at = Array.isArray(manifest.object) ? `[${i}]` : '';
      const where = (field: string) =>
        `${manifest.file}:${manifest.lineOf(`${at}${at && field ? '.' : ''}${field}`)}`;
      if (typeof item !== 'object' || item === null) {
        problems.push(`${where('')}: a cluster must be a mapping with at least "name"`);
        return;
      }
      const record = item as Record<string, unknown>;
      let ok = true;
      for (const [key, value] of Object.entries(record)) {
        const kind = FIELDS[key as keyof ClusterSource];
        if (!kind) {
          problems.push(`${where(key)}: ${key}: unknown field (known: ${Object.keys(FIELDS).join(', ')})`);
          ok = false;
        } else if (
          (kind === 'string' && typeof value !== 'string') ||
          (kind === 'list' && (!Array.isArray(value) || value.some((v) => typeof v !== 'string'))) ||
          (kind === 'map' &&
            (typeof value !== 'object' ||
              value === null ||
              Array.isArray(value) ||
              Object.values(value).some((v) => typeof v !== 'string')))
        ) {
          problems.push(
            `${where(key)}: ${key}: must be a ${kind === 'map' ? 'map of strings' : kind === 'list' ? 'list of strings' : 'string'}`,
          );
          ok = false;
        }
      }
      if (typeof record.name !== 'string') {
        problems.push(`${where('')}: name: required`);
        ok = false;
      }
      if (ok) sources.push(record as unknown as ClusterSource);
    });
  }
  if (problems.length > 0) throw new UsageError('the clusters file has problems', problems);
  return sources;
}
