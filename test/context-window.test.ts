/**
 * The context window end to end: the runtime's real OpenAI-compatible client against the
 * loopback server, every request counted before it is sent.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createOpenAICompatibleModel } from '../src/agent/llm/openai-compatible.js';
import { calculatorTool } from '../src/agent/tools/builtin/index.js';
import { AgentboxError } from '../src/errors/agentbox-error.js';
import { startScriptedLlmServer, type ScriptedLlmServer } from '../src/node/testing/scripted-llm-server.js';
import { BaseRuntime } from '../src/runtime/base-runtime.js';
import { runtimeOptionsFromConfig } from '../src/runtime/runtime-options-from-config.js';
import { configSchema } from '../src/config/config-schema.js';
import { MemorySessionStore } from '../src/store/memory-session-store.js';

let llm: ScriptedLlmServer;
beforeAll(async () => {
  llm = await startScriptedLlmServer();
});
afterAll(() => llm.close());

function runtime(limits: { contextWindow: number; maxOutputTokens: number }, agent: Record<string, unknown> = {}) {
  const config = configSchema.parse({ llm: { baseUrl: llm.url, model: 'llama3.2', ...limits }, agent });
  const model = createOpenAICompatibleModel({ baseUrl: llm.url, model: 'llama3.2', maxRetries: 0 });
  const store = new MemorySessionStore();
  return { rt: new BaseRuntime(runtimeOptionsFromConfig(config, { store }, { model, tools: [calculatorTool] }).options), store };
}

describe('the pre-flight count', () => {
  it('sends a request that fits the configured window', async () => {
    const { rt } = runtime({ contextWindow: 2_048, maxOutputTokens: 256 });
    llm.enqueue({ type: 'text', text: 'Hi.' });
    const before = llm.requestCount;
    const session = await rt.process({ input: 'Hello' });
    expect(session.state).toBe('completed');
    expect(llm.requestCount).toBe(before + 1);
  });

  it('never sends a request over the window: the turn fails with CONTEXT_OVERFLOW and the server receives nothing', async () => {
    const { rt, store } = runtime({ contextWindow: 1_024, maxOutputTokens: 256 });
    const before = llm.requestCount;
    const error = await rt.process({ input: 'y'.repeat(4_000) }).catch((e: unknown) => e);
    expect(AgentboxError.isInstance(error, 'CONTEXT_OVERFLOW')).toBe(true);
    expect((error as AgentboxError).message).toMatch(/\(estimated\) plus 256 reserved for the answer, over the 1024-token context window of llama3\.2/);
    expect(llm.requestCount).toBe(before);
    const [summary] = await store.list();
    const events = await store.events(summary?.id ?? '');
    expect(events.find((e) => e.type === 'llm.failed')).toMatchObject({ error: { code: 'CONTEXT_OVERFLOW' } });
    expect(events.at(-1)?.type).toBe('state.changed');
    expect(events.find((e) => e.type === 'turn.failed')).toMatchObject({ error: { code: 'CONTEXT_OVERFLOW' } });
  });
});

interface WireMessage {
  role: string;
  content: string | null;
  tool_call_id?: string;
  tool_calls?: Array<{ id: string; function: { name: string; arguments: string } }>;
}

describe('the context policy', () => {
  it('keeps a 500-turn session with tool calls under a small window every turn, never splitting a call from its result, always with the system prompt', async () => {
    const server = await startScriptedLlmServer({
      fallback: (request) => {
        const messages = request.body.messages as unknown as WireMessage[];
        return messages.at(-1)?.role === 'user'
          ? { type: 'tool-calls', calls: [{ name: 'calculator', arguments: { expression: `${messages.length} * 3` } }] }
          : { type: 'text', text: `The answer is in the tool result above; turn with ${messages.length} messages.` };
      },
    });
    try {
      const config = configSchema.parse({
        llm: { baseUrl: server.url, model: 'llama3.2', contextWindow: 2_048, maxOutputTokens: 256 },
        agent: { system: 'You are terse.' },
      });
      const model = createOpenAICompatibleModel({ baseUrl: server.url, model: 'llama3.2', maxRetries: 0 });
      const store = new MemorySessionStore();
      const rt = new BaseRuntime(runtimeOptionsFromConfig(config, { store }, { model, tools: [calculatorTool] }).options);
      let sessionId: string | undefined;
      for (let turn = 1; turn <= 500; turn += 1) {
        const session = await rt.process({ ...(sessionId ? { sessionId } : {}), input: `Question ${turn}: what is ${turn} times three, please?` });
        sessionId = session.id;
        expect(session.state).toBe('completed');
      }
      expect(server.requests).toHaveLength(1_000);
      const toolsText = JSON.stringify(server.requests[0]?.body.tools).length;
      let trimmedRequests = 0;
      for (const request of server.requests) {
        const messages = request.body.messages as unknown as WireMessage[];
        expect(messages[0]).toEqual({ role: 'system', content: 'You are terse.' });
        // What the server received, estimated as agentbox estimates (4 characters a token), fits.
        const chars = messages.reduce(
          (n, m) =>
            n +
            (m.content ?? '').length +
            (m.tool_call_id ?? '').length +
            (m.tool_calls ?? []).reduce((k, c) => k + c.function.name.length + c.function.arguments.length, 0),
          0,
        );
        expect(Math.ceil(chars / 4) + 4 * messages.length + Math.ceil(toolsText / 4) + 256).toBeLessThanOrEqual(2_048 + messages.length);
        const calls = new Set<string>();
        for (const [i, m] of messages.entries()) {
          for (const call of m.tool_calls ?? []) {
            calls.add(call.id);
            expect(messages[i + 1]).toMatchObject({ role: 'tool', tool_call_id: call.id });
          }
          if (m.role === 'tool') expect(calls.has(m.tool_call_id ?? '')).toBe(true);
        }
        if (messages.length < 2 + 4 * 500 && request.index > 40) trimmedRequests += 1;
      }
      expect(trimmedRequests).toBeGreaterThan(900);
      // The log keeps everything; the events say what was left out.
      const session = await store.load(sessionId ?? '');
      expect(session?.messages).toHaveLength(1 + 4 * 500);
      const events = await store.events(sessionId ?? '');
      const trims = events.filter((e) => e.type === 'context.trimmed');
      expect(trims.length).toBeGreaterThan(900);
      expect(trims.at(-1)).toMatchObject({ from: 1, messages: expect.any(Number), tokens: expect.any(Number) });
      // Dropped in large steps: the first kept message changes far less often than once a turn.
      const cuts = new Set(trims.map((e) => (e.type === 'context.trimmed' ? e.to : 0)));
      expect(cuts.size).toBeLessThan(150);
    } finally {
      await server.close();
    }
  }, 120_000);

  it('refuses a bad agent.context in config, naming the key', () => {
    expect(() => runtime({ contextWindow: 2_048, maxOutputTokens: 256 }, { context: { lowWater: 2 } })).toThrow();
    const result = configSchema.safeParse({ agent: { context: { lowWater: 2, keep: 3 } } });
    expect(result.success).toBe(false);
    expect(result.error?.issues.map((i) => i.path.join('.') || i.message).sort()).toEqual(expect.arrayContaining(['agent.context.lowWater']));
  });
});
