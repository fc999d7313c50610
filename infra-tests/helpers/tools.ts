/**
 * Command-line tools the tests run (helm, umoci, crane), built into the shared cache by their
 * infra-tests/peers/build-<tool>.sh scripts at the version pinned in versions.json.
 */
import { join } from 'node:path';
import { peerCacheDir, peerVersions, requireInstalled } from '../peers/peer-process.js';

export type CachedTool = 'helm' | 'umoci' | 'crane';

/** The tool's binary; throws naming its build script when it is not in the cache yet. */
export function cachedToolBinary(tool: CachedTool): string {
  const version = peerVersions()[tool];
  if (!version) throw new Error(`infra-tests/peers/versions.json pins no ${tool} version`);
  return requireInstalled(tool, join(peerCacheDir(tool, version), 'bin', tool), `build-${tool}.sh`);
}
