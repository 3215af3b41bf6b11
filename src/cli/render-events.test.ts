import { describe, expect, it } from 'vitest';
import type { AgentEvent, EventPayload } from '../engine/events.js';
import { EventRenderer } from './render-events.js';

const sink = (isTTY: boolean) => {
  const chunks: string[] = [];
  return { isTTY, chunks, write: (text: string) => chunks.push(text) };
};
const ev = (payload: EventPayload): AgentEvent => ({ ...payload, sessionId: 's', seq: 1, time: 0 }) as AgentEvent;

describe('EventRenderer', () => {
  it('streams the answer to stdout and tool calls to stderr, ending the line', () => {
    const out = sink(false);
    const err = sink(false);
    const r = new EventRenderer(out, err);
    r.handle(ev({ type: 'llm.started', step: 1, model: 'm' }));
    r.handle(ev({ type: 'tool.started', step: 1, callId: 'c', name: 'calculator', arguments: '{"expression":"1+1"}' }));
    r.handle(ev({ type: 'tool.completed', step: 1, callId: 'c', name: 'calculator', ok: true, output: '{"result":2}', durationMs: 1.2 }));
    r.handle(ev({ type: 'llm.text-delta', step: 2, text: 'It is ' }));
    r.handle(ev({ type: 'llm.text-delta', step: 2, text: '2.' }));
    r.handle(ev({ type: 'turn.completed', turn: 1, text: 'It is 2.', usage: { promptTokens: 0, completionTokens: 0, totalTokens: 0 }, durationMs: 5 }));
    expect(out.chunks.join('')).toBe('It is 2.\n');
    expect(err.chunks.join('')).toBe('→ calculator({"expression":"1+1"})\n← {"result":2} (1 ms)\n');
  });

  it('shows a waiting line on a terminal and clears it when the answer starts', () => {
    const out = sink(true);
    const err = sink(true);
    const r = new EventRenderer(out, err);
    r.handle(ev({ type: 'llm.started', step: 1, model: 'm' }));
    expect(err.chunks.join('')).toContain('waiting for the model');
    r.handle(ev({ type: 'llm.text-delta', step: 1, text: 'hi' }));
    expect(err.chunks.at(-1)).toBe('\r\x1b[K');
    expect(out.chunks).toEqual(['hi']);
  });

  it('makes way for a prompt: clears the waiting line once, and does not clear again later', () => {
    const out = sink(true);
    const err = sink(true);
    const r = new EventRenderer(out, err);
    r.handle(ev({ type: 'llm.started', step: 1, model: 'm' }));
    r.makeWayForPrompt();
    const cleared = err.chunks.filter((c) => c === '\r\x1b[K').length;
    expect(cleared).toBe(1);
    r.handle(ev({ type: 'approval.requested', step: 1, callId: 'c', name: 'calculator', arguments: '{}' }));
    expect(err.chunks.filter((c) => c === '\r\x1b[K').length).toBe(1);
  });
});
