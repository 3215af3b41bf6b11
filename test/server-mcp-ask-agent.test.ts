import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import type { CallToolResult, Progress } from '@modelcontextprotocol/sdk/types.js';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { configSchema, type AgentboxConfigInput } from '../src/config/config-schema.js';
import { MCP_SESSION_META_KEY } from '../src/mcp/create-mcp-server.js';
import { sha256Hex } from '../src/node/server/sha256-hex.js';
import { startServer, type RunningServer } from '../src/node/server/start-server.js';
import { startScriptedLlmServer, type ScriptedLlmServer } from '../src/node/testing/index.js';

// `ask_agent` on `/mcp` of `agentbox serve` over a real socket: the SDK's own Streamable HTTP
// client, turns answered by the loopback OpenAI-compatible server.
const keys = { alice: 'ask-key-alice-0001', bob: 'ask-key-bob-00001', tools: 'ask-key-tools-001' };
let llm: ScriptedLlmServer;
let running: RunningServer;
const clients: Client[] = [];

function config(mcp: { agents?: string[] }): AgentboxConfigInput {
  return {
    llm: { baseUrl: llm.url, apiKey: 'sk-test', model: 'test-model', maxRetries: 0 },
    store: { kind: 'memory' },
    agent: { system: 'You are the test agent.' },
    server: {
      apiKeys: [
        { sha256: sha256Hex(keys.alice), principal: 'alice' },
        { sha256: sha256Hex(keys.bob), principal: 'bob' },
        { sha256: sha256Hex(keys.tools), principal: 'toolsonly' },
      ],
      mcp,
    },
    auth: {
      roles: { toolsonly: { allow: ['tool:invoke:*', 'session:*:own'] } },
      principals: { alice: { roles: ['user'] }, bob: { roles: ['user'] }, toolsonly: { roles: ['toolsonly'] } },
    },
  };
}

beforeAll(async () => {
  llm = await startScriptedLlmServer();
  running = await startServer({ config: configSchema.parse(config({ agents: ['agent'] })), port: 0 });
});
afterEach(async () => {
  for (const c of clients.splice(0)) await c.close();
});
afterAll(async () => {
  await running?.close({ timeoutMs: 1000 });
  await llm?.close();
});

async function connect(key: string, server: RunningServer = running): Promise<Client> {
  const client = new Client({ name: 'ask-test', version: '1' });
  await client.connect(new StreamableHTTPClientTransport(new URL(`${server.url}/mcp`), { requestInit: { headers: { authorization: `Bearer ${key}` } } }));
  clients.push(client);
  return client;
}

const ask = (client: Client, args: Record<string, unknown>, options: Parameters<Client['callTool']>[2] = {}) =>
  client.callTool({ name: 'ask_agent', arguments: args }, undefined, options) as Promise<CallToolResult>;

async function events(sessionId: string, key = keys.alice): Promise<Array<{ type: string; [key: string]: unknown }>> {
  const res = await fetch(`${running.url}/v1/sessions/${sessionId}/events`, { headers: { authorization: `Bearer ${key}`, accept: 'application/json' } });
  expect(res.status).toBe(200);
  return ((await res.json()) as { data: Array<{ type: string }> }).data;
}

