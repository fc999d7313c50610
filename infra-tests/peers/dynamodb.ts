import { join } from 'node:path';
import { DynamoDBClient, ListTablesCommand } from '@aws-sdk/client-dynamodb';
import {
  onFreePort,
  peerCacheDir,
  peerVersions,
  requireInstalled,
  spawnPeer,
  waitForPeer,
} from './peer-process.js';
import type { PeerEndpoints, RunningPeer } from './types.js';

export type RunningDynamoDb = RunningPeer & PeerEndpoints['dynamodb'];

export interface StartDynamoDbOptions {
  /** Folder for this run's logs. */
  runDir: string;
  region?: string;
  timeoutMs?: number;
}

/** DynamoDB Local rejects access key ids that are not alphanumeric; any secret key passes. */
export const dynamoDbLocalCredentials = { accessKeyId: 'fleetsecretslocal', secretAccessKey: 'local' };

/**
 * Starts DynamoDB Local in memory with one shared database (every region and access key sees the
 * same tables) and waits until ListTables answers. It has no bind flag, so it listens on every
 * interface; clients use 127.0.0.1.
 */
export async function startDynamoDb({
  runDir,
  region = 'us-east-1',
  timeoutMs = 90_000,
}: StartDynamoDbOptions): Promise<RunningDynamoDb> {
  const version = peerVersions().dynamodbLocal!;
  const lib = join(peerCacheDir('dynamodb-local', version), 'lib');
  requireInstalled('dynamodb', join(lib, `DynamoDBLocal-${version}.jar`), 'install-dynamodb.sh');
  return await onFreePort(async (port) => {
    const url = `http://127.0.0.1:${port}`;
    const peer = spawnPeer({
      name: 'dynamodb',
      command: 'java',
      args: [
        // Small in-memory tables: a bounded heap and the serial collector keep the JVM light on a
        // two-core machine that also runs apiservers.
        '-Xmx1g',
        '-XX:+UseSerialGC',
        // sqlite4java loads its native library from here.
        `-Djava.library.path=${lib}`,
        '-cp',
        join(lib, '*'),
        'software.amazon.dynamodb.services.local.main.ServerRunner',
        '-inMemory',
        '-sharedDb',
        '-disableTelemetry',
        '-port',
        String(port),
      ],
      runDir,
    });
    const client = new DynamoDBClient({
      endpoint: url,
      region,
      credentials: dynamoDbLocalCredentials,
      maxAttempts: 1,
      requestHandler: { requestTimeout: 2_000 },
    });
    try {
      await waitForPeer(peer, {
        timeoutMs,
        intervalMs: 300,
        probe: async () => Array.isArray((await client.send(new ListTablesCommand({}))).TableNames),
      });
    } finally {
      client.destroy();
    }
    return { name: peer.name, logFile: peer.logFile, stop: peer.stop, url, region };
  });
}
