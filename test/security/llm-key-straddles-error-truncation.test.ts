/**
 * Attacker: anyone who can read a session's events or a service error — a client of the
 * service, another principal reading a shared log — when the LLM server echoes the API
 * key it rejected. Redaction used to run after truncation (2,000 characters for HTTP error
 * bodies, 200 for stream excerpts), so a key straddling the cut reached the error half
 * unredacted. Fixed in src/agent/llm/create-redactor.ts: redact the whole text, then cut,
 * then blank a prefix of the key left at the cut.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { createOpenAICompatibleModel } from '../../src/agent/llm/openai-compatible.js';
import { createRedactor } from '../../src/agent/llm/create-redactor.js';

const apiKey = 'sk-live-0123456789abcdefghijklmnopqrstuvwxyz';
let server: Server | undefined;

afterEach(async () => {
  const running = server;
  server = undefined;
  if (!running) return;
  running.closeAllConnections();
  await new Promise((resolve) => running.close(resolve));
});

async function serve(handler: Parameters<typeof createServer>[1]): Promise<string> {
  server = createServer(handler);
  await new Promise<void>((resolve) => server?.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`;
}

async function errorOf(baseUrl: string): Promise<string> {
  const model = createOpenAICompatibleModel({ baseUrl, apiKey, model: 'm', maxRetries: 0 });
  try {
    for await (const _part of model.stream({ messages: [{ role: 'user', content: 'hi' }] })) {
      // drain
    }
  } catch (error) {
    return JSON.stringify({ message: (error as Error).message, details: (error as { details?: unknown }).details });
  }
  throw new Error('expected the call to fail');
}

/** No run of 6 or more characters of the key survives anywhere in the text. */
function expectNoKeyFragment(text: string): void {
  for (let start = 0; start + 6 <= apiKey.length; start++) expect(text).not.toContain(apiKey.slice(start, start + 6));
}

describe('an LLM server that echoes the API key', () => {
  it.each([1_990, 1_995, 2_000 - apiKey.length + 3])('across the 2,000-character cut of an HTTP error body (key at %i)', async (at) => {
    const baseUrl = await serve((_req, res) => res.writeHead(401, { 'content-type': 'text/plain' }).end(`${'x'.repeat(at)}${apiKey} is not valid`));
    const text = await errorOf(baseUrl);
    expect(text).toContain('HTTP 401');
    expectNoKeyFragment(text);
  });

  it('in a JSON error message longer than the cut', async () => {
    const message = `Incorrect API key: ${'y'.repeat(1_985)}${apiKey}`;
    const baseUrl = await serve((_req, res) => res.writeHead(401, { 'content-type': 'application/json' }).end(JSON.stringify({ error: { message } })));
    const text = await errorOf(baseUrl);
    expect(text.length).toBeLessThan(5_000);
    expectNoKeyFragment(text);
  });

  it('across the 200-character excerpt of a malformed stream event', async () => {
    const baseUrl = await serve((_req, res) => {
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      res.end(`data: ${'z'.repeat(190)}${apiKey}\n\n`);
    });
    const text = await errorOf(baseUrl);
    expect(text).toContain('malformed stream event');
    expectNoKeyFragment(text);
  });
});

describe('createRedactor', () => {
  it('blanks the whole secret and a prefix of it at the cut, and leaves other text alone', () => {
    const redact = createRedactor(apiKey);
    expect(redact(`a ${apiKey} b`)).toBe('a [redacted] b');
    expect(redact(`${'a'.repeat(10)}${apiKey}`, 15)).toBe(`${'a'.repeat(10)}[reda…`);
    expect(redact('xx sk-live-01 and more', 12)).toBe('xx [redacted]…');
    expect(redact('hello world', 5)).toBe('hello…');
    expect(redact('short', 100)).toBe('short');
  });

  it('blanks every configured secret, longest first', () => {
    const redact = createRedactor(['abc12345', 'abc12345-longer', undefined]);
    expect(redact('x abc12345-longer y abc12345 z')).toBe('x [redacted] y [redacted] z');
  });
});
