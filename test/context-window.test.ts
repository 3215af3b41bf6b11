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

function runtime(limits: { contextWindow: number; maxOutputTokens: number }) {
  const config = configSchema.parse({ llm: { baseUrl: llm.url, model: 'llama3.2', ...limits } });
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
