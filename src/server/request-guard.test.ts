import { Hono } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { cors } from 'hono/cors';
import { describe, expect, it } from 'vitest';
import { AgentboxError } from '../errors/agentbox-error.js';
import { createApiKeyAuthenticator, hashApiKey } from './api-key-auth.js';
import { errorResponse } from './http-error.js';
import { parseSessionId } from './parse-input.js';
import { RateLimiter } from './rate-limiter.js';
import { RequestGuard, type RequestGuardOptions } from './request-guard.js';
import type { AppEnv } from './server-env.js';
import type { RequestSample, ServerMetrics } from './server-metrics.js';

/** Records what the guard reports, through the fast path or the generic one. */
function recordingMetrics(withObserver: boolean): ServerMetrics & { samples: RequestSample[] } {
  const samples: RequestSample[] = [];
  return {
    samples,
    observeRequest: (sample) => void samples.push(sample),
    ...(withObserver
      ? { requestObserver: (method: string, route: string) => (status: number, seconds: number) => void samples.push({ method, route, status, seconds }) }
      : {}),
    render: async () => ({ contentType: 'text/plain', body: '' }),
  };
}

async function guardedApp(options: Partial<RequestGuardOptions> & { keys?: string[] } = {}) {
  const keys = await Promise.all((options.keys ?? []).map(async (key) => ({ sha256: await hashApiKey(key), principal: `p-${key}` })));
  const guard = new RequestGuard({
    authenticate: keys.length > 0 ? createApiKeyAuthenticator(keys) : undefined,
    limiter: new RateLimiter(1000),
    requestsPerMinute: 1000,
    bodyLimit: bodyLimit({
      maxSize: 100,
      onError: () => Promise.reject(new AgentboxError('PAYLOAD_TOO_LARGE', 'too large', { details: { limitBytes: 100 } })),
    }),
    toResponse: errorResponse,
    ...options,
  });
  const app = new Hono<AppEnv>();
  app.notFound(guard.notFound((c) => new AgentboxError('NOT_FOUND', `no route ${c.req.path}`)));
  const routes = guard.routes(app);
  routes.get('/v1/things/:id', (c) => c.json({ id: c.req.param('id'), principal: c.get('principal') }));
  routes.post('/v1/things', async (c) => c.json({ size: (await c.req.text()).length }, 201));
  routes.get('/v1/boom', () => {
    throw new AgentboxError('SESSION_BUSY', 'busy');
  });
  routes.get('/open', (c) => c.text('open'));
  return app;
}

