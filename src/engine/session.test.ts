import { describe, expect, it } from 'vitest';
import { AgentboxError } from '../errors/agentbox-error.js';
import type { AgentEvent, EventPayload, RequestCount } from './events.js';
import type { Usage } from './messages.js';
import { foldEvents, summarize } from './session.js';
import { canTransition, transition } from './session-state.js';

function log(...payloads: EventPayload[]): AgentEvent[] {
  return payloads.map((p, i) => ({ ...p, sessionId: 's', seq: i + 1, time: 1000 + i }) as AgentEvent);
}

describe('session state machine', () => {
  it('allows the lifecycle of a turn with tools and a second turn', () => {
    const path = [
      'idle',
      'awaiting_llm',
      'running_tools',
      'awaiting_approval',
      'running_tools',
      'awaiting_llm',
      'completed',
      'awaiting_llm',
      'failed',
    ] as const;
    for (let i = 1; i < path.length; i += 1) expect(transition(path[i - 1]!, path[i]!)).toBe(path[i]);
  });

  it('throws ILLEGAL_TRANSITION for impossible moves', () => {
    expect(canTransition('idle', 'running_tools')).toBe(false);
    try {
      transition('completed', 'running_tools');
      expect.unreachable();
    } catch (error) {
      expect(AgentboxError.isInstance(error) && error.code).toBe('ILLEGAL_TRANSITION');
      expect((error as Error).message).toBe('illegal session transition completed -> running_tools');
    }
  });
});

describe('foldEvents', () => {
  it('derives messages, state and usage from the log alone', () => {
    const usage = { promptTokens: 10, completionTokens: 5, totalTokens: 15 };
    const session = foldEvents(
      's',
      log(
        { type: 'session.created', owner: 'ana', system: 'be brief', metadata: { tag: 1 } },
        { type: 'turn.started', turn: 1, input: 'what is 2+2?' },
        { type: 'state.changed', from: 'idle', to: 'awaiting_llm' },
        {
          type: 'llm.completed',
          step: 1,
          model: 'm',
          text: '',
          toolCalls: [{ id: 'c1', name: 'calculator', arguments: '{"expression":"2+2"}' }],
          finishReason: 'tool_calls',
          usage,
          durationMs: 3,
        },
        { type: 'state.changed', from: 'awaiting_llm', to: 'running_tools' },
        { type: 'tool.completed', step: 1, callId: 'c1', name: 'calculator', ok: true, output: '{"result":4}', durationMs: 1 },
        { type: 'state.changed', from: 'running_tools', to: 'awaiting_llm' },
        { type: 'llm.completed', step: 2, model: 'm', text: '4', toolCalls: [], finishReason: 'stop', usage, durationMs: 2 },
        { type: 'state.changed', from: 'awaiting_llm', to: 'completed' },
      ),
    );
    expect(session.owner).toBe('ana');
    expect(session.state).toBe('completed');
    expect(session.lastSeq).toBe(9);
    expect(session.messages.map((m) => m.role)).toEqual(['system', 'user', 'assistant', 'tool', 'assistant']);
    expect(session.messages[3]).toEqual({ role: 'tool', toolCallId: 'c1', name: 'calculator', content: '{"result":4}' });
    expect(session.usage).toMatchObject({ promptTokens: 20, completionTokens: 10, totalTokens: 30, llmCalls: 2, toolCalls: 1, llmMs: 5, toolMs: 1 });
    expect(summarize(session)).toMatchObject({ title: 'what is 2+2?', state: 'completed', createdAt: 1000, updatedAt: 1008 });
  });

  it('rejects a log with an impossible transition', () => {
    expect(() => foldEvents('s', log({ type: 'state.changed', from: 'idle', to: 'completed' }))).toThrowError(/idle -> completed/);
  });
});

describe('foldEvents: the last request, cost and estimates', () => {
  const completed = (step: number, request: RequestCount, usage: Omit<Usage, 'totalTokens' | 'completionTokens'>, cost?: number): EventPayload =>
    ({
      type: 'llm.completed',
      step,
      model: 'llama3.2',
      text: 'ok',
      toolCalls: [],
      finishReason: 'stop',
      usage: { totalTokens: 0, completionTokens: 5, ...usage },
      durationMs: 1,
      request,
      ...(cost !== undefined ? { cost } : {}),
    }) as EventPayload;

  it('keeps what the last request sent and what the server reported, sums cost, cached tokens and estimates', () => {
    const session = foldEvents(
      's',
      log(
        { type: 'session.created', owner: 'ann', metadata: {} },
        completed(1, { messages: 3, promptTokens: 100, exact: false }, { promptTokens: 130, cachedPromptTokens: 0 }, 0.1),
        completed(
          2,
          { messages: 9, promptTokens: 200, exact: false, correctedTokens: 260, dropped: { messages: 4, tokens: 80 } },
          { promptTokens: 250, cachedPromptTokens: 128 },
          0.2,
        ),
      ),
    );
    expect(session.lastRequest).toEqual({
      step: 2,
      model: 'llama3.2',
      messages: 9,
      promptTokens: 200,
      exact: false,
      correctedTokens: 260,
      dropped: { messages: 4, tokens: 80 },
      usage: { promptTokens: 250, cachedPromptTokens: 128, completionTokens: 5, totalTokens: 0 },
      cost: 0.2,
    });
    expect(session.usage).toMatchObject({ promptTokens: 380, cachedPromptTokens: 128, cost: 0.3, llmCalls: 2 });
    expect(session.estimates).toEqual({ 'llama3.2': { estimated: 300, reported: 380 } });
  });

  it('tallies no estimate for exact counts or calls that reported no prompt tokens', () => {
    const session = foldEvents(
      's',
      log(
        { type: 'session.created', owner: 'ann', metadata: {} },
        completed(1, { messages: 1, promptTokens: 10, exact: true }, { promptTokens: 12 }),
        completed(2, { messages: 1, promptTokens: 10, exact: false }, { promptTokens: 0 }),
      ),
    );
    expect(session.estimates).toBeUndefined();
    expect(session.usage.cost).toBeUndefined();
    expect(session.lastRequest?.step).toBe(2);
  });
});
