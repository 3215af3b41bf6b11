/**
 * A loopback HTTP server for browser tests: serves in-memory files (bundles built by the
 * test) and folders, so pages get a real http:// origin (IndexedDB and workers need one).
 */
import { readFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { extname, join, normalize } from 'node:path';

const types: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.wasm': 'application/wasm',
};

export interface StaticServer {
  url: string;
  /** Serves `content` at `path` (e.g. `/test.js`). */
  set(path: string, content: string | Uint8Array): void;
  close(): Promise<void>;
}

export async function startStaticServer(options: { mounts?: Array<[prefix: string, dir: string]> } = {}): Promise<StaticServer> {
  const files = new Map<string, string | Uint8Array>();
  const mounts = options.mounts ?? [];
  const server = createServer((req, res) => {
    const path = new URL(req.url ?? '/', 'http://x').pathname;
    const send = (body: string | Uint8Array): void => {
      res.writeHead(200, {
        'content-type': (path.endsWith('/') ? types['.html'] : types[extname(path)]) ?? 'application/octet-stream',
        'cache-control': 'no-store',
      });
      res.end(body);
    };
    // Browsers ask for it unprompted; a 404 would show up as a console error.
    if (path === '/favicon.ico') {
      res.writeHead(204).end();
      return;
    }
    const inMemory = files.get(path);
    if (inMemory !== undefined) return send(inMemory);
    // The first mount holding the file wins, as `agentbox serve` does for /assets/.
    const candidates = mounts.filter(([prefix]) => path.startsWith(prefix)).map(([prefix, dir]) => ({ dir, relative: normalize(path.slice(prefix.length)) }));
    if (candidates.some((c) => c.relative.startsWith('..'))) {
      res.writeHead(403).end('forbidden');
      return;
    }
    const tryNext = (index: number): void => {
      const candidate = candidates[index];
      if (!candidate) {
        res.writeHead(404).end('not found');
        return;
      }
      readFile(join(candidate.dir, candidate.relative)).then(send, () => tryNext(index + 1));
    };
    tryNext(0);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    set: (path, content) => void files.set(path, content),
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
