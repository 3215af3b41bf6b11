import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { ToolContext } from '../tool.js';
import { ConfigError } from '../../../errors/config-error.js';
import { createHttpFetchTool, type HttpFetchResult } from './http-fetch-tool.js';

interface Seen {
  host: string;
  method: string;
  url: string;
}

const context: ToolContext = { signal: new AbortController().signal, sessionId: 's', callId: 'c', principal: 'p' };
let seen: Seen[] = [];
let bigBytesSent = 0;
let bigClosed: Promise<void> = Promise.resolve();
let port = 0;
let otherPort = 0;
let otherHits = 0;
let server: Server;
let other: Server;

async function bodyOf(req: IncomingMessage): Promise<string> {
  let text = '';
  for await (const chunk of req) text += String(chunk);
  return text;
}

function listen(s: Server): Promise<number> {
  return new Promise((resolve) => s.listen(0, '127.0.0.1', () => resolve((s.address() as AddressInfo).port)));
}

beforeAll(async () => {
  server = createServer((req, res) => {
    seen.push({ host: req.headers.host ?? '', method: req.method ?? '', url: req.url ?? '' });
    const at = (path: string) => `http://127.0.0.1:${port}${path}`;
    switch (req.url) {
      case '/ok':
        res.setHeader('x-test', 'yes');
        return res.end('hello');
      case '/echo':
        return void bodyOf(req).then((body) =>
          res.end(JSON.stringify({ method: req.method, body, auth: req.headers.authorization ?? null, custom: req.headers['x-custom'] ?? null })),
        );
      case '/to-ok':
        return res.writeHead(302, { location: '/ok' }).end();
      case '/to-localhost':
        return res.writeHead(302, { location: `http://localhost:${port}/ok` }).end();
      case '/to-other-port':
        return res.writeHead(307, { location: `http://127.0.0.1:${otherPort}/ok` }).end();
      case '/to-file':
        return res.writeHead(302, { location: 'file:///etc/passwd' }).end();
      case '/see-other':
        return res.writeHead(303, { location: '/echo' }).end();
      case '/temporary':
        return res.writeHead(307, { location: at('/echo') }).end();
      case '/loop':
        return res.writeHead(302, { location: '/loop' }).end();
      case '/declared-big':
        res.setHeader('content-length', String(5_000_000));
        return res.end('x'.repeat(5_000_000));
      case '/endless': {
        // No content-length: only counting while streaming can stop this one.
        bigClosed = new Promise((resolve) => res.on('close', () => resolve()));
        const chunk = 'y'.repeat(16 * 1024);
        const pump = (): void => {
          while (!res.destroyed && bigBytesSent < 50_000_000) {
            bigBytesSent += chunk.length;
            if (!res.write(chunk)) return void res.once('drain', pump);
          }
          res.end();
        };
        return pump();
      }
      case '/stall':
        return void res.writeHead(200).write('partial');
      case '/hang':
        return;
      default:
        return res.writeHead(404).end('not found');
    }
  });
  other = createServer((_req, res) => {
    otherHits++;
    res.end('other');
  });
  port = await listen(server);
  otherPort = await listen(other);
});

afterAll(async () => {
  server.closeAllConnections();
  other.closeAllConnections();
  await Promise.all([new Promise((r) => server.close(r)), new Promise((r) => other.close(r))]);
});

beforeEach(() => {
  seen = [];
  otherHits = 0;
  bigBytesSent = 0;
});

const url = (path: string) => `http://127.0.0.1:${port}${path}`;
const fetchTool = (options: { maxBytes?: number; timeoutMs?: number; hosts?: string[] } = {}) => createHttpFetchTool({ hosts: ['127.0.0.1'], ...options });
const call = (args: Record<string, unknown>, options?: Parameters<typeof fetchTool>[0], ctx = context) =>
  Promise.resolve(fetchTool(options).execute(args as never, ctx)) as Promise<HttpFetchResult>;
/** Nothing reached the server under the name that was not granted. */
const localhostHits = () => seen.filter((s) => s.host.startsWith('localhost'));

describe('http_fetch on granted hosts', () => {
  it('returns status, headers and body', async () => {
    const result = await call({ url: url('/ok') });
    expect(result).toMatchObject({ status: 200, body: 'hello', url: url('/ok'), redirects: [] });
    expect(result.headers['x-test']).toBe('yes');
  });

  it('sends method, headers and body', async () => {
    const result = await call({ url: url('/echo'), method: 'post', headers: { 'X-Custom': 'v', authorization: 'Bearer t' }, body: 'payload' });
    expect(JSON.parse(result.body)).toEqual({ method: 'POST', body: 'payload', auth: 'Bearer t', custom: 'v' });
  });

  it('follows a redirect on the same host, turning 303 into GET and keeping 307 as is', async () => {
    expect(await call({ url: url('/to-ok') })).toMatchObject({ body: 'hello', redirects: [url('/ok')] });
    const seeOther = await call({ url: url('/see-other'), method: 'POST', body: 'b' });
    expect(JSON.parse(seeOther.body)).toMatchObject({ method: 'GET', body: '' });
    const temporary = await call({ url: url('/temporary'), method: 'PUT', body: 'b' });
    expect(JSON.parse(temporary.body)).toMatchObject({ method: 'PUT', body: 'b' });
  });
});

