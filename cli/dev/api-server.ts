/**
 * The dev-mode control plane's API: POST /api with the same request and response as the api
 * function, on 127.0.0.1 only, with a bearer token from the dev state file.
 */
import { timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/** Lambda's synchronous payload limit: the same requests fit both transports. */
const MAX_BODY_BYTES = 6 * 1024 * 1024;

export interface ApiServer {
  url: string;
  close(): Promise<void>;
}

export async function startApiServer(options: {
  port: number;
  token: string;
  handle: (event: unknown) => Promise<unknown>;
}): Promise<ApiServer> {
  const expected = Buffer.from(`Bearer ${options.token}`);
  const server: Server = createServer((req, res) => {
    const reply = (status: number, body: unknown) => {
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(JSON.stringify(body));
    };
    if (req.method === 'GET' && req.url === '/healthz') return reply(200, { ok: true });
    if (req.method !== 'POST' || req.url !== '/api')
      return reply(404, { errorType: 'NotFound', errorMessage: 'POST /api' });
    const given = Buffer.from(req.headers.authorization ?? '');
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
      return reply(401, {
        errorType: 'Unauthorized',
        errorMessage: 'missing or wrong API token (see the dev state file)',
      });
    }
    readBody(req)
      .then((body) => options.handle(JSON.parse(body)))
      .then(
        (result) => reply(200, result),
        // Like a Lambda function error: the type and message, never a stack.
        (error: unknown) =>
          reply(500, {
            errorType: (error as Error)?.name ?? 'Error',
            errorMessage: (error as Error)?.message ?? String(error),
          }),
      );
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY_BYTES) {
        reject(new Error(`request larger than ${MAX_BODY_BYTES} bytes`));
        req.destroy();
      } else {
        chunks.push(chunk);
      }
    });
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}
