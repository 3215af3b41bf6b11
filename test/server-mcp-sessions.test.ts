import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { afterEach, describe, expect, it } from 'vitest';
import { defineTool } from '../src/agent/tools/tool.js';
import { collectSse, keyedConfig, keys, readSse, startHarness, type ServerHarness } from './helpers/server-harness.js';

// /mcp sessions: resumable streams (Last-Event-ID), idle expiry, and shutdown.
let h: ServerHarness;
afterEach(async () => h?.close());

const accept = 'application/json, text/event-stream';
const initialize = {
  jsonrpc: '2.0',
  id: 1,
  method: 'initialize',
  params: { protocolVersion: '2025-11-25', capabilities: {}, clientInfo: { name: 'raw', version: '1' } },
};

/** Initializes an MCP session by hand (no standing GET stream, unlike the SDK's client). */
async function open(key: string): Promise<string> {
  const init = await h.call('/mcp', { method: 'POST', key, headers: { accept }, json: initialize });
  expect(init.status).toBe(200);
  const sid = init.headers.get('mcp-session-id');
  await collectSse(init, (m) => m.data.includes('"result"'));
  const headers = { accept, 'mcp-session-id': sid!, 'mcp-protocol-version': '2025-11-25' };
  const initialized = await h.call('/mcp', { method: 'POST', key, headers, json: { jsonrpc: '2.0', method: 'notifications/initialized' } });
  expect(initialized.status).toBe(202);
  return sid!;
}

const sessionHeaders = (sid: string, extra: Record<string, string> = {}) => ({ accept, 'mcp-session-id': sid, 'mcp-protocol-version': '2025-11-25', ...extra });

function connect(key: string): { client: Client; transport: StreamableHTTPClientTransport } {
  const transport = new StreamableHTTPClientTransport(new URL('http://127.0.0.1/mcp'), {
    requestInit: { headers: { authorization: `Bearer ${key}` } },
    fetch: async (input, init) => h.server.fetch(new Request(input, init)),
  });
  return { client: new Client({ name: 'test', version: '1' }), transport };
}

describe('/mcp resumable streams', () => {
  it('a client that lost the stream of a call gets its result by resuming with Last-Event-ID', async () => {
    let release: () => void = () => undefined;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const slow = defineTool({
      name: 'slow',
      description: 'answers when released',
      parameters: { type: 'object', properties: {} },
      execute: async () => {
        await gate;
        return { done: true };
      },
    });
    h = await startHarness({ ...(await keyedConfig()), tools: [slow] });
    const sid = await open(keys.alice);
    const call = await h.call('/mcp', {
      method: 'POST',
      key: keys.alice,
      headers: sessionHeaders(sid),
      json: { jsonrpc: '2.0', id: 7, method: 'tools/call', params: { name: 'slow', arguments: {} } },
    });
    const stream = readSse(call);
    const priming = (await stream.next()).value;
    expect(priming?.id).toMatch(/^\d+$/);
    expect(priming?.data).toBe('');
    // The connection drops before the answer.
    await stream.return(undefined);
    release();
    const resumed = await h.call('/mcp', { method: 'GET', key: keys.alice, headers: sessionHeaders(sid, { 'last-event-id': priming!.id! }) });
    expect(resumed.status).toBe(200);
    const messages = await collectSse(resumed, (m) => m.data.includes('"id":7'));
    const answer = JSON.parse(messages.at(-1)!.data) as { id: number; result: { structuredContent: unknown } };
    expect(answer).toMatchObject({ id: 7, result: { structuredContent: { done: true } } });
  });

  it('refuses a resume from an event it does not hold, and another principal’s session', async () => {
    h = await startHarness(await keyedConfig());
    const sid = await open(keys.alice);
    const unknown = await h.call('/mcp', { method: 'GET', key: keys.alice, headers: sessionHeaders(sid, { 'last-event-id': '999' }) });
    expect(unknown.status).toBe(400);
    const foreign = await h.call('/mcp', { method: 'GET', key: keys.bob, headers: sessionHeaders(sid, { 'last-event-id': '1' }) });
    expect(foreign.status).toBe(404);
  });
});

describe('/mcp session lifetime', () => {
  it('closes a session idle past server.mcp.sessionIdleMs; its client then gets 404', async () => {
    h = await startHarness(await keyedConfig({ mcp: { sessionIdleMs: 100 } }));
    const sid = await open(keys.alice);
    expect(h.server.openMcpSessions).toBe(1);
    await new Promise((resolve) => setTimeout(resolve, 400));
    expect(h.server.openMcpSessions).toBe(0);
    const after = await h.call('/mcp', {
      method: 'POST',
      key: keys.alice,
      headers: sessionHeaders(sid),
      json: { jsonrpc: '2.0', id: 2, method: 'tools/list' },
    });
    expect(after.status).toBe(404);
    expect(await after.json()).toMatchObject({ error: { code: 'NOT_FOUND', message: expect.stringContaining('expired') } });
  });

  it('closes every MCP session on shutdown', async () => {
    h = await startHarness(await keyedConfig());
    const sid = await open(keys.alice);
    const { client, transport } = connect(keys.bob);
    await client.connect(transport);
    expect(h.server.openMcpSessions).toBe(2);
    await h.server.shutdown({ timeoutMs: 100 });
    expect(h.server.openMcpSessions).toBe(0);
    const after = await h.call('/mcp', {
      method: 'POST',
      key: keys.alice,
      headers: sessionHeaders(sid),
      json: { jsonrpc: '2.0', id: 2, method: 'tools/list' },
    });
    expect(after.status).toBe(404);
    await client.close();
  });
});
