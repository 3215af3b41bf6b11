import { request as httpRequest } from 'node:http';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { configSchema } from '../src/config/config-schema.js';
import { MCP_SESSION_META_KEY } from '../src/mcp/create-mcp-server.js';
import { sha256Hex } from '../src/node/server/sha256-hex.js';
import { startServer, type RunningServer } from '../src/node/server/start-server.js';

// `/mcp` of `agentbox serve` over a real socket, against the SDK's own Streamable HTTP client.
const key = 'mcp-socket-key';
let running: RunningServer;

beforeAll(async () => {
  const config = configSchema.parse({
    llm: { baseUrl: 'http://127.0.0.1:9/v1', model: 'm', maxRetries: 0 },
    store: { kind: 'memory' },
    server: { apiKeys: [{ sha256: sha256Hex(key), principal: 'ci' }], mcp: { sessionIdleMs: 150 } },
    auth: { roles: { calc: { allow: ['tool:invoke:calculator', 'session:read:own'] } }, principals: { ci: { roles: ['calc'] } } },
  });
  running = await startServer({ config, port: 0 });
});
afterAll(() => running?.close({ timeoutMs: 1000 }));

function client(headers: Record<string, string> = {}): { client: Client; transport: StreamableHTTPClientTransport } {
  const transport = new StreamableHTTPClientTransport(new URL(`${running.url}/mcp`), {
    requestInit: { headers: { authorization: `Bearer ${key}`, ...headers } },
  });
  return { client: new Client({ name: 'socket-test', version: '1' }), transport };
}

/** A raw request, so `Host` is whatever the test says (fetch sets its own). */
function rawPost(headers: Record<string, string>, body: unknown): Promise<{ status: number; body: string }> {
  const url = new URL(`${running.url}/mcp`);
  return new Promise((resolve, reject) => {
    const req = httpRequest({ host: url.hostname, port: url.port, path: '/mcp', method: 'POST', headers }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (text += chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text }));
    });
    req.on('error', reject);
    req.end(JSON.stringify(body));
  });
}

const initialize = {
  jsonrpc: '2.0',
  id: 1,
  method: 'initialize',
  params: { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 'raw', version: '1' } },
};
const mcpHeaders = { authorization: `Bearer ${key}`, 'content-type': 'application/json', accept: 'application/json, text/event-stream' };

describe('/mcp over a real socket', () => {
  it('lists and calls tools under the key, records the call, and DELETE ends the session', async () => {
    const { client: c, transport } = client();
    await c.connect(transport);
    const { tools } = await c.listTools();
    expect(tools.map((t) => t.name)).toEqual(['calculator']);
    const result = (await c.callTool({ name: 'calculator', arguments: { expression: '12 * 12' } })) as CallToolResult;
    expect(result.structuredContent).toEqual({ result: 144 });
    const sessionId = String(result._meta?.[MCP_SESSION_META_KEY]);
    const events = await fetch(`${running.url}/v1/sessions/${sessionId}/events`, { headers: { authorization: `Bearer ${key}`, accept: 'application/json' } });
    expect(events.status).toBe(200);
    const { data } = (await events.json()) as { data: Array<{ type: string; name?: string }> };
    expect(data.map((e) => e.type)).toEqual(['session.created', 'auth.allowed', 'tool.started', 'tool.completed']);
    await transport.terminateSession();
    await c.close();
  });

  it('accepts the service’s own Origin', async () => {
    const { client: c, transport } = client({ origin: running.url });
    await c.connect(transport);
    expect((await c.listTools()).tools).toHaveLength(1);
    await c.close();
  });

  it('refuses a DNS-rebinding attempt with 403 even with a valid key: a foreign Host, or a foreign Origin', async () => {
    const port = new URL(running.url).port;
    const host = await rawPost({ ...mcpHeaders, host: `evil.example:${port}` }, initialize);
    expect(host.status).toBe(403);
    expect(JSON.parse(host.body)).toMatchObject({ error: { code: 'HOST_NOT_ALLOWED' } });
    const origin = await rawPost({ ...mcpHeaders, host: `127.0.0.1:${port}`, origin: `http://evil.example:${port}` }, initialize);
    expect(origin.status).toBe(403);
    expect(JSON.parse(origin.body)).toMatchObject({
      error: { code: 'ORIGIN_NOT_ALLOWED', message: expect.stringContaining('/mcp takes no requests from pages of other origins') },
    });
    // The SDK's client with that Origin cannot even initialize.
    const { client: c, transport } = client({ origin: 'http://evil.example' });
    await expect(c.connect(transport)).rejects.toThrow(/ORIGIN_NOT_ALLOWED/);
    // The rest of the keyed API does not check Origin (a page of another site has no key).
    const api = await fetch(`${running.url}/v1/sessions`, { headers: { authorization: `Bearer ${key}`, origin: 'http://evil.example' } });
    expect(api.status).toBe(200);
  });

  it('keeps a session whose client listens on its stream past the idle time, and expires it once the client goes away', async () => {
    const { client: c, transport } = client();
    await c.connect(transport);
    await new Promise((resolve) => setTimeout(resolve, 500));
    // The SDK client holds its GET stream open: not idle.
    expect(running.app.openMcpSessions).toBe(1);
    expect((await c.listTools()).tools).toHaveLength(1);
    await c.close();
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(running.app.openMcpSessions).toBe(0);
  });
});
