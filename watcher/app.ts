/**
 * The running watcher process: the Watcher plus its probe and metrics listeners, and an orderly
 * shutdown. main.ts supplies the pod's connection and the Lambda sink; tests supply their own.
 */
import type { WatcherConfig } from './config.js';
import { type StartedHttpServer, startHttpServer } from './http-server.js';
import type { MetadataApi } from './kube/metadata-api.js';
import type { Logger } from './logger.js';
import { WatcherMetrics } from './metrics.js';
import type { NoticeSink } from './notice-sink.js';
import { Watcher } from './watcher.js';

export interface WatcherAppOptions {
  config: WatcherConfig;
  api: MetadataApi & { close?(): void };
  sink: NoticeSink;
  logger: Logger;
  /** Bind address of both listeners; tests use 127.0.0.1. */
  host?: string;
}

export interface WatcherApp {
  watcher: Watcher;
  metrics: WatcherMetrics;
  healthPort: number;
  metricsPort: number;
  /** Stops watching, flushes pending notices (bounded by config.shutdownTimeoutMs), closes listeners. */
  shutdown(reason: string): Promise<{ unsent: number }>;
}

export async function startWatcherApp({
  config,
  api,
  sink,
  logger,
  host,
}: WatcherAppOptions): Promise<WatcherApp> {
  const metrics = new WatcherMetrics();
  const watcher = new Watcher({
    clusterId: config.clusterId,
    api,
    sink,
    logger,
    metrics,
    debounceMs: config.debounceMs,
    maxPendingObjects: config.maxPendingObjects,
    maxBatchSize: config.maxBatchSize,
    resyncIntervalMs: config.resyncIntervalMs,
    watchTimeoutSeconds: config.watchTimeoutSeconds,
  });
  const servers: StartedHttpServer[] = [];
  try {
    servers.push(
      await startHttpServer({
        port: config.healthPort,
        ...(host ? { host } : {}),
        routes: {
          // Liveness does not depend on the apiserver or the control plane: restarting the pod
          // would not bring either back, and the watch loop already retries on its own.
          '/healthz': () =>
            watcher.stopping ? { status: 503, body: 'stopping\n' } : { status: 200, body: 'ok\n' },
          '/readyz': () =>
            watcher.ready ? { status: 200, body: 'ok\n' } : { status: 503, body: 'not synced\n' },
        },
      }),
    );
    servers.push(
      await startHttpServer({
        port: config.metricsPort,
        ...(host ? { host } : {}),
        routes: {
          '/metrics': () => ({
            status: 200,
            body: metrics.render(),
            contentType: 'text/plain; version=0.0.4; charset=utf-8',
          }),
        },
      }),
    );
  } catch (error) {
    await Promise.all(servers.map((server) => server.close()));
    throw error;
  }
  watcher.start();
  logger.info('watcher started', {
    clusterId: config.clusterId,
    ingestFunction: config.ingestFunction,
    resyncIntervalMs: config.resyncIntervalMs,
    debounceMs: config.debounceMs,
  });

  let shuttingDown: Promise<{ unsent: number }> | undefined;
  const shutdown = (reason: string) => {
    shuttingDown ??= (async () => {
      logger.info('shutting down', { reason, pending: watcher.dispatcher.pendingCount });
      const result = await watcher.stop(config.shutdownTimeoutMs);
      await Promise.all(servers.map((server) => server.close()));
      api.close?.();
      logger.info('stopped', { unsent: result.unsent });
      return result;
    })();
    return shuttingDown;
  };
  const [health, metricsServer] = servers as [StartedHttpServer, StartedHttpServer];
  return { watcher, metrics, healthPort: health.port, metricsPort: metricsServer.port, shutdown };
}
