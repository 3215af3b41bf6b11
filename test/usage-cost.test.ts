/**
 * Usage and cost end to end: the loopback server reports usage (cached tokens included),
 * the runtime records each call's count, usage and price, the session sums them, and a
 * model's estimates are corrected by what the server reported for earlier calls.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createOpenAICompatibleModel } from '../src/agent/llm/openai-compatible.js';
import { calculatorTool } from '../src/agent/tools/builtin/index.js';
import { configSchema } from '../src/config/config-schema.js';
import type { AgentEvent } from '../src/engine/events.js';
import { AgentboxError } from '../src/errors/agentbox-error.js';
import { startScriptedLlmServer, type ScriptedLlmServer } from '../src/node/testing/scripted-llm-server.js';
import { BaseRuntime } from '../src/runtime/base-runtime.js';
import { runtimeOptionsFromConfig } from '../src/runtime/runtime-options-from-config.js';
import { MemorySessionStore } from '../src/store/memory-session-store.js';
import { isolatedEnv, runCli } from './helpers/run-cli.js';

let llm: ScriptedLlmServer;
beforeAll(async () => {
  llm = await startScriptedLlmServer();
});
afterAll(() => llm.close());

function runtime(model: string, llmConfig: Record<string, unknown> = {}) {
  const config = configSchema.parse({ llm: { baseUrl: llm.url, model, ...llmConfig } });
  const store = new MemorySessionStore();
  const options = runtimeOptionsFromConfig(
    config,
    { store },
    { model: createOpenAICompatibleModel({ baseUrl: llm.url, model, maxRetries: 0 }), tools: [calculatorTool] },
  ).options;
  return { rt: new BaseRuntime(options), store };
}

const completedCalls = (events: AgentEvent[]) => events.filter((e): e is Extract<AgentEvent, { type: 'llm.completed' }> => e.type === 'llm.completed');

describe('usage and cost', () => {
  it('records each call’s count, usage with cached tokens and cost, and sums them for the turn and the session', async () => {
    const { rt, store } = runtime('gpt-4o', { prices: { 'gpt-4o': { input: 2.5, cachedInput: 1.25, output: 10 } } });
    const first = llm.requestCount;
    llm.enqueue(
      { type: 'tool-calls', calls: [{ name: 'calculator', arguments: { expression: '6 * 7' } }], usage: { promptTokens: 1_200, completionTokens: 20 } },
      { type: 'text', text: 'It is 42.', usage: { promptTokens: 1_250, completionTokens: 8, cachedTokens: 1_024 } },
    );
    const session = await rt.process({ input: 'What is six times seven?' });
    const events = await store.events(session.id);
    const calls = completedCalls(events);
    expect(calls.map((c) => c.usage)).toEqual([
      { promptTokens: 1_200, completionTokens: 20, totalTokens: 1_220 },
      { promptTokens: 1_250, completionTokens: 8, totalTokens: 1_258, cachedPromptTokens: 1_024 },
    ]);
    expect(calls.map((c) => c.cost)).toEqual([(1_200 * 2.5 + 20 * 10) / 1e6, (226 * 2.5 + 1_024 * 1.25 + 8 * 10) / 1e6]);
    // The count is of exactly what the server received.
    for (const [i, call] of calls.entries()) {
      expect(call.request).toMatchObject({ messages: llm.requests[first + i]?.body.messages?.length, exact: true });
      expect(call.request?.promptTokens).toBeGreaterThan(10);
    }
    const turn = events.find((e) => e.type === 'turn.completed');
    expect(turn).toMatchObject({ usage: { promptTokens: 2_450, cachedPromptTokens: 1_024 }, cost: 0.005125 });
    expect(session.usage).toMatchObject({ promptTokens: 2_450, completionTokens: 28, cachedPromptTokens: 1_024, cost: 0.005125 });
    expect(session.lastRequest).toMatchObject({ step: 2, model: 'gpt-4o', messages: 3, exact: true, usage: { cachedPromptTokens: 1_024 } });
  });

  it('records no cost for a model without a price', async () => {
    const { rt, store } = runtime('gpt-4o', { prices: { 'gpt-4.1': { input: 2, output: 8 } } });
    llm.enqueue({ type: 'text', text: 'Hi.' });
    const session = await rt.process({ input: 'Hello' });
    const [call] = completedCalls(await store.events(session.id));
    expect(call && 'cost' in call).toBe(false);
    expect(session.usage.cost).toBeUndefined();
  });

  it('refuses a bad price, naming the key', () => {
    const result = configSchema.safeParse({ llm: { prices: { 'gpt-4o': { input: -1, output: 10 }, other: { input: 1 } } } });
    expect(result.success).toBe(false);
    expect(result.error?.issues.map((i) => i.path.join('.')).sort()).toEqual(['llm.prices.gpt-4o.input', 'llm.prices.other.output']);
  });
});

describe('estimate correction', () => {
  it('corrects a model’s estimates by the ratio the server reported for the session’s earlier calls', async () => {
    const limits = { contextWindow: 2_048, maxOutputTokens: 256 };
    const { rt, store } = runtime('llama3.2', limits);
    // The server counts three times what agentbox estimates (a tokenizer far from 4 characters a token).
    llm.enqueue((request) => {
      const chars = JSON.stringify(request.body.messages).length + JSON.stringify(request.body.tools).length;
      return { type: 'text', text: 'Noted.', usage: { promptTokens: Math.ceil(chars / 4) * 3 } };
    });
    const session = await rt.process({ input: 'Remember the word tide.' });
    const ratio = (session.estimates?.['llama3.2']?.reported ?? 0) / (session.estimates?.['llama3.2']?.estimated ?? 1);
    expect(ratio).toBeGreaterThan(2);
    // 700 estimated tokens: fits 2,048 − 256 uncorrected, not once corrected.
    const long = `Now read this: ${'tide '.repeat(560)}`;
    const before = llm.requestCount;
    const error = await rt.process({ sessionId: session.id, input: long }).catch((e: unknown) => e);
    expect(AgentboxError.isInstance(error, 'CONTEXT_OVERFLOW')).toBe(true);
    expect((error as Error).message).toMatch(/tokens \(estimated: \d+ × \d\.\d\d, the ratio this session's server reported\) plus 256 reserved/);
    expect(llm.requestCount).toBe(before);
    // The same message in a fresh session (nothing reported yet) is sent.
    llm.enqueue({ type: 'text', text: 'Read.' });
    const fresh = await rt.process({ input: long });
    expect(fresh.state).toBe('completed');
    expect(completedCalls(await store.events(fresh.id))[0]?.request).toMatchObject({ exact: false });
    expect(completedCalls(await store.events(fresh.id))[0]?.request?.correctedTokens).toBeUndefined();
  });
});

describe('agentbox session show', () => {
  it('shows tokens, cached tokens and cost per call and for the session, and what the last request contained', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'agentbox-usage-'));
    writeFileSync(join(dir, 'agentbox.config.json'), JSON.stringify({ llm: { prices: { 'test-model': { input: 1, cachedInput: 0.5, output: 4 } } } }));
    const env = isolatedEnv({ OPENAI_BASE_URL: llm.url, OPENAI_API_KEY: 'sk-test-secret-123', AGENTBOX_MODEL: 'test-model' });
    llm.enqueue({ type: 'text', text: 'Hello there.', usage: { promptTokens: 2_000, completionTokens: 500, cachedTokens: 1_000 } });
    const run = await runCli(['run', 'Say hello'], { env, cwd: dir });
    expect(run.code).toBe(0);
    const id = /session ([0-9a-f-]{36})/.exec(run.stderr)?.[1] ?? '';
    const shown = await runCli(['session', 'show', id], { env, cwd: dir });
    expect(shown.code).toBe(0);
    // 1,000 × 1 + 1,000 × 0.5 + 500 × 4 per million.
    expect(shown.stdout).toContain('usage 2500 tokens (2000 in, 1000 cached, 500 out) · 1 LLM call(s) · 0 tool call(s) · cost 0.0035');
    expect(shown.stdout).toMatch(
      /last request \(step 1, test-model\): 1 message\(s\) sent, \d+ tokens estimated, nothing left out; server: 2000 in, 1000 cached, 500 out · cost 0\.0035/,
    );
    expect(shown.stdout).toMatch(/llm\.completed stop \d+ ms 2000 in, 1000 cached, 500 out · cost 0\.0035/);
    const json = JSON.parse((await runCli(['session', 'show', id, '--json'], { env, cwd: dir })).stdout) as {
      session: { usage: { cost: number; cachedPromptTokens: number }; lastRequest: { messages: number; exact: boolean } };
    };
    expect(json.session.usage).toMatchObject({ cost: 0.0035, cachedPromptTokens: 1_000 });
    expect(json.session.lastRequest).toMatchObject({ messages: 1, exact: false });
  });
});
