import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { configSchema } from '../src/config/config-schema.js';
import { sha256Hex } from '../src/node/server/sha256-hex.js';
import { startServer, type RunningServer } from '../src/node/server/start-server.js';
import { startScriptedLlmServer, type ScriptedLlmServer } from '../src/node/testing/index.js';
import { readSse, type SseMessage } from './helpers/server-harness.js';
import { repoRoot } from './helpers/run-cli.js';

// server-everything's elicitation tool, called by the agent loop against the loopback LLM,
// its form answered through the service's route over a real socket.
const everything = join(repoRoot, 'node_modules/@modelcontextprotocol/server-everything/dist/index.js');
const tool = 'everything_trigger-elicitation-request';
const keys = { alice: 'key-alice', bob: 'key-bob' };
let llm: ScriptedLlmServer;
let running: RunningServer;

beforeAll(async () => {
  llm = await startScriptedLlmServer();
  const config = configSchema.parse({
    llm: { baseUrl: llm.url, model: 'test-model', maxRetries: 0 },
    store: { kind: 'memory' },
    agent: { toolTimeoutMs: 2000 },
    tools: { mcp: { servers: { everything: { command: process.execPath, args: [everything, 'stdio'] } } } },
    server: {
      apiKeys: [
        { sha256: sha256Hex(keys.alice), principal: 'alice' },
        { sha256: sha256Hex(keys.bob), principal: 'bob' },
      ],
    },
    auth: { principals: { alice: { roles: ['user'] }, bob: { roles: ['user'] } } },
  });
  running = await startServer({ config, host: '127.0.0.1', port: 0 });
});
afterAll(async () => {
  await running?.close({ timeoutMs: 1000 });
  await llm?.close();
});

function call(path: string, init: { method?: string; json?: unknown; key?: string; accept?: string } = {}): Promise<Response> {
  const headers: Record<string, string> = { authorization: `Bearer ${init.key ?? keys.alice}` };
  if (init.json !== undefined) headers['content-type'] = 'application/json';
  if (init.accept) headers.accept = init.accept;
  return fetch(`${running.url}${path}`, { method: init.method ?? 'GET', headers, ...(init.json !== undefined ? { body: JSON.stringify(init.json) } : {}) });
}

/** Starts a turn whose model calls the elicitation tool; `answer` runs when the form shows, then the turn's events are collected. */
async function turnWithForm(
  answer: (sessionId: string, requested: Record<string, unknown>) => Promise<void>,
): Promise<{ sessionId: string; events: SseMessage[] }> {
  llm.enqueue({ type: 'tool-calls', calls: [{ name: tool, arguments: {} }] }, { type: 'text', text: 'Thanks.' });
  const { id } = (await (await call('/v1/sessions', { method: 'POST', json: {} })).json()) as { id: string };
  const res = await call(`/v1/sessions/${id}/messages`, { method: 'POST', json: { input: 'Ask me.' }, accept: 'text/event-stream' });
  expect(res.status).toBe(200);
  const events: SseMessage[] = [];
  for await (const message of readSse(res)) {
    events.push(message);
    if (message.event === 'elicitation.requested') await answer(id, JSON.parse(message.data) as Record<string, unknown>);
    if (message.event === 'turn.completed' || message.event === 'turn.failed') break;
  }
  return { sessionId: id, events };
}

const toolOutput = (): string => {
  const request = llm.requests.at(-1)?.body as { messages: Array<{ role: string; content: string }> };
  return request.messages.find((m) => m.role === 'tool')?.content ?? '';
};

