import { describe, expect, it } from 'vitest';
import { defineTool } from '../agent/tools/tool.js';
import type { AgentEvent } from '../engine/events.js';
import { MemorySessionStore } from '../store/memory-session-store.js';
import { createScriptedModel } from '../testing/scripted-model.js';
import { BaseRuntime } from './base-runtime.js';
import { createRuntimeWorkflowHost } from './create-runtime-workflow-host.js';

const askCity = defineTool({
  name: 'ask_city',
  description: 'asks the person for a city',
  parameters: { type: 'object' },
  execute: async (_args, context) => {
    if (!context.elicit) return 'nobody to ask';
    return context.elicit({ message: 'Which city?', requestedSchema: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] } });
  },
});

function runtime(): BaseRuntime {
  return new BaseRuntime({
    store: new MemorySessionStore(),
    model: createScriptedModel([{ toolCalls: [{ name: 'ask_city', arguments: '{}' }] }, { text: 'done' }]),
    tools: [askCity],
  });
}

async function untilAsked(events: AsyncIterable<AgentEvent>): Promise<void> {
  for await (const event of events) if (event.type === 'elicitation.requested') return;
}

const toolResult = (session: { messages: Array<{ role: string; content?: unknown }> }) => session.messages.find((m) => m.role === 'tool')?.content;

describe('BaseRuntime and a tool that asks the person', () => {
  it('keeps the form pending until answerElicitation, refusing an answer that does not match it', async () => {
    const rt = runtime();
    const session = await rt.createSession();
    const events = rt.stream({ sessionId: session.id });
    const turn = rt.process({ sessionId: session.id, input: 'go' });
    await untilAsked(events);
    const [pending] = rt.pendingElicitations(session.id);
    expect(pending).toMatchObject({ name: 'ask_city', message: 'Which city?' });
    expect(() => rt.answerElicitation(session.id, pending!.id, { action: 'accept', content: {}, by: 'ana' })).toThrow(
      expect.objectContaining({ code: 'INVALID_INPUT', message: 'the answer does not match the form: content.city: is required' }),
    );
    expect(rt.pendingElicitations(session.id)).toHaveLength(1);
    expect(rt.answerElicitation(session.id, 'nope', { action: 'decline', by: 'ana' })).toBe(false);
    expect(rt.answerElicitation(session.id, pending!.id, { action: 'accept', content: { city: 'Oslo' }, by: 'ana' })).toBe(true);
    expect(toolResult(await turn)).toBe('{"action":"accept","content":{"city":"Oslo"}}');
    expect(rt.pendingElicitations(session.id)).toEqual([]);
    events.close();
    await rt.close();
  });

  it('cancelling the turn ends the question, answered cancel by system', async () => {
    const rt = runtime();
    const session = await rt.createSession();
    const events = rt.stream({ sessionId: session.id });
    const turn = rt.process({ sessionId: session.id, input: 'go' });
    await untilAsked(events);
    rt.cancel(session.id);
    await expect(turn).rejects.toMatchObject({ code: 'CANCELLED' });
    const stored = await rt.events(session.id);
    expect(stored.find((e) => e.type === 'elicitation.answered')).toMatchObject({ action: 'cancel', by: 'system' });
    expect(rt.pendingElicitations(session.id)).toEqual([]);
    events.close();
    await rt.close();
  });

  it('with onInput: false nobody can be asked, and the tool gets no elicit', async () => {
    const rt = runtime();
    const session = await rt.process({ input: 'go', onInput: false });
    expect(toolResult(session)).toBe('nobody to ask');
    await rt.close();
  });

  it('hands the form to an onInput callback instead', async () => {
    const rt = runtime();
    const session = await rt.process({
      input: 'go',
      onInput: async (request) => ({ action: 'accept', content: { city: request.message.length > 0 ? 'Rome' : '' }, by: 'cb' }),
    });
    expect(toolResult(session)).toBe('{"action":"accept","content":{"city":"Rome"}}');
    await rt.close();
  });

  it("a workflow's agent task has nobody to ask: the tool gets no elicit, and the run is not left waiting", async () => {
    const rt = runtime();
    const host = createRuntimeWorkflowHost(rt);
    const answer = await host.callAgent({
      input: 'go',
      principal: 'local',
      idempotencyKey: 'k',
      path: '/do/0/ask',
      runId: 'r1',
      signal: new AbortController().signal,
    });
    const session = await rt.getSession(answer.sessionId);
    expect(session && toolResult(session)).toBe('nobody to ask');
    await rt.close();
  });
});
