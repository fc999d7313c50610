/**
 * The watcher's two small HTTP listeners: probes for the kubelet and metrics for Prometheus. Kept
 * apart so a NetworkPolicy can open the metrics port to a scraper without exposing the probes.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface HttpResponse {
  status: number;
  body: string;
  contentType?: string;
}

export type Routes = Record<string, () => HttpResponse>;

export interface StartedHttpServer {
  port: number;
  close(): Promise<void>;
}

export async function startHttpServer({
  port,
  host = '0.0.0.0',
  routes,
}: {
  port: number;
  host?: string;
  routes: Routes;
}): Promise<StartedHttpServer> {
  const server: Server = createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0] ?? '/';
    const route = Object.hasOwn(routes, path) ? routes[path] : undefined;
    const readOnly = req.method === 'GET' || req.method === 'HEAD';
    const response: HttpResponse = !route
      ? { status: 404, body: 'not found\n' }
      : readOnly
        ? route()
        : { status: 405, body: 'method not allowed\n' };
    res.writeHead(response.status, {
      'content-type': response.contentType ?? 'text/plain; charset=utf-8',
      'cache-control': 'no-store',
    });
    res.end(req.method === 'HEAD' ? undefined : response.body);
  });
  // Probes and scrapes are tiny; a slow client must not hold a socket for long.
  server.requestTimeout = 10_000;
  server.headersTimeout = 5_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  return {
    port: (server.address() as AddressInfo).port,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