describe('MCP elicitation answered through the service', () => {
  it('shows the form as an event, refuses a bad answer with a 400 while the call waits, and sends a good one to the server', async () => {
    let requested: Record<string, unknown> = {};
    const { sessionId, events } = await turnWithForm(async (id, event) => {
      requested = event;
      const path = `/v1/sessions/${id}/elicitations/${event.id as string}`;
      // Out of range, missing the required name: nothing is sent, the form stays.
      const bad = await call(path, { method: 'POST', json: { action: 'accept', content: { integer: 500 } } });
      expect(bad.status).toBe(400);
      const error = ((await bad.json()) as { error: { code: string; message: string } }).error;
      expect(error.code).toBe('INVALID_INPUT');
      expect(error.message).toContain('content.name: is required');
      expect(error.message).toContain('content.integer: must be at most 100');
      // Another principal cannot see the session, let alone answer for it.
      expect((await call(path, { method: 'POST', key: keys.bob, json: { action: 'decline' } })).status).toBe(404);
      expect((await call(`/v1/sessions/${id}/elicitations/nope`, { method: 'POST', json: { action: 'decline' } })).status).toBe(404);
      expect((await call(path, { method: 'POST', json: { action: 'maybe' } })).status).toBe(400);
      // Past the tool's 2 s deadline: the person's time does not count against the call.
      await new Promise((r) => setTimeout(r, 2200));
      const good = await call(path, {
        method: 'POST',
        json: {
          action: 'accept',
          content: { name: 'Ann Lee', check: true, integer: 7, untitledSingleSelectEnum: 'Joey', untitledMultipleSelectEnum: ['Piano'] },
        },
      });
      expect(good.status).toBe(200);
      expect(await good.json()).toEqual({ id: event.id, action: 'accept' });
    });
    expect(requested).toMatchObject({ server: 'everything', name: tool, message: 'Please provide inputs for the following fields:' });
    expect((requested.requestedSchema as { required: string[] }).required).toEqual(['name']);
    expect(events.at(-1)?.event).toBe('turn.completed');
    expect(toolOutput()).toContain('Name: Ann Lee');
    expect(toolOutput()).toContain('Favorite Integer: 7');

    const stored = (await (await call(`/v1/sessions/${sessionId}/events`, { accept: 'application/json' })).json()) as {
      data: Array<{ type: string; [k: string]: unknown }>;
    };
    const kinds = stored.data.map((e) => e.type).filter((t) => t.startsWith('elicitation.') || t.startsWith('tool.'));
    expect(kinds).toEqual(['tool.started', 'elicitation.requested', 'elicitation.answered', 'tool.completed']);
    expect(stored.data.find((e) => e.type === 'elicitation.answered')).toMatchObject({
      action: 'accept',
      by: 'alice',
      content: { name: 'Ann Lee', integer: 7 },
    });
    expect(stored.data.find((e) => e.type === 'tool.completed')).toMatchObject({ ok: true });
  }, 20_000);

  it.each(['decline', 'cancel'] as const)('sends a %s back, and the model reads it', async (action) => {
    await turnWithForm(async (id, event) => {
      const res = await call(`/v1/sessions/${id}/elicitations/${event.id as string}`, { method: 'POST', json: { action } });
      expect(res.status).toBe(200);
    });
    expect(toolOutput()).toContain(action === 'decline' ? 'User declined' : 'User cancelled');
    expect(toolOutput()).toContain(`"action": "${action}"`);
  });

  it('URL mode: shows the page to open, and "done" is an accept without content', async () => {
    llm.enqueue(
      {
        type: 'tool-calls',
        calls: [{ name: 'everything_trigger-url-elicitation', arguments: { url: 'https://example.com/consent', message: 'Consent, please.' } }],
      },
      { type: 'text', text: 'Done.' },
    );
    const { id } = (await (await call('/v1/sessions', { method: 'POST', json: {} })).json()) as { id: string };
    const res = await call(`/v1/sessions/${id}/messages`, { method: 'POST', json: { input: 'Get consent.' }, accept: 'text/event-stream' });
    let requested: Record<string, unknown> = {};
    for await (const message of readSse(res)) {
      if (message.event === 'elicitation.requested') {
        requested = JSON.parse(message.data) as Record<string, unknown>;
        const answered = await call(`/v1/sessions/${id}/elicitations/${requested.id as string}`, { method: 'POST', json: { action: 'accept' } });
        expect(answered.status).toBe(200);
      }
      if (message.event === 'turn.completed' || message.event === 'turn.failed') break;
    }
    expect(requested).toMatchObject({ url: 'https://example.com/consent', message: 'Consent, please.', requestedSchema: { type: 'object', properties: {} } });
    expect(toolOutput()).toContain('User completed the URL elicitation flow');
  });

  it('refuses the request when nobody can be asked (an OpenAI-style chat completion), and the model reads why', async () => {
    llm.enqueue({ type: 'tool-calls', calls: [{ name: tool, arguments: {} }] }, { type: 'text', text: 'Could not ask.' });
    const res = await call('/v1/chat/completions', { method: 'POST', json: { model: 'agentbox', messages: [{ role: 'user', content: 'Ask me.' }] } });
    expect(res.status).toBe(200);
    expect(toolOutput()).toContain("agentbox refuses elicitation from MCP server 'everything': no front end that can ask a person is attached");
  });
});
