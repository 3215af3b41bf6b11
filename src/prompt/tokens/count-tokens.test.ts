import { countTokens as cl100kCount } from 'gpt-tokenizer/encoding/cl100k_base';
import { encodeChat as gpt4Chat } from 'gpt-tokenizer/model/gpt-4';
import { encodeChat as gpt4oChat } from 'gpt-tokenizer/model/gpt-4o';
import { describe, expect, it } from 'vitest';
import type { ChatMessage } from '../../engine/messages.js';
import { countMessageTokens, countTextTokens } from './count-tokens.js';
import { encodingForModel } from './encoding-for-model.js';

/** A fixed corpus: plain text, code, non-Latin scripts, emoji, whitespace runs. */
const corpus: ChatMessage[][] = [
  [{ role: 'user', content: 'Hello, how are you?' }],
  [
    { role: 'system', content: 'You are a helpful assistant.' },
    { role: 'user', content: 'What is 17 * 23?' },
    { role: 'assistant', content: '17 * 23 = 391' },
  ],
  [{ role: 'user', content: 'function add(a, b) {\n  return a + b;\n}\n\n    // indented   spaces\t\ttabs' }],
  [{ role: 'user', content: '日本語のテキスト、中文文本，한국어 텍스트 and русский текст 👋🌍🎉' }],
  [
    { role: 'system', content: '' },
    { role: 'user', content: 'x'.repeat(500) },
  ],
];

describe('countMessageTokens', () => {
  it.each(corpus.map((messages, i) => [i, messages] as const))('equals the tokenizer reference for chat #%i (gpt-4o and gpt-4)', async (_i, messages) => {
    const chat = messages.map((m) => ({ role: m.role as 'system' | 'user' | 'assistant', content: m.content }));
    expect(await countMessageTokens(messages, { model: 'gpt-4o' })).toEqual({ tokens: gpt4oChat(chat).length, exact: true, encoding: 'o200k_base' });
    expect(await countMessageTokens(messages, { model: 'gpt-4-0613' })).toEqual({ tokens: gpt4Chat(chat).length, exact: true, encoding: 'cl100k_base' });
  });

  it('counts tool calls and results by their text', async () => {
    const messages: ChatMessage[] = [
      { role: 'assistant', content: '', toolCalls: [{ id: 'call_1', name: 'calculator', arguments: '{"expression":"2+2"}' }] },
      { role: 'tool', toolCallId: 'call_1', name: 'calculator', content: '{"result":4}' },
    ];
    const count = await countMessageTokens(messages, { model: 'gpt-4' });
    const text = ['calculator', '{"expression":"2+2"}', 'call_1', '{"result":4}'].reduce((n, t) => n + cl100kCount(t), 0);
    expect(count.tokens).toBe(3 + 4 + 4 + text);
  });

  it('labels an estimate for a model whose tokenizer is unknown', async () => {
    expect(await countMessageTokens([{ role: 'user', content: 'abcdefgh' }], { model: 'llama3.2' })).toEqual({ tokens: 3 + 4 + 2, exact: false });
    expect(await countTextTokens('abcdefgh', { model: 'qwen2.5' })).toEqual({ tokens: 2, exact: false });
  });
});

describe('encodingForModel', () => {
  it.each([
    ['gpt-4o-mini', 'o200k_base'],
    ['openai/gpt-4.1', 'o200k_base'],
    ['o3-mini', 'o200k_base'],
    ['gpt-5', 'o200k_base'],
    ['gpt-4-turbo', 'cl100k_base'],
    ['gpt-3.5-turbo', 'cl100k_base'],
    ['llama3.2', undefined],
  ])('%s → %s', (model, encoding) => {
    expect(encodingForModel(model)).toBe(encoding);
  });
});
