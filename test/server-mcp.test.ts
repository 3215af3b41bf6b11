import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { defineTool } from '../src/agent/tools/tool.js';
import { MCP_SESSION_META_KEY } from '../src/mcp/create-mcp-server.js';
import { afterEach, describe, expect, it } from 'vitest';
import { keyedConfig, keys, startHarness, type ServerHarness } from './helpers/server-harness.js';

let h: ServerHarness;
afterEach(async () => h?.close());

async function connect(key: string): Promise<Client> {
  const client = new Client({ name: 'test', version: '1' });
  const transport = new StreamableHTTPClientTransport(new URL('http://127.0.0.1/mcp'), {
    requestInit: { headers: { authorization: `Bearer ${key}` } },
    fetch: async (input, init) => h.server.fetch(new Request(input, init)),
  });
  await client.connect(transport);
  return client;
}

describe('/mcp', () => {
  it('lists only the tools a principal may invoke', async () => {
    h = await startHarness(await keyedConfig());
    const alice = await connect(keys.alice);
    const reader = await connect(keys.reader);
    const aliceTools = (await alice.listTools()).tools.map((t) => t.name);
    const readerTools = (await reader.listTools()).tools.map((t) => t.name);
    expect(aliceTools.length).toBeGreaterThan(0);
    expect(readerTools).toEqual([]);
    await alice.close();
    await reader.close();
  });

  it('runs an allowed call, refuses a denied one, and DELETE ends the session', async () => {
    const echo = defineTool({
      name: 'echo',
      description: 'echoes',
      parameters: { type: 'object', properties: { text: { type: 'string' } } },
      execute: async (args: { text?: string }) => ({ said: args.text }),
    });
    h = await startHarness({ ...(await keyedConfig()), tools: [echo] });
    const alice = await connect(keys.alice);
    const ok = await alice.callTool({ name: 'echo', arguments: { text: 'hi' } });
    expect(ok.isError).toBeFalsy();
    expect(ok.structuredContent).toEqual({ said: 'hi' });
    const reader = await connect(keys.reader);
    const denied = await reader.callTool({ name: 'echo', arguments: { text: 'hi' } });
    expect(denied.isError).toBe(true);
    expect(JSON.stringify(denied.content)).toContain('TOOL_DENIED');
    const transport = alice.transport as StreamableHTTPClientTransport;
    const sessionId = transport.sessionId;
    expect(sessionId).toBeDefined();
    await transport.terminateSession();
    const after = await h.call('/mcp', {
      method: 'POST',
      key: keys.alice,
      headers: { 'mcp-session-id': sessionId!, accept: 'application/json, text/event-stream' },
      json: { jsonrpc: '2.0', id: 9, method: 'tools/list' },
    });
    expect(after.status).toBe(404);
    await reader.close();
  });

  it('refuses a request without an API key', async () => {
    h = await startHarness(await keyedConfig());
    const res = await h.call('/mcp', { method: 'POST', json: { jsonrpc: '2.0', id: 1, method: 'initialize', params: {} } });
    expect(res.status).toBe(401);
  });
});

describe('/mcp session log', () => {
  it('records every call in a session owned by the caller, a denied one as denied', async () => {
    const echo = defineTool({
      name: 'echo',
      description: 'echoes',
      parameters: { type: 'object', properties: { text: { type: 'string' } } },
      execute: async (args: { text?: string }) => ({ said: args.text }),
    });
    h = await startHarness({ ...(await keyedConfig()), tools: [echo] });
    const alice = await connect(keys.alice);
    const ok = await alice.callTool({ name: 'echo', arguments: { text: 'logged' } });
    const again = await alice.callTool({ name: 'calculator', arguments: { expression: '2 + 2' } });
    const sessionId = ok._meta?.[MCP_SESSION_META_KEY];
    expect(typeof sessionId).toBe('string');
    // One MCP session, one log.
    expect(again._meta?.[MCP_SESSION_META_KEY]).toBe(sessionId);
    const session = await h.runtime.getSession(String(sessionId));
    expect(session).toMatchObject({
      owner: 'alice',
      metadata: {
        source: 'mcp',
        transport: 'streamable-http',
        mcpSessionId: (alice.transport as StreamableHTTPClientTransport).sessionId,
        client: { name: 'test', version: '1' },
      },
    });
    const events = await h.runtime.events(String(sessionId));
    expect(events.filter((e) => e.type === 'tool.started').map((e) => [e.name, e.arguments])).toEqual([
      ['echo', '{"text":"logged"}'],
      ['calculator', '{"expression":"2 + 2"}'],
    ]);
    expect(events.find((e) => e.type === 'auth.allowed')).toMatchObject({ principal: 'alice', permission: 'tool:invoke:echo' });
    expect(events.find((e) => e.type === 'tool.completed')).toMatchObject({ ok: true, output: '{"said":"logged"}', resources: { wallMs: expect.any(Number) } });

    const reader = await connect(keys.reader);
    const denied = await reader.callTool({ name: 'echo', arguments: { text: 'no' } });
    const deniedLog = await h.runtime.events(String(denied._meta?.[MCP_SESSION_META_KEY]));
    expect(deniedLog.map((e) => e.type)).toEqual(['session.created', 'auth.denied', 'tool.started', 'tool.completed']);
    expect(deniedLog[1]).toMatchObject({ principal: 'reader', permission: 'tool:invoke:echo' });
    expect(deniedLog[3]).toMatchObject({ ok: false, error: { code: 'TOOL_DENIED' } });
    // The principal's own sessions list shows the log (the API serves it like any session).
    const listed = await h.call('/v1/sessions', { key: keys.alice });
    expect(JSON.stringify(await listed.json())).toContain(String(sessionId));
    await alice.close();
    await reader.close();
  });
});
