/**
 * Attacker: any web page the person running `agentbox serve` visits. In local mode (no API
 * keys) every request is the admin `local`. A cross-site form, or a `fetch` with
 * `Content-Type: text/plain` (a "simple" request: no CORS preflight), to
 * http://127.0.0.1:8787/v1/chat/completions used to be parsed as JSON and run: the agent
 * called tools as admin on the attacker's behalf. The attacker cannot read the answer, but
 * does not need to.
 *
 * Fixed in src/server/origin-check.ts (local mode refuses a request whose Origin is not the
 * service's own nor a `server.corsOrigins` entry: 403 ORIGIN_NOT_ALLOWED) and
 * src/server/parse-input.ts (JSON routes take only `application/json` bodies: 415
 * UNSUPPORTED_MEDIA_TYPE, which also stops browsers that send no Origin).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { configSchema } from '../../src/config/config-schema.js';
import { startScriptedLlmServer, type ScriptedLlmServer } from '../../src/node/testing/index.js';
import { startServer, type RunningServer } from '../../src/node/server/start-server.js';
import { errorCode, rawRequest } from '../helpers/raw-http.js';

let llm: ScriptedLlmServer;
let running: RunningServer;

beforeAll(async () => {
  llm = await startScriptedLlmServer();
  const config = configSchema.parse({
    llm: { baseUrl: llm.url, model: 'm', maxRetries: 0 },
    store: { kind: 'memory' },
    server: { corsOrigins: ['https://app.example'] },
  });
  running = await startServer({ config, port: 0 });
});

afterAll(async () => {
  await running?.close({ timeoutMs: 1000 });
  await llm?.close();
});

const completion = JSON.stringify({ model: 'agentbox', messages: [{ role: 'user', content: 'run a tool for me' }] });
const port = (): string => new URL(running.url).port;

describe('a cross-site request to /v1/chat/completions in local mode', () => {
  it('is refused when it comes from another origin, as text/plain with no preflight', async () => {
    llm.enqueue({ type: 'text', text: 'the attack worked' });
    const before = llm.requests.length;
    const res = await rawRequest(`${running.url}/v1/chat/completions`, {
      method: 'POST',
      headers: { host: `127.0.0.1:${port()}`, origin: 'https://evil.example', 'content-type': 'text/plain;charset=UTF-8' },
      body: completion,
    });
    expect(res.status).toBe(403);
    expect(errorCode(res)).toBe('ORIGIN_NOT_ALLOWED');
    expect(llm.requests.length).toBe(before);
  });

  it('is refused from a sandboxed page (Origin: null) and from a page on another local port', async () => {
    for (const origin of ['null', 'http://localhost:3000', `http://127.0.0.1:${Number(port()) + 1}`]) {
      const res = await rawRequest(`${running.url}/v1/sessions`, {
        method: 'POST',
        headers: { host: `127.0.0.1:${port()}`, origin, 'content-type': 'application/json' },
        body: '{}',
      });
      expect(res.status, origin).toBe(403);
      expect(errorCode(res), origin).toBe('ORIGIN_NOT_ALLOWED');
    }
  });

  it('needs application/json even without an Origin (browsers that send none)', async () => {
    const before = llm.requests.length;
    for (const type of ['text/plain', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x']) {
      const res = await rawRequest(`${running.url}/v1/chat/completions`, {
        method: 'POST',
        headers: { host: `127.0.0.1:${port()}`, 'content-type': type },
        body: completion,
      });
      expect(res.status, type).toBe(415);
      expect(errorCode(res), type).toBe('UNSUPPORTED_MEDIA_TYPE');
      expect(JSON.parse(res.body).error.message).toContain('application/json');
    }
    // A body with no Content-Type at all (a fetch of a Blob) is not JSON either.
    const untyped = await rawRequest(`${running.url}/v1/chat/completions`, { method: 'POST', headers: { host: `127.0.0.1:${port()}` }, body: completion });
    expect(untyped.status).toBe(415);
    expect(llm.requests.length).toBe(before);
  });

  it('still serves the page’s own origin, configured CORS origins, and clients that send no Origin', async () => {
    llm.enqueue(...Array.from({ length: 4 }, () => ({ type: 'text' as const, text: 'hello' })));
    for (const origin of [running.url, `http://localhost:${port()}`, 'https://app.example', undefined]) {
      const host = origin?.startsWith('http://localhost') ? `localhost:${port()}` : `127.0.0.1:${port()}`;
      const res = await rawRequest(`${running.url}/v1/chat/completions`, {
        method: 'POST',
        headers: { host, 'content-type': 'application/json', ...(origin ? { origin } : {}) },
        body: completion,
      });
      expect(res.status, String(origin)).toBe(200);
      if (origin === 'https://app.example') expect(res.headers['access-control-allow-origin']).toBe('https://app.example');
    }
  });
});