describe('ask_agent over /mcp', () => {
  it('is listed only when server.mcp.agents names it and for principals allowed agent:ask:agent', async () => {
    const alice = (await (await connect(keys.alice)).listTools()).tools;
    expect(alice.find((t) => t.name === 'ask_agent')).toMatchObject({ outputSchema: { type: 'object', required: ['text', 'sessionId'] } });
    const tools = (await (await connect(keys.tools)).listTools()).tools.map((t) => t.name);
    expect(tools).toContain('calculator');
    expect(tools).not.toContain('ask_agent');
    const off = await startServer({ config: configSchema.parse(config({})), port: 0 });
    try {
      const names = (await (await connect(keys.alice, off)).listTools()).tools.map((t) => t.name);
      expect(names).toContain('calculator');
      expect(names.filter((n) => n.startsWith('ask_'))).toEqual([]);
    } finally {
      await off.close({ timeoutMs: 1000 });
    }
  });

  it('answers in a new session of the caller, stored with its events; a second call with the sessionId continues it', async () => {
    llm.enqueue({ type: 'text', text: 'Blue.' }, { type: 'text', text: 'You asked about the sky.' });
    const before = llm.requestCount;
    const alice = await connect(keys.alice);
    const first = await ask(alice, { message: 'What colour is the sky?' });
    expect(first.isError).toBeFalsy();
    expect(first.content).toEqual([{ type: 'text', text: 'Blue.' }]);
    const { sessionId } = first.structuredContent as { sessionId: string };
    const stored = await events(sessionId);
    expect(stored.map((e) => e.type)).toEqual(expect.arrayContaining(['session.created', 'turn.started', 'llm.completed', 'turn.completed']));
    expect(stored[0]).toMatchObject({ owner: 'alice', metadata: { source: 'mcp', agent: 'agent', transport: 'streamable-http' } });
    expect(stored.find((e) => e.type === 'turn.started')).toMatchObject({ input: 'What colour is the sky?' });

    const second = await ask(alice, { message: 'What did I ask?', sessionId });
    expect(second.structuredContent).toEqual({ text: 'You asked about the sky.', sessionId });
    const sent = llm.requests[before + 1]?.body.messages?.map((m) => [m.role, m.content]);
    expect(sent).toEqual([
      ['system', 'You are the test agent.'],
      ['user', 'What colour is the sky?'],
      ['assistant', 'Blue.'],
      ['user', 'What did I ask?'],
    ]);
    expect((await events(sessionId)).filter((e) => e.type === 'turn.completed')).toHaveLength(2);
    // Both calls are in the MCP connection's own log too, with the permission they were allowed by.
    const log = await events(String(first._meta?.[MCP_SESSION_META_KEY]));
    expect(log.filter((e) => e.type === 'auth.allowed').map((e) => [e.principal, e.permission])).toEqual([
      ['alice', 'agent:ask:agent'],
      ['alice', 'agent:ask:agent'],
    ]);
    expect(log.filter((e) => e.type === 'tool.completed').map((e) => JSON.parse(String(e.output)).sessionId)).toEqual([sessionId, sessionId]);
  });

  it("refuses to continue another principal's session, and leaves it as it was", async () => {
    llm.enqueue({ type: 'text', text: 'secret answer' });
    const first = await ask(await connect(keys.alice), { message: 'alice only' });
    const { sessionId } = first.structuredContent as { sessionId: string };
    const count = llm.requestCount;
    const stolen = await ask(await connect(keys.bob), { message: 'and now for bob', sessionId });
    expect(stolen.isError).toBe(true);
    expect((stolen.content as Array<{ text: string }>)[0]?.text).toContain(`"code":"SESSION_NOT_FOUND"`);
    expect((stolen.content as Array<{ text: string }>)[0]?.text).toContain('belongs to another principal');
    expect(llm.requestCount).toBe(count);
    expect((await events(sessionId)).filter((e) => e.type === 'turn.started')).toHaveLength(1);
  });

  it('sends progress notifications for the steps and tool calls of the turn, before the answer', async () => {
    llm.enqueue({ type: 'tool-calls', calls: [{ name: 'calculator', arguments: { expression: '6 * 7' } }] }, { type: 'text', text: '42' });
    const progress: Progress[] = [];
    const result = await ask(await connect(keys.alice), { message: 'six times seven?' }, { onprogress: (p) => progress.push(p) });
    expect(result.structuredContent).toMatchObject({ text: '42' });
    const { sessionId } = result.structuredContent as { sessionId: string };
    expect(progress.map((p) => p.message)).toEqual([
      `turn 1 started in session ${sessionId}`,
      'step 1: asking the model',
      'step 1: calling calculator',
      'step 1: calculator done',
      'step 2: asking the model',
    ]);
    expect(progress.map((p) => p.progress)).toEqual([1, 2, 3, 4, 5]);
  });

  it('cancels the turn when the client cancels the call, and records it as cancelled', async () => {
    let arrived!: () => void;
    const asked = new Promise<void>((resolve) => (arrived = resolve));
    llm.enqueue(() => {
      arrived();
      return { type: 'text', text: 'too late', delayMs: 30_000 };
    });
    const controller = new AbortController();
    let started!: () => void;
    const firstProgress = new Promise<void>((resolve) => (started = resolve));
    const progress: Progress[] = [];
    const call = ask(
      await connect(keys.alice),
      { message: 'take your time' },
      {
        signal: controller.signal,
        onprogress: (p) => {
          progress.push(p);
          started();
        },
      },
    );
    // The model is asked and the client has heard of the turn (its first notification names the session).
    await Promise.all([asked, firstProgress]);
    controller.abort('changed my mind');
    await expect(call).rejects.toThrow(/changed my mind/);
    // The first notification names the session the turn runs in.
    const id = /^turn 1 started in session (\S+)$/.exec(progress[0]?.message ?? '')?.[1] ?? '';
    expect(id).not.toBe('');
    for (let i = 0; i < 100 && !(await events(id)).some((e) => e.type === 'turn.cancelled'); i += 1) await new Promise((r) => setTimeout(r, 20));
    const log = await events(id);
    expect(log.find((e) => e.type === 'turn.cancelled')).toMatchObject({ reason: 'cancelled by the caller' });
    expect(log.at(-1)).toMatchObject({ type: 'state.changed', to: 'cancelled' });
  });

  it('is a turn of the service: POST /v1/sessions/:id/cancel stops it, and the call answers CANCELLED', async () => {
    let arrived!: () => void;
    const asked = new Promise<void>((resolve) => (arrived = resolve));
    llm.enqueue(() => {
      arrived();
      return { type: 'text', text: 'too late', delayMs: 30_000 };
    });
    let started!: (id: string) => void;
    const sessionOf = new Promise<string>((resolve) => (started = resolve));
    const call = ask(
      await connect(keys.alice),
      { message: 'a long one' },
      { onprogress: (p) => started(/^turn 1 started in session (\S+)$/.exec(p.message ?? '')?.[1] ?? '') },
    );
    const [id] = await Promise.all([sessionOf, asked]);
    // Busy for the sessions API while it runs.
    const busy = await fetch(`${running.url}/v1/sessions/${id}/messages`, {
      method: 'POST',
      headers: { authorization: `Bearer ${keys.alice}`, 'content-type': 'application/json' },
      body: JSON.stringify({ input: 'me too' }),
    });
    expect(busy.status).toBe(409);
    const cancel = await fetch(`${running.url}/v1/sessions/${id}/cancel`, { method: 'POST', headers: { authorization: `Bearer ${keys.alice}` } });
    expect(await cancel.json()).toEqual({ cancelled: true });
    const result = await call;
    expect(result.isError).toBe(true);
    expect((result.content as Array<{ text: string }>)[0]?.text).toContain('"code":"CANCELLED"');
    expect((await events(id)).find((e) => e.type === 'turn.cancelled')).toBeDefined();
  });
});
