/**
 * Attacker: a granted host (or whoever controls one of its redirects) that sends a tool's
 * request on to another granted host. Before the merged guard, a script's `host.fetch`
 * carried `Authorization`, `Cookie` and `X-Api-Key` to the second origin, followed any 3xx
 * and `http_fetch` still forwarded `X-Api-Key` and other custom credential headers.
 * Fixed in src/agent/tools/fetch/: when a redirect leaves the origin only safe-listed
 * headers go on; only 301/302/303/307/308 are followed. Both callers are held to it.
 */
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { ToolContext } from '../../src/agent/tools/tool.js';
import { createHttpFetchTool } from '../../src/agent/tools/fetch/http-fetch-tool.js';
import { createScriptTool } from '../../src/sandbox/script/create-script-tool.js';
import { createQuickJsSandbox } from '../../src/sandbox/script/quickjs-sandbox.js';
import type { ScriptSandbox } from '../../src/sandbox/script/script-sandbox.js';

const secrets = {
  authorization: 'Bearer first-origin-token',
  cookie: 'session=first-origin-cookie',
  'x-api-key': 'first-origin-key',
  'x-vendor-token': 'first-origin-custom',
};
const context: ToolContext = { signal: new AbortController().signal, sessionId: 's', callId: 'c', principal: 'p' };

let first: Server;
let second: Server;
let firstPort = 0;
let secondPort = 0;
let seenBySecond: IncomingHttpHeaders[] = [];
let seenByFirst: { url: string; headers: IncomingHttpHeaders }[] = [];
let sandbox: ScriptSandbox;

const listen = (server: Server) => new Promise<number>((resolve) => server.listen(0, '127.0.0.1', () => resolve((server.address() as AddressInfo).port)));

beforeAll(async () => {
  first = createServer((req, res) => {
    seenByFirst.push({ url: req.url ?? '', headers: req.headers });
    const status = Number(new URL(req.url ?? '/', 'http://x').searchParams.get('status') ?? 302);
    if (req.url?.startsWith('/away')) return res.writeHead(status, { location: `http://localhost:${secondPort}/landed` }).end();
    if (req.url?.startsWith('/same')) return res.writeHead(302, { location: '/landed' }).end();
    res.end(JSON.stringify(req.headers));
  });
  second = createServer((req, res) => {
    seenBySecond.push(req.headers);
    res.end('second');
  });
  firstPort = await listen(first);
  secondPort = await listen(second);
  sandbox = createQuickJsSandbox();
});

afterAll(async () => {
  await sandbox.close();
  for (const server of [first, second]) {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }
});

beforeEach(() => {
  seenBySecond = [];
  seenByFirst = [];
});

const hosts = () => [`127.0.0.1:${firstPort}`, `localhost:${secondPort}`];

function expectNoCredentials(headers: IncomingHttpHeaders | undefined): void {
  expect(headers).toBeDefined();
  for (const name of Object.keys(secrets)) expect(headers?.[name], name).toBeUndefined();
  expect(headers?.accept).toBe('text/plain');
}

const callers = {
  http_fetch: async (url: string) => {
    const tool = createHttpFetchTool({ hosts: hosts() });
    const result = await tool.execute({ url, headers: { ...secrets, accept: 'text/plain' } }, context);
    return { status: result.status, body: result.body };
  },
  'script host.fetch': async (url: string) => {
    const tool = createScriptTool(
      {
        name: 'fetcher',
        description: 'fetches',
        parameters: { type: 'object', properties: { url: { type: 'string' }, headers: { type: 'object' } } },
        source: 'export default async ({ url, headers }, host) => { const r = await host.fetch(url, { headers }); return { status: r.status, body: r.body }; }',
        capabilities: { hosts: hosts(), timeoutMs: 5_000 },
      },
      sandbox,
    );
    return (await tool.execute({ url, headers: { ...secrets, accept: 'text/plain' } }, context)) as { status: number; body: string };
  },
};

describe.each(Object.entries(callers))('%s, redirected to another granted origin', (_name, call) => {
  it('sends no credential header to the second origin, only safe-listed ones', async () => {
    for (const status of [301, 302, 303, 307, 308]) {
      await expect(call(`http://127.0.0.1:${firstPort}/away?status=${status}`)).resolves.toMatchObject({ status: 200, body: 'second' });
    }
    expect(seenBySecond).toHaveLength(5);
    for (const headers of seenBySecond) expectNoCredentials(headers);
    // The first origin did get them: the guard drops them at the origin change, not always.
    expect(seenByFirst[0]?.headers.authorization).toBe(secrets.authorization);
  });

  it('keeps the headers on a redirect within the origin', async () => {
    const result = await call(`http://127.0.0.1:${firstPort}/same`);
    expect(JSON.parse(result.body)).toMatchObject(secrets);
  });

  it('does not follow a 300 or 304 with a Location', async () => {
    for (const status of [300, 304]) {
      await expect(call(`http://127.0.0.1:${firstPort}/away?status=${status}`)).resolves.toMatchObject({ status });
    }
    expect(seenBySecond).toEqual([]);
  });
});
