import { spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { InMemoryTransport } from '@modelcontextprotocol/sdk/inMemory.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createMcpServer, MCP_SESSION_META_KEY } from '../src/mcp/create-mcp-server.js';
import type { EventOf } from '../src/engine/events.js';
import { NodeRuntime } from '../src/node/runtime/node-runtime.js';
import { startScriptedLlmServer, type ScriptedLlmServer } from '../src/node/testing/index.js';
import { repoRoot } from './helpers/run-cli.js';

// server-everything's trigger-sampling-request, driven by the agent loop against the loopback
// LLM server: the model calls the tool, the server asks agentbox for a completion, the same
// loopback server answers it, and the model reads the sampled text in the tool's result.
const everything = join(repoRoot, 'node_modules/@modelcontextprotocol/server-everything/dist/index.js');
const tool = 'everything_trigger-sampling-request';

let llm: ScriptedLlmServer;
let dir: string;

beforeAll(async () => {
  llm = await startScriptedLlmServer();
  dir = mkdtempSync(join(tmpdir(), 'agentbox-sampling-'));
});
afterAll(() => llm.close());

function open(sampling: unknown, db = join(dir, 'sessions.db')) {
  return NodeRuntime.init({
    llm: { baseUrl: llm.url, model: 'test-model' },
    store: { kind: 'sqlite', path: db },
    tools: { mcp: { servers: { everything: { command: process.execPath, args: [everything, 'stdio'], ...(sampling === undefined ? {} : { sampling }) } } } },
  } as Parameters<typeof NodeRuntime.init>[0]);
}

/** One turn in which the model calls the sampling tool once, then answers `done`. */
function scriptTurn(sampled: { text: string; promptTokens: number; completionTokens: number } | undefined, maxTokens = 100): void {
  llm.enqueue({ type: 'tool-calls', calls: [{ name: tool, arguments: { prompt: 'name a colour', maxTokens } }] });
  if (sampled) llm.enqueue({ type: 'text', text: sampled.text, usage: { promptTokens: sampled.promptTokens, completionTokens: sampled.completionTokens } });
  llm.enqueue({ type: 'text', text: 'done' });
}

function lastToolMessage(): string {
  const messages = llm.requests.at(-1)?.body.messages ?? [];
  return String(messages.filter((m) => m.role === 'tool').at(-1)?.content);
}

describe('MCP sampling, on for one server', () => {
  it('is not offered when sampling is off: the client declares no sampling capability', async () => {
    const runtime = await open(undefined, join(dir, 'off.db'));
    try {
      const names = runtime.tools.list().map((t) => t.name);
      expect(names).toContain('everything_echo');
      expect(names).not.toContain(tool);
      const offRuntime = await open(false, join(dir, 'off2.db'));
      expect(offRuntime.tools.list().map((t) => t.name)).not.toContain(tool);
      await offRuntime.close();
    } finally {
      await runtime.close();
    }
  });

  it('samples on the session model, answers the server, records mcp.sampled, and the budget holds across a restart', async () => {
    const db = join(dir, 'budget.db');
    let runtime = await open({ maxTokens: 120 }, db);
    let sessionId: string;
    try {
      expect(runtime.tools.list().map((t) => t.name)).toContain(tool);
      const before = llm.requestCount;
      scriptTurn({ text: 'SAMPLED-TEAL', promptTokens: 30, completionTokens: 10 }, 50);
      const session = await runtime.process({ input: 'ask the server' });
      sessionId = session.id;
      expect(session.state).toBe('completed');
      // The sampling request went to the session's model with what the server asked for.
      const sampling = llm.requests[before + 1]?.body;
      expect(sampling?.model).toBe('test-model');
      expect(sampling?.max_tokens).toBe(50);
      expect(sampling?.temperature).toBe(0.7);
      expect(sampling?.tools).toBeUndefined();
      expect(sampling?.messages).toEqual([
        { role: 'system', content: 'You are a helpful test server.' },
        { role: 'user', content: 'Resource trigger-sampling-request context: name a colour' },
      ]);
      // The model reads the sampled text in the tool's result.
      const result = lastToolMessage();
      expect(result).toContain('SAMPLED-TEAL');
      expect(result).toContain('"model": "test-model"');
      const events = await runtime.events(session.id);
      const sampled = events.filter((e): e is EventOf<'mcp.sampled'> => e.type === 'mcp.sampled');
      expect(sampled).toHaveLength(1);
      expect(sampled[0]).toMatchObject({
        step: 1,
        server: 'everything',
        model: 'test-model',
        messages: 1,
        maxTokens: 50,
        text: 'SAMPLED-TEAL',
        stopReason: 'endTurn',
        usage: { promptTokens: 30, completionTokens: 10, totalTokens: 40 },
      });
      const call = events.find((e) => e.type === 'tool.started');
      expect(sampled[0]?.callId).toBe(call?.type === 'tool.started' ? call.callId : 'none');
      // Counted once in the session's usage: the two loop calls' tokens plus the sampling's.
      const loop = events.filter((e): e is EventOf<'llm.completed'> => e.type === 'llm.completed').reduce((n, e) => n + e.usage.totalTokens, 0);
      expect(session.usage.totalTokens).toBe(loop + 40);
      expect(session.usage.llmCalls).toBe(3);
      expect(session.sampledTokens).toEqual({ everything: 40 });

      // 80 of 120 left: the server's 100 are clipped to what the prompt leaves.
      scriptTurn({ text: 'SAMPLED-AGAIN', promptTokens: 30, completionTokens: 50 }, 100);
      const second = await runtime.process({ sessionId, input: 'again' });
      expect(lastToolMessage()).toContain('SAMPLED-AGAIN');
      const clipped = (await runtime.events(sessionId)).filter((e): e is EventOf<'mcp.sampled'> => e.type === 'mcp.sampled').at(-1);
      expect(clipped?.maxTokens).toBeLessThan(80);
      expect(clipped?.maxTokens).toBeGreaterThan(40);
      expect(second.sampledTokens).toEqual({ everything: 120 });
    } finally {
      await runtime.close();
    }

    // A new process on the same file: the tally is folded from the log, the budget is spent.
    runtime = await open({ maxTokens: 120 }, db);
    try {
      const before = llm.requestCount;
      scriptTurn(undefined);
      const third = await runtime.process({ sessionId, input: 'once more' });
      expect(third.state).toBe('completed');
      // Only the two loop calls reached the LLM: the sampling request was refused before it.
      expect(llm.requestCount - before).toBe(2);
      const refusal = lastToolMessage();
      expect(refusal).toContain("MCP server 'everything' has used its sampling budget for this session (120 of 120 tokens");
      const events = await runtime.events(sessionId);
      const refused = events.filter((e): e is EventOf<'mcp.sampled'> => e.type === 'mcp.sampled').at(-1);
      expect(refused?.error?.code).toBe('MCP_SAMPLING_REFUSED');
      expect(refused?.usage.totalTokens).toBe(0);
      const completed = events.filter((e): e is EventOf<'tool.completed'> => e.type === 'tool.completed').at(-1);
      expect(completed?.ok).toBe(false);
      expect(third.sampledTokens).toEqual({ everything: 120 });
    } finally {
      await runtime.close();
    }
  });

  it("the configured sampling model is used instead of the session's model", async () => {
    const runtime = await open({ maxTokens: 500, model: 'sampler-model' }, join(dir, 'model.db'));
    try {
      const before = llm.requestCount;
      scriptTurn({ text: 'FROM-SAMPLER', promptTokens: 20, completionTokens: 5 });
      const session = await runtime.process({ input: 'sample on another model' });
      expect(llm.requests[before + 1]?.body.model).toBe('sampler-model');
      expect(llm.requests[before]?.body.model).toBe('test-model');
      expect(lastToolMessage()).toContain('"model": "sampler-model"');
      expect(session.sampledTokens).toEqual({ everything: 25 });
    } finally {
      await runtime.close();
    }
  });
});

describe('MCP sampling through agentbox’s own MCP server (a tool-call session)', () => {
  it("samples on the runtime's model for a client's call, tallied per session", async () => {
    const runtime = await open({ maxTokens: 60 }, join(dir, 'serve.db'));
    const server = createMcpServer({ runtime, principal: runtime.config.auth.defaultPrincipal, mayInvoke: () => true });
    const [clientSide, serverSide] = InMemoryTransport.createLinkedPair();
    await server.connect(serverSide);
    const client = new Client({ name: 'test-client', version: '1.0.0' });
    await client.connect(clientSide);
    try {
      llm.enqueue({ type: 'text', text: 'VIA-MCP-SERVE', usage: { promptTokens: 30, completionTokens: 20 } });
      const first = await client.callTool({ name: tool, arguments: { prompt: 'name a colour', maxTokens: 25 } });
      expect(first.isError).toBeFalsy();
      expect(JSON.stringify(first.content)).toContain('VIA-MCP-SERVE');
      const sessionId = String((first._meta as Record<string, unknown>)[MCP_SESSION_META_KEY]);
      // 10 of 60 left: the next request of the same connection's session is refused.
      const second = await client.callTool({ name: tool, arguments: { prompt: 'name a colour', maxTokens: 25 } });
      expect(second.isError).toBe(true);
      expect(JSON.stringify(second.content)).toMatch(/more than the 10 left of its sampling budget/);
      const sampled = (await runtime.events(sessionId)).filter((e): e is EventOf<'mcp.sampled'> => e.type === 'mcp.sampled');
      expect(sampled.map((e) => [e.text, e.usage.totalTokens, e.error?.code])).toEqual([
        ['VIA-MCP-SERVE', 50, undefined],
        ['', 0, 'MCP_SAMPLING_REFUSED'],
      ]);
      expect((await runtime.getSession(sessionId))?.sampledTokens).toEqual({ everything: 50 });
    } finally {
      await client.close();
      await runtime.close();
    }
  });
});

describe('MCP sampling over Streamable HTTP (server-everything on loopback)', () => {
  it('samples for a remote server in the agent loop, the same way', async () => {
    const probe = createServer();
    await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
    const { port } = probe.address() as AddressInfo;
    await new Promise((resolve) => probe.close(resolve));
    const child = spawn(process.execPath, [everything, 'streamableHttp'], { env: { ...process.env, PORT: String(port) }, stdio: ['ignore', 'ignore', 'pipe'] });
    try {
      await new Promise<void>((resolve, reject) => {
        child.stderr.on('data', (chunk: Buffer) => /listening|running/i.test(chunk.toString()) && resolve());
        child.once('exit', (code) => reject(new Error(`server exited with ${code}`)));
      });
      const runtime = await NodeRuntime.init({
        llm: { baseUrl: llm.url, model: 'test-model' },
        store: { kind: 'memory' },
        tools: { mcp: { servers: { everything: { url: `http://127.0.0.1:${port}/mcp`, sampling: true } } } },
      });
      try {
        scriptTurn({ text: 'OVER-HTTP', promptTokens: 30, completionTokens: 4 });
        const session = await runtime.process({ input: 'ask the remote server' });
        expect(lastToolMessage()).toContain('OVER-HTTP');
        expect(session.sampledTokens).toEqual({ everything: 34 });
      } finally {
        await runtime.close();
      }
    } finally {
      child.kill();
    }
  });
});
