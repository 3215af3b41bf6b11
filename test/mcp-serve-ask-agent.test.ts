import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import type { CallToolResult, Progress } from '@modelcontextprotocol/sdk/types.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SqliteSessionStore } from '../src/node/store/sqlite-session-store.js';
import { startScriptedLlmServer, type ScriptedLlmServer } from '../src/node/testing/index.js';
import { BaseRuntime } from '../src/runtime/base-runtime.js';
import { cliPath, isolatedEnv } from './helpers/run-cli.js';

// `agentbox mcp serve` with `server.mcp.agents`, against the SDK's own Client over stdio; the
// turns are answered by the loopback OpenAI-compatible server.
let dir: string;
let llm: ScriptedLlmServer;
let client: Client;
let othersSession: string;

const dbPath = () => join(dir, 'sessions.db');

async function readLog<T>(fn: (store: SqliteSessionStore) => Promise<T>): Promise<T> {
  // The serving process still runs: read its SQLite file as another process would.
  const store = SqliteSessionStore.open(dbPath());
  try {
    return await fn(store);
  } finally {
    await store.close();
  }
}

beforeAll(async () => {
  llm = await startScriptedLlmServer();
  dir = mkdtempSync(join(tmpdir(), 'agentbox-mcp-ask-'));
  mkdirSync(join(dir, 'prompts'));
  writeFileSync(join(dir, 'prompts', 'brief.prompt'), '{{role "system"}}\nAnswer in one word.\n{{history}}\n{{role "user"}}\n{{message}}\n');
  writeFileSync(
    join(dir, 'agentbox.config.json'),
    JSON.stringify({
      store: { kind: 'sqlite', path: dbPath() },
      agent: { system: 'You are the stdio agent.' },
      server: { mcp: { agents: ['agent', { name: 'brief', description: 'One-word answers' }] } },
      auth: { principals: { robot: { roles: ['user'] }, someone: { roles: ['user'] } }, defaultPrincipal: 'robot' },
    }),
  );
  // A session of another principal in the same store.
  const store = SqliteSessionStore.open(dbPath());
  const runtime = new BaseRuntime({ store, model: () => Promise.reject(new Error('unused')) as never });
  othersSession = (await runtime.createSession({ owner: 'someone' })).id;
  await runtime.close();
  client = new Client({ name: 'stdio-ask', version: '1.0.0' });
  const env = isolatedEnv({ OPENAI_BASE_URL: llm.url, OPENAI_API_KEY: 'sk-test', AGENTBOX_MODEL: 'test-model' });
  await client.connect(new StdioClientTransport({ command: process.execPath, args: [cliPath, 'mcp', 'serve'], cwd: dir, env, stderr: 'pipe' }));
});
afterAll(async () => {
  await client?.close();
  await llm?.close();
});

const ask = (name: string, args: Record<string, unknown>, options: Parameters<Client['callTool']>[2] = {}) =>
  client.callTool({ name, arguments: args }, undefined, options) as Promise<CallToolResult>;

