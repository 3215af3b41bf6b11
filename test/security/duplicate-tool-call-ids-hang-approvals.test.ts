/**
 * Attacker: the model (or whoever steers it through a prompt injection). Two
 * approval-gated calls with the same id in one answer used to leave the session in
 * `awaiting_approval` after the human approved, and one decision applied to both calls.
 * Fixed in src/agent/run-turn.ts: a repeated id gets a fresh one before anything is
 * recorded, so each call is asked, decided, run and answered on its own.
 */
import { describe, expect, it } from 'vitest';
import { defineTool, type Tool } from '../../src/agent/tools/tool.js';
import type { AgentEvent } from '../../src/engine/events.js';
import { BaseRuntime } from '../../src/runtime/base-runtime.js';
import { MemorySessionStore } from '../../src/store/memory-session-store.js';
import { createScriptedModel } from '../../src/testing/scripted-model.js';

describe('a model answer that repeats a tool-call id', () => {
  it('asks for each gated call separately, runs only the approved one, and finishes the turn', async () => {
    const ran: string[] = [];
    const gated: Tool = defineTool<{ target: string }>({
      name: 'delete_file',
      description: 'deletes a file',
      parameters: { type: 'object', properties: { target: { type: 'string' } }, required: ['target'] },
      needsApproval: true,
      execute: ({ target }) => {
        ran.push(target);
        return { deleted: target };
      },
    }) as Tool;
    const model = createScriptedModel([
      {
        toolCalls: [
          { id: 'dup', name: 'delete_file', arguments: '{"target":"harmless.txt"}' },
          { id: 'dup', name: 'delete_file', arguments: '{"target":"important.txt"}' },
        ],
      },
      { text: 'done' },
    ]);
    const rt = new BaseRuntime({ store: new MemorySessionStore(), model, tools: [gated] });
    const session = await rt.createSession();
    const live = rt.stream({ sessionId: session.id });
    const events: AgentEvent[] = [];
    const running = rt.process({ sessionId: session.id, input: 'clean up' });
    for await (const event of live) {
      events.push(event);
      if (event.type === 'state.changed' && event.to === 'awaiting_approval') break;
    }
    const pending = rt.pendingApprovals(session.id);
    expect(pending.map((p) => p.arguments)).toEqual(['{"target":"harmless.txt"}', '{"target":"important.txt"}']);
    const [first, second] = pending.map((p) => p.callId);
    expect(first).not.toBe(second);
    expect(rt.decide(session.id, first as string, { approved: true, by: 'ana' })).toBe(true);
    expect(rt.decide(session.id, second as string, { approved: false, by: 'ana', reason: 'no' })).toBe(true);

    const done = await Promise.race([running, new Promise<never>((_, reject) => setTimeout(() => reject(new Error('the turn hung')), 5_000))]);
    live.close();
    expect(done.state).toBe('completed');
    expect(ran).toEqual(['harmless.txt']);
    const toolMessages = done.messages.filter((m) => m.role === 'tool');
    expect(toolMessages.map((m) => m.toolCallId).sort()).toEqual([first, second].sort());
    // The model is shown the calls under the ids their results carry.
    const assistant = done.messages.find((m) => m.role === 'assistant' && (m.toolCalls?.length ?? 0) > 0);
    expect(assistant?.role === 'assistant' && assistant.toolCalls?.map((c) => c.id)).toEqual([first, second]);
    const resultIds = model.requests[1]?.messages.flatMap((m) => (m.role === 'tool' ? [m.toolCallId] : []));
    expect(resultIds?.sort()).toEqual([first, second].sort());
  });
});
