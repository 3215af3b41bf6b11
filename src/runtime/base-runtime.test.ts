import { describe, expect, it } from 'vitest';
import { AgentboxError } from '../errors/agentbox-error.js';
import type { AgentEvent } from '../engine/events.js';
import { MemorySessionStore } from '../store/memory-session-store.js';
import { createScriptedModel, type ScriptedAnswer } from '../testing/scripted-model.js';
import { builtinTools } from '../agent/tools/builtin/index.js';
import { defineTool, type Tool } from '../agent/tools/tool.js';
import { BaseRuntime, type RuntimeOptions } from './base-runtime.js';

function runtime(script: ScriptedAnswer[], options: Partial<RuntimeOptions> = {}) {
  const model = createScriptedModel(script);
  const store = new MemorySessionStore();
  const rt = new BaseRuntime({ store, model, tools: builtinTools(), ...options });
  return { rt, model, store };
}

async function collect(sub: AsyncIterable<AgentEvent>): Promise<AgentEvent[]> {
  const out: AgentEvent[] = [];
  for await (const e of sub) out.push(e);
  return out;
}

const calc = { toolCalls: [{ id: 'c1', name: 'calculator', arguments: '{"expression":"17 * 23"}' }] };

describe('BaseRuntime.process', () => {
  it('runs user → tool call → tool → final answer, streaming and storing every step', async () => {
    const { rt, model, store } = runtime([calc, { text: '17 * 23 = 391', chunks: 3, usage: { promptTokens: 9, completionTokens: 4, totalTokens: 13 } }]);
    const live = rt.stream();
    const session = await rt.process({ input: 'What is 17 * 23?' });
    live.close();
    const streamed = await collect(live);

    expect(session.state).toBe('completed');
    expect(session.messages.map((m) => m.role)).toEqual(['user', 'assistant', 'tool', 'assistant']);
    expect(session.messages[2]).toMatchObject({ role: 'tool', content: '{"result":391}' });
    expect(session.messages[3]).toMatchObject({ content: '17 * 23 = 391' });
    expect(session.usage).toMatchObject({ llmCalls: 2, toolCalls: 1, totalTokens: 13 });

    // The model saw the tool result on its second call, and was offered the tools.
    expect(model.requests[1]?.messages.at(-1)).toMatchObject({ role: 'tool', toolCallId: 'c1' });
    expect(model.requests[0]?.tools?.map((t) => t.name)).toEqual(['calculator', 'current_time']);

    const deltas = streamed.filter((e) => e.type === 'llm.text-delta').map((e) => (e as { text: string }).text);
    expect(deltas.join('')).toBe('17 * 23 = 391');
    expect(deltas.length).toBe(3);

    // The store holds exactly the persisted events, seq 1..n, and folds to the same session.
    const stored = await store.events(session.id);
    expect(stored.map((e) => e.seq)).toEqual(stored.map((_, i) => i + 1));
    expect(stored.some((e) => e.type === 'llm.text-delta')).toBe(false);
    expect(streamed.filter((e) => e.seq > 0).map((e) => e.type)).toEqual(stored.map((e) => e.type));
    expect(await store.load(session.id)).toEqual(session);
  });

  it('continues a session on a second turn with the whole history', async () => {
    const { rt, model } = runtime([{ text: 'hi' }, { text: 'again' }], { system: 'be brief' });
    const first = await rt.process({ input: 'hello' });
    const second = await rt.process({ sessionId: first.id, input: 'once more' });
    expect(second.turns).toBe(2);
    expect(model.requests[1]?.messages.map((m) => m.role)).toEqual(['system', 'user', 'assistant', 'user']);
  });

  it('stops a runaway loop at maxSteps with a clear reason and a failed session', async () => {
    const { rt, store } = runtime([calc, calc, calc, calc], { maxSteps: 3 });
    const error = await rt.process({ input: 'loop' }).catch((e: unknown) => e);
    expect(AgentboxError.isInstance(error) && error.code).toBe('MAX_STEPS');
    expect((error as Error).message).toMatch(/stopped after 3 model calls/);
    const [summary] = await store.list();
    expect(summary?.state).toBe('failed');
    const events = await store.events(summary!.id);
    expect(events.filter((e) => e.type === 'llm.completed')).toHaveLength(3);
    expect(events.at(-2)).toMatchObject({ type: 'turn.failed', error: { code: 'MAX_STEPS' } });
  });

  it('records a model failure as a failed turn and rethrows it', async () => {
    const { rt, store } = runtime([{ error: new AgentboxError('LLM_HTTP', 'HTTP 500 from the model', { details: { status: 500 } }) }]);
    await expect(rt.process({ input: 'x' })).rejects.toThrow('HTTP 500 from the model');
    const [summary] = await store.list();
    const events = await store.events(summary!.id);
    expect(events.map((e) => e.type)).toEqual([
      'session.created',
      'turn.started',
      'state.changed',
      'llm.started',
      'llm.failed',
      'turn.failed',
      'state.changed',
    ]);
    // The failed session takes a new turn.
    expect(summary?.state).toBe('failed');
  });

  it('cancels a running turn', async () => {
    const slow = defineTool({
      name: 'slow',
      description: 'slow',
      parameters: { type: 'object' },
      execute: (_a, { signal }) => new Promise((_, reject) => signal.addEventListener('abort', () => reject(signal.reason))),
    });
    const { rt, store } = runtime([{ toolCalls: [{ name: 'slow', arguments: '{}' }] }], { tools: [slow] });
    const session = await rt.createSession();
    const running = rt.process({ sessionId: session.id, input: 'go' });
    const sub = rt.stream({ sessionId: session.id });
    for await (const e of sub) if (e.type === 'tool.started') break;
    expect(rt.cancel(session.id)).toBe(true);
    await expect(running).rejects.toSatisfy((e) => AgentboxError.isInstance(e) && e.code === 'CANCELLED');
    expect((await store.load(session.id))?.state).toBe('cancelled');
  });

  it('waits for approval through decide()', async () => {
    const gated: Tool = { ...(builtinTools()[0] as Tool), needsApproval: true };
    const { rt } = runtime([calc, { text: 'done' }], { tools: [gated] });
    const session = await rt.createSession();
    const sub = rt.stream({ sessionId: session.id });
    const running = rt.process({ sessionId: session.id, input: 'go' });
    for await (const e of sub) if (e.type === 'state.changed' && e.to === 'awaiting_approval') break;
    expect(rt.pendingApprovals(session.id)).toEqual([{ callId: 'c1', name: 'calculator', arguments: '{"expression":"17 * 23"}' }]);
    expect(rt.decide(session.id, 'c1', { approved: true, by: 'ana' })).toBe(true);
    const done = await running;
    expect(done.messages.find((m) => m.role === 'tool')?.content).toBe('{"result":391}');
  });

  it('ends a turn waiting for approval when the caller aborts its signal', async () => {
    const gated: Tool = { ...(builtinTools()[0] as Tool), needsApproval: true };
    const { rt, store } = runtime([calc], { tools: [gated] });
    const session = await rt.createSession();
    const sub = rt.stream({ sessionId: session.id });
    const controller = new AbortController();
    const running = rt.process({ sessionId: session.id, input: 'go', signal: controller.signal });
    for await (const e of sub) if (e.type === 'state.changed' && e.to === 'awaiting_approval') break;
    controller.abort();
    await expect(running).rejects.toSatisfy((e) => AgentboxError.isInstance(e) && e.code === 'CANCELLED');
    expect((await store.load(session.id))?.state).toBe('cancelled');
    expect(rt.pendingApprovals(session.id)).toEqual([]);
  });

  it('stops waiting on an approver that never answers when the turn is cancelled', async () => {
    const gated: Tool = { ...(builtinTools()[0] as Tool), needsApproval: true };
    const { rt, store } = runtime([calc], { tools: [gated] });
    const session = await rt.createSession();
    const controller = new AbortController();
    let asked = 0;
    const running = rt.process({
      sessionId: session.id,
      input: 'go',
      signal: controller.signal,
      onApproval: () => ((asked += 1), new Promise(() => undefined)),
    });
    const sub = rt.stream({ sessionId: session.id });
    for await (const e of sub) if (e.type === 'state.changed' && e.to === 'awaiting_approval') break;
    controller.abort();
    await expect(running).rejects.toSatisfy((e) => AgentboxError.isInstance(e) && e.code === 'CANCELLED');
    expect(asked).toBe(1);
    const events = await store.events(session.id);
    expect(events.find((e) => e.type === 'approval.decided')).toMatchObject({ approved: false, reason: 'turn cancelled' });
    expect((await store.load(session.id))?.state).toBe('cancelled');
  });

  it('refuses a second concurrent turn on one session, an empty message, and an unknown session', async () => {
    const { rt } = runtime([{ text: 'a' }]);
    await expect(rt.process({ input: '  ' })).rejects.toThrow('the user message is empty');
    await expect(rt.process({ sessionId: 'nope', input: 'x' })).rejects.toSatisfy((e) => AgentboxError.isInstance(e) && e.code === 'SESSION_NOT_FOUND');
    const s = await rt.createSession();
    const first = rt.process({ sessionId: s.id, input: 'x' });
    await expect(rt.process({ sessionId: s.id, input: 'y' })).rejects.toSatisfy((e) => AgentboxError.isInstance(e) && e.code === 'SESSION_BUSY');
    await first;
  });
});

describe('BaseRuntime.withStore', () => {
  it('runs turns with the same model, tools and limits, keeping its sessions in the other store', async () => {
    const { rt, model, store } = runtime([calc, { text: '391' }], { maxSteps: 3, system: 'be terse' });
    const other = new MemorySessionStore();
    const sibling = rt.withStore(other);
    const done = await sibling.process({ input: 'What is 17 * 23?' });
    expect(done.messages.find((m) => m.role === 'tool')?.content).toBe('{"result":391}');
    expect(done.messages[0]).toMatchObject({ role: 'system', content: 'be terse' });
    expect(model.requests).toHaveLength(2);
    expect((await other.list()).map((s) => s.id)).toEqual([done.id]);
    expect(await store.list()).toEqual([]);
    expect(sibling.tools.list().map((t) => t.name)).toEqual(rt.tools.list().map((t) => t.name));
    expect(sibling.system).toBe('be terse');
  });
});
