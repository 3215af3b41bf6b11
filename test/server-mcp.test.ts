import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
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

  it('refuses a request without an API key', async () => {
    h = await startHarness(await keyedConfig());
    const res = await h.call('/mcp', { method: 'POST', json: { jsonrpc: '2.0', id: 1, method: 'initialize', params: {} } });
    expect(res.status).toBe(401);
  });
});