describe('RequestGuard', () => {
  it('lets a local-mode request in as `local` and calls the route as its only handler', async () => {
    const app = await guardedApp();
    const res = await app.request('/v1/things/a1');
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ id: 'a1', principal: 'local' });
  });

  it('needs a key under /v1, matched or not, but not outside it', async () => {
    const app = await guardedApp({ keys: ['k1'] });
    expect((await app.request('/v1/things/a1')).status).toBe(401);
    expect((await app.request('/v1/nowhere')).status).toBe(401);
    expect((await app.request('/v1')).status).toBe(401);
    expect((await app.request('/open')).status).toBe(200);
    expect((await app.request('/elsewhere')).status).toBe(404);
    const ok = await app.request('/v1/things/a1', { headers: { authorization: 'Bearer k1' } });
    expect(await ok.json()).toEqual({ id: 'a1', principal: 'p-k1' });
    expect((await app.request('/v1/nowhere', { headers: { authorization: 'Bearer k1' } })).status).toBe(404);
  });

  it('checks the key before the body limit, and the body limit before the route', async () => {
    const app = await guardedApp({ keys: ['k1'] });
    const big = { method: 'POST', body: 'x'.repeat(500) };
    expect((await app.request('/v1/things', big)).status).toBe(401);
    const tooLarge = await app.request('/v1/things', { ...big, headers: { authorization: 'Bearer k1' } });
    expect(tooLarge.status).toBe(413);
    const small = await app.request('/v1/things', { method: 'POST', body: 'hello', headers: { authorization: 'Bearer k1' } });
    expect(small.status).toBe(201);
    expect(await small.json()).toEqual({ size: 5 });
  });

  it('rate-limits unmatched /v1 paths too, with Retry-After', async () => {
    let now = 0;
    const app = await guardedApp({ limiter: new RateLimiter(2, { now: () => now }), requestsPerMinute: 2 });
    expect((await app.request('/v1/nowhere')).status).toBe(404);
    expect((await app.request('/v1/things/a')).status).toBe(200);
    const limited = await app.request('/v1/things/a');
    expect(limited.status).toBe(429);
    expect(limited.headers.get('retry-after')).toBe('30');
    expect((await app.request('/open')).status).toBe(200);
    now += 30_000;
    expect((await app.request('/v1/things/a')).status).toBe(200);
  });

  it('reports every request once: route pattern, method, status — errors and unmatched paths included', async () => {
    for (const withObserver of [true, false]) {
      const metrics = recordingMetrics(withObserver);
      const app = await guardedApp({ metrics });
      await app.request('/v1/things/a');
      await app.request('/v1/boom');
      await app.request('/v1/nowhere');
      await app.request('/v1/things/a', { method: 'HEAD' });
      expect(metrics.samples.map(({ method, route, status }) => `${method} ${route} ${status}`)).toEqual([
        'GET /v1/things/:id 200',
        'GET /v1/boom 409',
        'GET unmatched 404',
        'HEAD /v1/things/:id 200',
      ]);
      for (const sample of metrics.samples) expect(sample.seconds).toBeGreaterThanOrEqual(0);
    }
  });

  it('with CORS: preflights need no key; responses, errors included, carry the CORS headers', async () => {
    const metrics = recordingMetrics(true);
    const app = await guardedApp({ keys: ['k1'], metrics, cors: cors({ origin: ['https://app.example'], exposeHeaders: ['Retry-After'] }) });
    const origin = { origin: 'https://app.example' };
    const preflight = await app.request('/v1/things/a', {
      method: 'OPTIONS',
      headers: { ...origin, 'access-control-request-method': 'GET', 'access-control-request-headers': 'authorization' },
    });
    expect(preflight.status).toBe(204);
    expect(preflight.headers.get('access-control-allow-origin')).toBe('https://app.example');
    expect(preflight.headers.get('access-control-allow-headers')).toBe('authorization');
    const denied = await app.request('/v1/things/a', { headers: origin });
    expect(denied.status).toBe(401);
    expect(denied.headers.get('access-control-allow-origin')).toBe('https://app.example');
    expect(denied.headers.get('www-authenticate')).toContain('Bearer');
    const ok = await app.request('/v1/things/a', { headers: { ...origin, authorization: 'Bearer k1' } });
    expect(ok.status).toBe(200);
    expect(ok.headers.get('access-control-allow-origin')).toBe('https://app.example');
    expect(ok.headers.get('access-control-expose-headers')).toBe('Retry-After');
    expect(ok.headers.get('vary')).toContain('Origin');
    expect(await ok.json()).toEqual({ id: 'a', principal: 'p-k1' });
    const other = await app.request('/v1/things/a', { headers: { origin: 'https://evil.example', authorization: 'Bearer k1' } });
    expect(other.headers.get('access-control-allow-origin')).toBeNull();
    expect(metrics.samples.map((s) => `${s.method} ${s.route} ${s.status}`)).toEqual([
      'OPTIONS unmatched 204',
      'GET /v1/things/:id 401',
      'GET /v1/things/:id 200',
      'GET /v1/things/:id 200',
    ]);
  });
});

describe('parseSessionId', () => {
  it('accepts store-safe tokens and answers anything else as INVALID_INPUT on params.id', () => {
    expect(parseSessionId('c43eebeb-7138-4071-b7e9-403e18be0de7')).toBe('c43eebeb-7138-4071-b7e9-403e18be0de7');
    expect(parseSessionId('a.b:c_d')).toBe('a.b:c_d');
    for (const bad of [undefined, '', 'bad id', 'x'.repeat(201), 'a/b']) {
      let error: unknown;
      try {
        parseSessionId(bad);
      } catch (e) {
        error = e;
      }
      expect(AgentboxError.isInstance(error) && error.code).toBe('INVALID_INPUT');
      expect((error as AgentboxError).message).toBe('params.id: not a valid session id');
      expect((error as AgentboxError).details).toEqual({ issues: [{ path: 'params.id', message: 'not a valid session id' }] });
    }
  });
});
