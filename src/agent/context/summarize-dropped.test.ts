import { describe, expect, it } from 'vitest';
import type { ChatMessage } from '../../engine/messages.js';
import { createScriptedModel } from '../../testing/scripted-model.js';
import { clipToTokens, SUMMARIZER_INSTRUCTIONS, summarizeDropped } from './summarize-dropped.js';

const estimate = (text: string): number => Math.ceil(text.length / 4);
const history: ChatMessage[] = [
  { role: 'system', content: 'sys' },
  { role: 'user', content: 'Question 1' },
  { role: 'assistant', content: '', toolCalls: [{ id: 'c1', name: 'calculator', arguments: '{"expression":"1*3"}' }] },
  { role: 'tool', toolCallId: 'c1', name: 'calculator', content: '3' },
  { role: 'assistant', content: 'Three.' },
  { role: 'user', content: 'Question 2' },
  { role: 'assistant', content: 'Six.' },
];

describe('summarizeDropped', () => {
  it('asks for a summary of the dropped messages as a transcript, folding in the previous summary', async () => {
    const model = createScriptedModel([{ text: 'Asked about 1 and 2.' }]);
    const result = await summarizeDropped({
      model,
      messages: history,
      from: 1,
      to: 7,
      previous: { from: 1, to: 5, text: 'Asked about 1.' },
      maxTokens: 100,
      budget: 1_000,
      countText: estimate,
    });
    expect(result).toMatchObject({ from: 1, to: 7, text: 'Asked about 1 and 2.', omittedMessages: 0 });
    expect(model.requests[0]?.messages).toEqual([
      { role: 'system', content: SUMMARIZER_INSTRUCTIONS },
      { role: 'user', content: 'Summary so far:\nAsked about 1.\n\nConversation since:\nuser: Question 2\nassistant: Six.' },
    ]);
    expect(model.requests[0]?.maxTokens).toBe(100);
  });

  it('writes tool calls and results into the transcript, and leaves out the oldest lines beyond its budget', async () => {
    const model = createScriptedModel([{ text: 'ok' }]);
    const overhead = estimate(SUMMARIZER_INSTRUCTIONS) + estimate('Conversation:\n') + 16;
    const result = await summarizeDropped({ model, messages: history, from: 1, to: 5, maxTokens: 50, budget: overhead + 28, countText: estimate });
    expect(result.omittedMessages).toBe(1);
    expect(model.requests[0]?.messages[1]?.content).toBe(
      'Conversation:\n[older lines omitted]\nassistant: [called calculator {"expression":"1*3"}]\ntool calculator returned: 3\nassistant: Three.',
    );
  });
});

describe('clipToTokens', () => {
  it('keeps a text that fits and cuts one that does not to the limit', () => {
    expect(clipToTokens('short', 10, estimate)).toBe('short');
    const clipped = clipToTokens('x'.repeat(1_000), 50, estimate);
    expect(estimate(clipped)).toBeLessThanOrEqual(50);
    expect(clipped.length).toBeGreaterThan(150);
  });
});
