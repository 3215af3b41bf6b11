import { resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createOpenAICompatibleModel } from '../../agent/llm/openai-compatible.js';
import { createSessionSampler } from '../../agent/tools/create-session-sampler.js';
import { ToolExecutor } from '../../agent/tools/tool-executor.js';
import { ToolRegistry } from '../../agent/tools/tool-registry.js';
import type { EventPayload } from '../../engine/events.js';
import { McpToolSource } from '../../mcp/mcp-tool-source.js';
import { startScriptedLlmServer, type ScriptedLlmServer } from '../testing/scripted-llm-server.js';
import { mcpSourceOptions } from './load-mcp-tool-sources.js';

// The fixture server asks for a completion whatever the client declared; with sampling on,
// agentbox answers it on the loopback LLM server, or says why it cannot.
const fixture = resolve(import.meta.dirname, '../../../test/fixtures/mcp/misbehaving-server.mjs');
let llm: ScriptedLlmServer;
let source: McpToolSource;

beforeAll(async () => {
  llm = await startScriptedLlmServer();
  source = await McpToolSource.connect(mcpSourceOptions('fx', { command: process.execPath, args: [fixture], env: {}, sampling: { maxTokens: 200 } }));
});
afterAll(async () => {
  await source.close();
  await llm.close();
});

async function call(sample?: ReturnType<typeof createSessionSampler>) {
  const executor = new ToolExecutor({ registry: new ToolRegistry(source.tools()), defaultTimeoutMs: 5000 });
  const events: EventPayload[] = [];
  const [result] = await executor.execute([{ id: 'c1', name: 'fx_ask-sampling', arguments: '{}' }], {
    sessionId: 's',
    principal: 'p',
    step: 1,
    signal: new AbortController().signal,
    emit: (e) => void events.push(e),
    ...(sample ? { sample } : {}),
  });
  if (!result) throw new Error('no result');
  return { result, events };
}

describe('McpToolSource with sampling on', () => {
  it('answers sampling/createMessage on the model the call brings', async () => {
    llm.enqueue({ type: 'text', text: 'hello from the model', usage: { promptTokens: 8, completionTokens: 4 } });
    const model = createOpenAICompatibleModel({ baseUrl: llm.url, model: 'loop' });
    const { result, events } = await call(createSessionSampler({ model, used: () => 0 }));
    expect(result.ok).toBe(true);
    expect(JSON.parse(String(result.ok && result.value))).toEqual({
      role: 'assistant',
      content: { type: 'text', text: 'hello from the model' },
      model: 'loop',
      stopReason: 'endTurn',
    });
    expect(llm.requests.at(-1)?.body.max_tokens).toBe(5);
    expect(events.find((e) => e.type === 'mcp.sampled')).toMatchObject({ server: 'fx', callId: 'c1', usage: { totalTokens: 12 } });
  });

  it('refuses, naming the reason, when the call brings no model', async () => {
    const { result } = await call();
    expect(!result.ok && result.error.message).toMatch(
      /^sampling\/createMessage failed: .*agentbox refuses sampling from MCP server 'fx': no model is at hand for the call under way$/,
    );
  });
});

describe('the sampler on an OpenAI-compatible endpoint', () => {
  it('sends the stop sequences, temperature, clipped max_tokens and the model override on the wire', async () => {
    llm.enqueue({ type: 'text', text: 'red', usage: { promptTokens: 9, completionTokens: 1 } });
    const model = createOpenAICompatibleModel({ baseUrl: llm.url, model: 'loop' });
    const sample = createSessionSampler({ model, used: () => 0 });
    const events: EventPayload[] = [];
    const answer = await sample(
      {
        source: 'fx',
        budgetTokens: 40,
        model: 'other',
        messages: [{ role: 'user', content: [{ type: 'text', text: 'a colour?' }] }],
        maxTokens: 500,
        temperature: 0,
        stopSequences: ['\n', 'END'],
      },
      { step: 1, callId: 'c', signal: new AbortController().signal, emit: (e) => void events.push(e) },
    );
    const body = llm.requests.at(-1)?.body;
    expect(body).toMatchObject({ model: 'other', temperature: 0, stop: ['\n', 'END'] });
    expect(body?.max_tokens).toBeLessThan(40);
    expect(answer).toMatchObject({ text: 'red', model: 'other', usage: { totalTokens: 10 } });
  });
});
