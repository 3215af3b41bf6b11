import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import type { ElicitationRequest } from '../engine/elicitation.js';
import { terminalInputAsker } from './ask-input.js';

const request: ElicitationRequest = {
  id: 'e1',
  callId: 'c1',
  name: 'everything_trigger',
  server: 'everything',
  message: 'Tell us about you',
  requestedSchema: {
    type: 'object',
    properties: {
      name: { type: 'string', title: 'Full name' },
      age: { type: 'integer', minimum: 1, maximum: 120 },
      pet: { type: 'string', enum: ['cat', 'dog'], enumNames: ['Cats', 'Dogs'], default: 'cat' },
      agree: { type: 'boolean' },
      tools: {
        type: 'array',
        items: {
          anyOf: [
            { const: 'saw', title: 'Saw' },
            { const: 'drill', title: 'Drill' },
          ],
        },
      },
      note: { type: 'string' },
    },
    required: ['name', 'age'],
  },
};

/** A scripted person: each answer is typed when a question (a line ending in ": " or "] ") shows. */
function scripted(answers: string[]) {
  const asked: string[] = [];
  let shown = '';
  const output = new PassThrough();
  output.on('data', (d: Buffer) => (shown += d.toString()));
  const asker = terminalInputAsker({
    output,
    ask: async (question) => {
      asked.push(question);
      const answer = answers.shift();
      if (answer === undefined) throw new Error(`no scripted answer for ${question}`);
      return answer;
    },
  });
  return { asker: asker!, asked, shown: () => shown };
}

describe('terminalInputAsker', () => {
  it('shows the message, asks each field with its type, choices and default, re-asks a bad value, and accepts', async () => {
    const t = scripted(['y', '', 'Ann', 'old', '200', '42', '', 'y', '2, saw', '', 'y']);
    const answer = await t.asker(request, new AbortController().signal);
    expect(answer).toEqual({ action: 'accept', content: { name: 'Ann', age: 42, pet: 'cat', agree: true, tools: ['drill', 'saw'] }, by: 'cli user' });
    expect(t.shown()).toContain("MCP server 'everything' asks: Tell us about you");
    expect(t.shown()).toContain('name (Full name)');
    expect(t.shown()).toContain('  1) Cats\n  2) Dogs');
    expect(t.shown()).toContain('this field is required');
    expect(t.shown()).toContain('expected integer ≥ 1 ≤ 120');
    expect(t.shown()).toContain('must be at most 120');
    expect(t.asked).toContain('  age [integer ≥ 1 ≤ 120, required]: ');
    expect(t.asked).toContain('  pet [a choice by number or name, optional, default cat]: ');
    expect(t.asked.at(-1)).toBe("Send this to MCP server 'everything'? [Y/n] ");
  });

  it('declines or cancels at the first question, and cancels when the person does not send', async () => {
    expect(await scripted(['n']).asker(request, new AbortController().signal)).toEqual({ action: 'decline', by: 'cli user' });
    expect(await scripted(['c']).asker(request, new AbortController().signal)).toEqual({ action: 'cancel', by: 'cli user' });
    const unsent = await scripted(['', 'Ann', '3', '', '', '', '', 'n']).asker(request, new AbortController().signal);
    expect(unsent).toEqual({ action: 'cancel', by: 'cli user' });
  });

  it('is nobody without a terminal', () => {
    expect(terminalInputAsker({ input: Object.assign(new PassThrough(), { isTTY: false }) })).toBeUndefined();
    expect(terminalInputAsker({ input: Object.assign(new PassThrough(), { isTTY: true }) })).toBeTypeOf('function');
  });
});
