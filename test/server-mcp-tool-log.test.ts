import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { afterEach, describe, expect, it } from 'vitest';
import { MCP_SESSION_META_KEY } from '../src/mcp/create-mcp-server.js';
import { keyedConfig, keys, startHarness, type ServerHarness } from './helpers/server-harness.js';

// The log of an MCP connection's calls holds tool results with no model call before them:
// a turn in it would send the model an invalid history. The service refuses it instead.
let h: ServerHarness;
afterEach(async () => h?.close());

describe('a turn in an MCP tool-call session', () => {
  it('is refused with 409 SESSION_NOT_CONVERSATION before the model is called; the log is left as it was', async () => {
    h = await startHarness(await keyedConfig());
    const client = new Client({ name: 'test', version: '1' });
    await client.connect(
      new StreamableHTTPClientTransport(new URL('http://127.0.0.1/mcp'), {
        requestInit: { headers: { authorization: `Bearer ${keys.alice}` } },
        fetch: async (input, init) => h.server.fetch(new Request(input, init)),
      }),
    );
    const called = await client.callTool({ name: 'calculator', arguments: { expression: '6 * 7' } });
    const sessionId = String(called._meta?.[MCP_SESSION_META_KEY]);
    const before = await h.runtime.events(sessionId);
    h.llm.enqueue({ type: 'text', text: 'never asked' });

    const res = await h.call(`/v1/sessions/${sessionId}/messages`, { method: 'POST', key: keys.alice, json: { input: 'what was that?' } });
    expect(res.status).toBe(409);
    const body = (await res.json()) as { error: { code: string; message: string } };
    expect(body.error.code).toBe('SESSION_NOT_CONVERSATION');
    expect(body.error.message).toContain('a log of tool calls made over MCP');
    expect(h.llm.requestCount).toBe(0);
    expect(await h.runtime.events(sessionId)).toEqual(before);

    // The connection goes on recording in it, and an ordinary session still runs turns.
    const again = await client.callTool({ name: 'calculator', arguments: { expression: '1 + 1' } });
    expect(again._meta?.[MCP_SESSION_META_KEY]).toBe(sessionId);
    const created = (await (await h.call('/v1/sessions', { method: 'POST', key: keys.alice, json: {} })).json()) as { id: string };
    const ok = await h.call(`/v1/sessions/${created.id}/messages`, { method: 'POST', key: keys.alice, json: { input: 'hello' } });
    expect(ok.status).toBe(200);
    expect(((await ok.json()) as { text: string }).text).toBe('never asked');
    await client.close();
  });
});
