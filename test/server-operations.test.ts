import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { defineTool } from '../src/agent/tools/tool.js';
import { createNodeStaticAssets } from '../src/node/server/node-static-assets.js';
import { keyedConfig, keys, startHarness, type ServerHarness } from './helpers/server-harness.js';

let h: ServerHarness;
afterEach(async () => h?.close());

describe('operations routes', () => {
  it('healthz and readyz answer; readyz is 503 when the store does not', async () => {
    h = await startHarness();
    expect(await (await h.call('/healthz')).json()).toEqual({ status: 'ok' });
    expect((await h.call('/readyz')).status).toBe(200);
    await h.runtime.close(); // closes the memory store
    const broken = h.runtime as unknown as { listSessions: () => Promise<unknown> };
    broken.listSessions = () => Promise.reject(new Error('store closed'));
    const res = await h.call('/readyz');
    expect(res.status).toBe(503);
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe('STORE_FAILED');
  });

  it('publishes an OpenAPI 3.1 document listing every route and method', async () => {
    h = await startHarness({ prometheus: true });
    const doc = (await (await h.call('/openapi.json')).json()) as {
      openapi: string;
      paths: Record<string, Record<string, unknown>>;
      components: { schemas: Record<string, { properties?: Record<string, unknown> }> };
    };
    expect(doc.openapi).toBe('3.1.0');
    const routes = [
      ['post', '/v1/sessions'],
      ['get', '/v1/sessions'],
      ['get', '/v1/sessions/{id}'],
      ['delete', '/v1/sessions/{id}'],
      ['post', '/v1/sessions/{id}/messages'],
      ['get', '/v1/sessions/{id}/events'],
      ['post', '/v1/sessions/{id}/approvals/{callId}'],
      ['post', '/v1/sessions/{id}/elicitations/{elicitationId}'],
      ['post', '/v1/sessions/{id}/cancel'],
      ['post', '/v1/chat/completions'],
      ['post', '/v1/workflows/runs'],
      ['get', '/v1/workflows/runs'],
      ['get', '/v1/workflows/runs/{id}'],
      ['post', '/v1/workflows/runs/{id}/cancel'],
      ['post', '/v1/workflows/runs/{id}/resume'],
      ['post', '/v1/workflows/runs/{id}/events'],
      ['get', '/v1/workflows/runs/{id}/events'],
      ['post', '/mcp'],
      ['get', '/mcp'],
      ['delete', '/mcp'],
      ['get', '/openapi.json'],
      ['get', '/healthz'],
      ['get', '/readyz'],
      ['get', '/metrics'],
    ];
    for (const [method, path] of routes) expect(doc.paths[path!]?.[method!], `${method} ${path}`).toBeDefined();
    // And the document lists no path this list forgets (the models routes have their own test).
    const documented = Object.keys(doc.paths).filter((p) => !p.startsWith('/v1/models'));
    expect(documented.sort()).toEqual([...new Set(routes.map(([, p]) => p!))].sort());
    // Bodies come from the validating zod schemas.
    expect(doc.components.schemas.PostMessageRequest?.properties).toHaveProperty('input');
    expect(doc.components.schemas.ApprovalRequest?.properties).toHaveProperty('approved');
    expect(doc.components.schemas.StartRunRequest?.properties).toHaveProperty('definition');
    // And each documented route really exists: none answers "no route".
    for (const [method, path] of routes) {
      const res = await h.call(path!.replace('{id}', 'x').replace('{callId}', 'c'), { method: method!.toUpperCase() });
      const body = res.headers.get('content-type')?.includes('json') ? ((await res.json()) as { error?: { code: string } }) : {};
      expect(body.error?.code, `${method} ${path}`).not.toBe('NOT_FOUND');
    }
  });

  it('exports Prometheus metrics derived from the event bus', async () => {
    const slow = defineTool({
      name: 'slow',
      description: 'never finishes in time',
      timeoutMs: 20,
      parameters: { type: 'object' },
      execute: (_args, { signal }) => new Promise((_, reject) => signal.addEventListener('abort', () => reject(signal.reason))),
    });
    h = await startHarness({ prometheus: true, tools: [slow] });
    h.llm.enqueue(
      {
        type: 'tool-calls',
        calls: [
          { name: 'calculator', arguments: { expression: '1+2' } },
          { name: 'slow', arguments: {} },
        ],
        usage: { promptTokens: 11, completionTokens: 7 },
      },
      { type: 'text', text: 'done', usage: { promptTokens: 5, completionTokens: 2 } },
    );
    const { id } = (await (await h.call('/v1/sessions', { method: 'POST' })).json()) as { id: string };
    expect((await h.call(`/v1/sessions/${id}/messages`, { method: 'POST', json: { input: 'go' } })).status).toBe(200);
    await h.call('/v1/nowhere');
    const res = await h.call('/metrics');
    expect(res.headers.get('content-type')).toContain('text/plain');
    const text = await res.text();
    expect(text).toContain('agentbox_http_requests_total{method="POST",route="/v1/sessions/:id/messages",status="200"} 1');
    expect(text).toContain('agentbox_http_requests_total{method="GET",route="unmatched",status="404"} 1');
    expect(text).toMatch(/agentbox_http_request_duration_seconds_bucket\{le="[^"]+",method="POST",route="\/v1\/sessions",status="201"\}/);
    expect(text).toContain('agentbox_llm_tokens_total{model="test-model",kind="prompt"} 16');
    expect(text).toContain('agentbox_llm_tokens_total{model="test-model",kind="completion"} 9');
    expect(text).toContain('agentbox_llm_calls_total{model="test-model",outcome="ok"} 2');
    expect(text).toContain('agentbox_llm_duration_seconds_count{model="test-model"} 2');
    expect(text).toContain('agentbox_tool_calls_total{tool="calculator",outcome="ok"} 1');
    expect(text).toContain('agentbox_tool_calls_total{tool="slow",outcome="TOOL_TIMEOUT"} 1');
    expect(text).toContain('agentbox_sandbox_limit_hits_total{tool="slow",code="TOOL_TIMEOUT"} 1');
    expect(text).toContain('agentbox_active_sessions 0');
    expect(text).toContain('agentbox_sse_streams 0');
    expect(text).toContain('nodejs_eventloop_lag_p99_seconds');
    expect(text).toContain('process_resident_memory_bytes');
  });

  it('requires a key holding metrics:read for /metrics when keys are configured', async () => {
    const { config, auth } = await keyedConfig();
    h = await startHarness({ prometheus: true, config, auth });
    expect((await h.call('/metrics')).status).toBe(401);
    // A valid key is not enough: the reader's role does not grant metrics:read (admin's `*` does).
    expect((await h.call('/metrics', { key: keys.reader })).status).toBe(403);
    expect((await h.call('/metrics', { key: keys.admin })).status).toBe(200);
    expect((await h.call('/healthz')).status).toBe(200);
  });

  it('routes added through `routes` run behind the same key check, and are counted', async () => {
    const { config, auth } = await keyedConfig();
    h = await startHarness({ prometheus: true, config, auth });
    h.server.routes.get('/v1/extra/:name', (c) => c.json({ hello: c.req.param('name'), principal: c.get('principal') }));
    expect((await h.call('/v1/extra/x')).status).toBe(401);
    const ok = await h.call('/v1/extra/x', { key: keys.alice });
    expect(await ok.json()).toEqual({ hello: 'x', principal: 'alice' });
    const text = await (await h.call('/metrics', { key: keys.admin })).text();
    expect(text).toContain('agentbox_http_requests_total{method="GET",route="/v1/extra/:name",status="401"} 1');
    expect(text).toContain('agentbox_http_requests_total{method="GET",route="/v1/extra/:name",status="200"} 1');
  });

  it('serves a placeholder page when the web page is not built', async () => {
    h = await startHarness({ assets: createNodeStaticAssets(mkdtempSync(join(tmpdir(), 'agentbox-web-'))) });
    const res = await h.call('/');
    expect(res.headers.get('content-type')).toContain('text/html');
    expect(await res.text()).toContain('The web page is not built');
    expect((await h.call('/assets/app.js')).status).toBe(404);
  });

  it('serves web/index.html and assets from web/assets and dist-web, and nothing outside them', async () => {
    const root = mkdtempSync(join(tmpdir(), 'agentbox-web-'));
    mkdirSync(join(root, 'web', 'assets'), { recursive: true });
    mkdirSync(join(root, 'dist-web'), { recursive: true });
    writeFileSync(join(root, 'web', 'index.html'), '<h1>chat</h1>');
    writeFileSync(join(root, 'web', 'assets', 'app.css'), 'body{}');
    writeFileSync(join(root, 'dist-web', 'agentbox.js'), 'export {}');
    // The worker's lazy chunks (the tokenizer's encodings) sit in a folder beside it.
    mkdirSync(join(root, 'dist-web', 'chunks'));
    writeFileSync(join(root, 'dist-web', 'chunks', 'o200k_base-ABC.js'), 'export const x = 1');
    writeFileSync(join(root, 'secret.txt'), 'secret');
    h = await startHarness({ assets: createNodeStaticAssets(root) });
    expect(await (await h.call('/')).text()).toBe('<h1>chat</h1>');
    const css = await h.call('/assets/app.css');
    expect(css.headers.get('content-type')).toBe('text/css; charset=utf-8');
    expect(await css.text()).toBe('body{}');
    const js = await h.call('/assets/agentbox.js');
    expect(js.headers.get('content-type')).toContain('text/javascript');
    const chunk = await h.call('/assets/chunks/o200k_base-ABC.js');
    expect(chunk.headers.get('content-type')).toContain('text/javascript');
    expect(await chunk.text()).toBe('export const x = 1');
    for (const path of ['/assets/../secret.txt', '/assets/%2e%2e/secret.txt', '/assets/..%2fsecret.txt', '/assets/', '/assets/sub/../../secret.txt']) {
      const res = await h.call(path);
      expect(res.status, path).toBe(404);
    }
  });
});
