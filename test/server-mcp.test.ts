import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { defineTool } from '../src/agent/tools/tool.js';
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
