import { describe, expect, it } from 'vitest';
import { defineTool } from '../agent/tools/tool.js';
import { unansweredToolCalls } from '../engine/unanswered-tool-calls.js';
import { MemorySessionStore } from '../store/memory-session-store.js';
import { createScriptedModel } from '../testing/scripted-model.js';
import { BaseRuntime } from './base-runtime.js';

// A process that died mid-call leaves an assistant tool call with no result: the next turn,
// in another process, answers it as interrupted, so the model gets a history it accepts.
const stuck = defineTool({
  name: 'deploy',
  description: 'never returns',
  parameters: { type: 'object' },
  timeoutMs: 60_000,
  execute: () => new Promise(() => {}),
});

describe('a turn after one that died mid-call', () => {
  it('answers the unanswered call as INTERRUPTED before the new turn, so the history is whole', async () => {
    const store = new MemorySessionStore();
    const first = new BaseRuntime({
      store,
      model: createScriptedModel([{ toolCalls: [{ id: 'call_1', name: 'deploy', arguments: '{}' }] }]),
      tools: [stuck],
    });
    const session = await first.createSession();
    void first.process({ sessionId: session.id, input: 'deploy it' }).catch(() => undefined);
    for (let i = 0; i < 100 && !(await store.events(session.id)).some((e) => e.type === 'tool.started'); i += 1) await new Promise((r) => setTimeout(r, 10));
    const before = await store.load(session.id);
    expect(unansweredToolCalls(before?.messages ?? []).map((c) => c.id)).toEqual(['call_1']);

    // "Another process": a new runtime on the same store, the first one never heard from again.
    const model = createScriptedModel([{ text: 'It may or may not have deployed.' }]);
    const second = new BaseRuntime({ store, model, tools: [stuck] });
    const after = await second.process({ sessionId: session.id, input: 'did it work?' });
    expect(after.state).toBe('completed');
    const sent = model.requests[0]?.messages ?? [];
    expect(sent.map((m) => m.role)).toEqual(['user', 'assistant', 'tool', 'user']);
    expect(sent[2]).toMatchObject({ role: 'tool', toolCallId: 'call_1' });
    expect(JSON.parse((sent[2] as { content: string }).content)).toMatchObject({ error: { code: 'INTERRUPTED' } });
    const types = (await store.events(session.id)).map((e) => e.type);
    const closed = types.lastIndexOf('tool.completed');
    expect(types.slice(closed, closed + 2)).toEqual(['tool.completed', 'turn.failed']);
    expect(unansweredToolCalls(after.messages)).toEqual([]);
  });

  it('finds nothing to answer in a whole history', () => {
    expect(unansweredToolCalls([])).toEqual([]);
    expect(
      unansweredToolCalls([
        { role: 'user', content: 'hi' },
        {
          role: 'assistant',
          content: '',
          toolCalls: [
            { id: 'a', name: 't', arguments: '{}' },
            { id: 'b', name: 't', arguments: '{}' },
          ],
        },
        { role: 'tool', toolCallId: 'a', name: 't', content: '1' },
      ]).map((c) => c.id),
    ).toEqual(['b']);
    expect(unansweredToolCalls([{ role: 'assistant', content: 'done' }])).toEqual([]);
  });
});
