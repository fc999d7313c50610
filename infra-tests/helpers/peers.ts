/**
 * How integration tests find the real peers: the global setup (or `npm run peers:up`) writes a
 * PeerEndpoints JSON file and points FLEET_SECRETS_PEERS at it.
 */
import { readFileSync } from 'node:fs';
import type { PeerEndpoints } from '../peers/types.js';

export const peersFileVariable = 'FLEET_SECRETS_PEERS';

/** The endpoints file is missing or names a peer that this run did not start. */
export class PeersNotAvailableError extends Error {
  override name = 'PeersNotAvailableError';
}

let cached: { file: string; endpoints: PeerEndpoints } | undefined;

/**
 * The endpoints of this run's peers. Reading a peer the run did not start (FLEET_SECRETS_PEERS_ONLY)
 * throws an error naming it, instead of an undefined deep inside a test.
 */
export function loadPeers(): PeerEndpoints {
  const file = process.env[peersFileVariable];
  if (!file) {
    throw new PeersNotAvailableError(
      `${peersFileVariable} is not set: run integration tests with \`npx vitest run --project integration\` ` +
        '(its global setup starts the peers), or start them with `npm run peers:up` and export what it prints',
    );
  }
  if (cached?.file !== file) cached = { file, endpoints: guardMissingPeers(readEndpoints(file), file) };
  return cached.endpoints;
}

function readEndpoints(file: string): PeerEndpoints {
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as PeerEndpoints;
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new PeersNotAvailableError(`cannot read the peer endpoints file ${file}: ${reason}`);
  }
}

const peerKeys = new Set(['kube', 'moto', 'dynamodb', 'vault']);

function guardMissingPeers(endpoints: PeerEndpoints, file: string): PeerEndpoints {
  return new Proxy(endpoints, {
    get(target, key, receiver) {
      const value = Reflect.get(target, key, receiver);
      if (value === undefined && typeof key === 'string' && peerKeys.has(key)) {
        const started = target.run?.started.join(', ') ?? 'unknown';
        throw new PeersNotAvailableError(
          `peer '${key}' was not started in this run (started: ${started}; endpoints file ${file}); ` +
            'unset FLEET_SECRETS_PEERS_ONLY or add it there',
        );
      }
      return value;
    },
  });
}
