/**
 * Entry point of the watcher image: configuration from the environment, the pod's ServiceAccount for
 * the apiserver, the default AWS credential chain (EKS Pod Identity or IRSA) for Lambda. SIGTERM
 * flushes pending notices before the process exits.
 */
import { LambdaClient } from '@aws-sdk/client-lambda';
import { startWatcherApp } from './app.js';
import { loadWatcherConfig } from './config.js';
import { inClusterConnection } from './kube/api-connection.js';
import { HttpsMetadataApi } from './kube/https-metadata-api.js';
import { LambdaNoticeSink } from './lambda-notice-sink.js';
import { createJsonLogger } from './logger.js';

async function main(): Promise<void> {
  const bootLogger = createJsonLogger();
  let config: ReturnType<typeof loadWatcherConfig>;
  let connection: ReturnType<typeof inClusterConnection>;
  try {
    config = loadWatcherConfig();
    // Overridable so the memory bench can run the real bundle against a test apiserver.
    const dir = process.env.WATCHER_SERVICE_ACCOUNT_DIR;
    connection = inClusterConnection(dir ? { dir } : {});
  } catch (error) {
    bootLogger.error('invalid configuration', { error });
    process.exit(2);
  }
  const logger = createJsonLogger({ level: config.logLevel });
  // Node prints process warnings (e.g. the AWS SDK's runtime notice) as plain text on stderr; log
  // them as JSON instead so every line the pod writes parses.
  process.removeAllListeners('warning');
  process.on('warning', (warning) =>
    logger.info('runtime warning', { warning: warning.name, text: warning.message }),
  );
  const app = await startWatcherApp({
    config,
    api: new HttpsMetadataApi({ connection }),
    sink: new LambdaNoticeSink({
      client: new LambdaClient({
        region: config.region,
        // Bounded so a hung connection cannot stall delivery; the dispatcher retries with backoff.
        requestHandler: { connectionTimeout: 5_000, requestTimeout: 30_000 },
      }),
      functionName: config.ingestFunction,
      signingKey: config.signingKey,
    }),
    logger,
  });
  const stop = (signal: NodeJS.Signals) => {
    void app.shutdown(signal).then(
      ({ unsent }) => process.exit(unsent > 0 ? 1 : 0),
      (error: unknown) => {
        logger.error('shutdown failed', { error });
        process.exit(1);
      },
    );
  };
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
}

main().catch((error: unknown) => {
  createJsonLogger().error('watcher failed to start', { error });
  process.exit(1);
});