describe('http_fetch refuses', () => {
  it('a host that is not granted, without sending anything', async () => {
    await expect(call({ url: `http://localhost:${port}/ok` })).rejects.toMatchObject({
      code: 'TOOL_HOST_DENIED',
      message: expect.stringMatching(/localhost:\d+ is not among the granted hosts \(127\.0\.0\.1\)/),
    });
    expect(seen).toEqual([]);
  });

  it('a port that is not granted when the grant names a port', async () => {
    await expect(call({ url: `http://127.0.0.1:${otherPort}/ok` }, { hosts: [`127.0.0.1:${port}`] })).rejects.toMatchObject({ code: 'TOOL_HOST_DENIED' });
    await expect(call({ url: url('/to-other-port') }, { hosts: [`127.0.0.1:${port}`] })).rejects.toMatchObject({ code: 'TOOL_HOST_DENIED' });
    expect(otherHits).toBe(0);
    expect(seen.map((s) => s.url)).toEqual(['/to-other-port']);
  });

  it('a redirect to a host that is not granted: the hop is never made', async () => {
    await expect(call({ url: url('/to-localhost') })).rejects.toMatchObject({ code: 'TOOL_HOST_DENIED', message: expect.stringMatching(/localhost/) });
    expect(seen.map((s) => s.url)).toEqual(['/to-localhost']);
    expect(localhostHits()).toEqual([]);
  });

  it('schemes other than http(s), in the URL or in a redirect', async () => {
    for (const target of ['file:///etc/passwd', 'ftp://127.0.0.1/x', 'data:text/plain,hi']) {
      await expect(call({ url: target })).rejects.toMatchObject({ code: 'TOOL_HOST_DENIED', message: expect.stringMatching(/only http and https/) });
    }
    await expect(call({ url: url('/to-file') })).rejects.toMatchObject({ code: 'TOOL_HOST_DENIED' });
  });

  it('a body larger than maxBytes, whether declared or streamed, and stops the stream', async () => {
    await expect(call({ url: url('/declared-big') }, { maxBytes: 1000 })).rejects.toMatchObject({
      code: 'TOOL_RESPONSE_TOO_LARGE',
      message: expect.stringMatching(/declares 5000000 bytes/),
    });
    await expect(call({ url: url('/endless') }, { maxBytes: 100_000 })).rejects.toMatchObject({ code: 'TOOL_RESPONSE_TOO_LARGE' });
    await bigClosed;
    // The server noticed the client went away long before its 50 MB were sent.
    expect(bigBytesSent).toBeLessThan(10_000_000);
  });

  it('a server that is too slow, with TOOL_TIMEOUT', async () => {
    const started = Date.now();
    await expect(call({ url: url('/hang') }, { timeoutMs: 200 })).rejects.toMatchObject({ code: 'TOOL_TIMEOUT' });
    await expect(call({ url: url('/stall') }, { timeoutMs: 200 })).rejects.toMatchObject({ code: 'TOOL_TIMEOUT' });
    expect(Date.now() - started).toBeLessThan(3000);
  });

  it('a cancelled call, with CANCELLED', async () => {
    const controller = new AbortController();
    const pending = call({ url: url('/hang') }, {}, { ...context, signal: controller.signal });
    setTimeout(() => controller.abort(), 50);
    await expect(pending).rejects.toMatchObject({ code: 'CANCELLED' });
  });

  it('a redirect loop', async () => {
    await expect(call({ url: url('/loop') })).rejects.toMatchObject({ code: 'TOOL_FAILED', message: expect.stringMatching(/more than 5 redirects/) });
  });

  it('bad arguments before sending anything', async () => {
    const bad: [Record<string, unknown>, RegExp][] = [
      [{ url: 'not a url' }, /not an absolute URL/],
      [{ url: url('/ok'), method: 'TRACE' }, /"method" must be one of/],
      [{ url: url('/ok'), body: 'x' }, /GET request has no body/],
      [{ url: url('/ok'), headers: { Host: 'evil.com' } }, /set by http_fetch itself/],
      [{ url: url('/ok'), headers: { 'x-a': 'v\r\nx-b: injected' } }, /without line breaks/],
      [{ url: url('/ok'), headers: { 'bad name': 'v' } }, /not a valid header name/],
      [{ url: `http://user:pw@127.0.0.1:${port}/ok` }, /credentials in the URL/],
      [{ url: url('/echo'), method: 'POST', body: 'x'.repeat(2000) }, /larger than 1000 bytes/],
    ];
    for (const [args, message] of bad) {
      await expect(call(args, { maxBytes: 1000 })).rejects.toMatchObject({ code: 'TOOL_ARGS_INVALID', message: expect.stringMatching(message) });
    }
    expect(seen).toEqual([]);
  });

  it('hosts the call was not granted, when the executor narrows the capabilities', async () => {
    const narrowed = { ...context, capabilities: { hosts: ['example.com'] } };
    await expect(call({ url: url('/ok') }, {}, narrowed)).rejects.toMatchObject({ code: 'TOOL_HOST_DENIED', message: expect.stringMatching(/\(none\)/) });
    expect(seen).toEqual([]);
    const granted = { ...context, capabilities: { hosts: [`127.0.0.1:${port}`] } };
    await expect(call({ url: url('/ok') }, {}, granted)).resolves.toMatchObject({ body: 'hello' });
  });

  it('malformed host patterns at creation, naming them', () => {
    expect(() => createHttpFetchTool({ hosts: ['ok.com', 'https://x.com/'] })).toThrow(ConfigError);
    expect(() => createHttpFetchTool({ hosts: ['https://x.com/'] })).toThrow(/hosts\.0: .*not a URL/);
  });
});