describe('agentbox mcp serve: agents as tools', () => {
  it('lists ask_agent and ask_<prompt> beside the tools', async () => {
    const { tools } = await client.listTools();
    expect(tools.slice(0, 2).map((t) => [t.name, t.description])).toEqual([
      ['ask_agent', expect.stringContaining('Ask the agent')],
      ['ask_brief', 'One-word answers'],
    ]);
    expect(tools.map((t) => t.name)).toContain('calculator');
  });

  it('answers in a new session stored in SQLite, and continues it with its sessionId: the model sees the first turn', async () => {
    llm.enqueue({ type: 'text', text: 'Hello, robot.' }, { type: 'text', text: 'You greeted me.' });
    const before = llm.requestCount;
    const first = await ask('ask_agent', { message: 'Hi there' });
    expect(first.isError).toBeFalsy();
    expect(first.content).toEqual([{ type: 'text', text: 'Hello, robot.' }]);
    const { sessionId } = first.structuredContent as { sessionId: string };
    const second = await ask('ask_agent', { message: 'What did I say?', sessionId });
    expect(second.structuredContent).toEqual({ text: 'You greeted me.', sessionId });
    expect(llm.requests[before + 1]?.body.messages?.map((m) => [m.role, m.content])).toEqual([
      ['system', 'You are the stdio agent.'],
      ['user', 'Hi there'],
      ['assistant', 'Hello, robot.'],
      ['user', 'What did I say?'],
    ]);
    await readLog(async (store) => {
      const session = await store.load(sessionId);
      expect(session).toMatchObject({ owner: 'robot', turns: 2, state: 'completed', metadata: { source: 'mcp', agent: 'agent', transport: 'stdio' } });
      const events = await store.events(sessionId);
      expect(events.filter((e) => e.type === 'turn.completed').map((e) => e.text)).toEqual(['Hello, robot.', 'You greeted me.']);
    });
  });

  it('runs a stored prompt as its agent, with the message as its input', async () => {
    llm.enqueue({ type: 'text', text: 'Wet.' });
    const before = llm.requestCount;
    const result = await ask('ask_brief', { message: 'Is water wet?' });
    expect(result.structuredContent).toMatchObject({ text: 'Wet.' });
    expect(llm.requests[before]?.body.messages).toEqual([
      { role: 'system', content: 'Answer in one word.' },
      { role: 'user', content: 'Is water wet?' },
    ]);
  });

  it("refuses another principal's session with a clear error", async () => {
    const count = llm.requestCount;
    const result = await ask('ask_agent', { message: 'let me in', sessionId: othersSession });
    expect(result.isError).toBe(true);
    expect(JSON.parse((result.content as Array<{ text: string }>)[0]?.text ?? '')).toEqual({
      error: { code: 'SESSION_NOT_FOUND', message: `no session ${othersSession} that robot may write: it does not exist or belongs to another principal` },
    });
    expect(llm.requestCount).toBe(count);
    await readLog(async (store) => expect((await store.events(othersSession)).map((e) => e.type)).toEqual(['session.created']));
  });

  it('sends progress notifications as the turn goes, the tool call included', async () => {
    llm.enqueue({ type: 'tool-calls', calls: [{ name: 'calculator', arguments: { expression: '2 + 3' } }] }, { type: 'text', text: 'Five.' });
    const progress: Progress[] = [];
    const result = await ask('ask_agent', { message: 'two plus three?' }, { onprogress: (p) => progress.push(p) });
    expect(result.structuredContent).toMatchObject({ text: 'Five.' });
    const { sessionId } = result.structuredContent as { sessionId: string };
    expect(progress.map((p) => p.message)).toEqual([
      `turn 1 started in session ${sessionId}`,
      'step 1: asking the model',
      'step 1: calling calculator',
      'step 1: calculator done',
      'step 2: asking the model',
    ]);
  });

  it('cancels the turn when the client cancels the call: recorded as cancelled', async () => {
    let arrived!: () => void;
    const asked = new Promise<void>((resolve) => (arrived = resolve));
    llm.enqueue(() => {
      arrived();
      return { type: 'text', text: 'never', delayMs: 30_000 };
    });
    const controller = new AbortController();
    let started!: () => void;
    const firstProgress = new Promise<void>((resolve) => (started = resolve));
    const progress: Progress[] = [];
    const call = ask(
      'ask_agent',
      { message: 'think hard' },
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
    controller.abort('no longer needed');
    await expect(call).rejects.toThrow(/no longer needed/);
    const sessionId = /^turn 1 started in session (\S+)$/.exec(progress[0]?.message ?? '')?.[1] ?? '';
    let state: string | undefined;
    for (let i = 0; i < 100 && state !== 'cancelled'; i += 1) {
      state = await readLog(async (store) => (await store.load(sessionId))?.state);
      if (state !== 'cancelled') await new Promise((r) => setTimeout(r, 30));
    }
    expect(state).toBe('cancelled');
    await readLog(async (store) =>
      expect((await store.events(sessionId)).find((e) => e.type === 'turn.cancelled')).toMatchObject({ reason: 'cancelled by the caller' }),
    );
    // The server goes on serving.
    llm.enqueue({ type: 'text', text: 'still here' });
    expect((await ask('ask_agent', { message: 'there?' })).structuredContent).toMatchObject({ text: 'still here' });
  });
});
