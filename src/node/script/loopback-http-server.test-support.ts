/**
 * A real HTTP server on 127.0.0.1 for capability tests: it records every request it gets,
 * so a test can prove a refused fetch never reached it.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface LoopbackHttpServer {
  /** `http://127.0.0.1:PORT` */
  origin: string;
  port: number;
  /** `METHOD /path` of every request received, in order. */
  requests: string[];
  close(): Promise<void>;
}

export type LoopbackRoute = (request: IncomingMessage, response: ServerResponse) => void;

const defaultRoutes: Record<string, LoopbackRoute> = {
  '/hello': (_req, res) => res.end('hello from the host'),
  '/json': (_req, res) => res.setHeader('content-type', 'application/json').end(JSON.stringify({ items: [1, 2, 3] })),
  '/big': (_req, res) => res.end('x'.repeat(2 * 1_048_576)),
  '/echo': (req, res) => {
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (chunk: string) => (body += chunk));
    req.on('end', () => res.end(JSON.stringify({ method: req.method, body, header: req.headers['x-test'] ?? null })));
  },
};

/**
 * Routes beyond the defaults (`/hello`, `/json`, `/big`, `/echo`) may be added; `/redirect?to=URL`
 * answers 302 to URL.
 */
export async function startLoopbackHttpServer(routes: Record<string, LoopbackRoute> = {}): Promise<LoopbackHttpServer> {
  const requests: string[] = [];
  const all = { ...defaultRoutes, ...routes };
  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    requests.push(`${req.method} ${url.pathname}`);
    if (url.pathname === '/redirect') {
      res.statusCode = 302;
      res.setHeader('location', url.searchParams.get('to') ?? '/hello');
      res.end();
      return;
    }
    const route = all[url.pathname];
    if (route) route(req, res);
    else res.writeHead(404).end('not found');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    origin: `http://127.0.0.1:${port}`,
    port,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
