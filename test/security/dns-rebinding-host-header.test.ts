/**
 * Attacker: a web page whose DNS name the attacker re-points at 127.0.0.1 after it loaded
 * (DNS rebinding). To the browser that page is then same-origin with `agentbox serve`, so
 * it may read every answer: in local mode every session, the LLM settings, the metrics.
 * The only tell is `Host: evil.example:8787`, which the service never checked.
 *
 * Fixed in src/server/host-allow-list.ts, run by the guard on every route (`/`, assets,
 * `/healthz`, `/metrics`, the API, unmatched paths): only the loopback names, the bind host
 * and `server.allowedHosts` entries are answered; anything else is 403 HOST_NOT_ALLOWED.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { configSchema } from '../../src/config/config-schema.js';
import { startServer, type RunningServer } from '../../src/node/server/start-server.js';
import { errorCode, rawRequest } from '../helpers/raw-http.js';

let running: RunningServer;
let port: number;
let sessionId: string;

beforeAll(async () => {
  const config = configSchema.parse({
    llm: { baseUrl: 'http://127.0.0.1:9/v1', model: 'secret-model', maxRetries: 0 },
    store: { kind: 'memory' },
    server: { allowedHosts: ['agentbox.internal', 'proxy.internal:8443'] },
  });
  running = await startServer({ config, port: 0 });
  port = Number(new URL(running.url).port);
  ({ id: sessionId } = await running.runtime.createSession({ owner: 'local', metadata: { note: 'private notes' } }));
});

afterAll(async () => {
  await running?.close({ timeoutMs: 1000 });
});

const paths = (): string[] => [
  '/',
  '/assets/app.css',
  '/healthz',
  '/readyz',
  '/metrics',
  '/openapi.json',
  '/v1/sessions',
  `/v1/sessions/${sessionId}`,
  '/v1/nowhere',
  '/nowhere',
];

describe('a request whose Host is not the service', () => {
  it('is refused on every route, the page, assets, /healthz and /metrics included', async () => {
    for (const host of [`evil.example:${port}`, 'evil.example', `localhost.evil.example:${port}`, `127.0.0.1.nip.io:${port}`, `proxy.internal:${port}`]) {
      for (const path of paths()) {
        const res = await rawRequest(`${running.url}${path}`, { headers: { host } });
        expect(res.status, `${host} ${path}`).toBe(403);
        expect(errorCode(res), `${host} ${path}`).toBe('HOST_NOT_ALLOWED');
        expect(res.body).not.toContain('private notes');
        expect(res.body).not.toContain('secret-model');
      }
    }
  });

  it('refuses the loopback names at another port, and a preflight from the rebound page', async () => {
    expect((await rawRequest(`${running.url}/v1/sessions`, { headers: { host: `localhost:${port + 1}` } })).status).toBe(403);
    const preflight = await rawRequest(`${running.url}/v1/sessions`, {
      method: 'OPTIONS',
      headers: { host: `evil.example:${port}`, origin: `http://evil.example:${port}`, 'access-control-request-method': 'POST' },
    });
    expect(preflight.status).toBe(403);
  });

  it('answers the loopback names at its port and the configured hosts', async () => {
    for (const host of [
      `127.0.0.1:${port}`,
      `localhost:${port}`,
      `LOCALHOST:${port}`,
      'agentbox.internal',
      `agentbox.internal:${port}`,
      'proxy.internal:8443',
    ]) {
      const res = await rawRequest(`${running.url}/v1/sessions/${sessionId}`, { headers: { host } });
      expect(res.status, host).toBe(200);
      expect(res.body, host).toContain('private notes');
    }
  });
});
