import { describe, expect, it } from 'vitest';
import { copyJson } from '../../engine/copy-json.js';
import type { ChatMessage } from '../../engine/messages.js';
import { ContextCache } from './context-cache.js';
import { countFittedRequest, fitHistory } from './fit-history.js';
import { preflightCount } from './preflight-count.js';

const tools = [{ name: 'calculator', description: 'Evaluates arithmetic', parameters: { type: 'object', properties: { expression: { type: 'string' } } } }];

function turn(t: number): ChatMessage[] {
  return [
    { role: 'user', content: `Question ${t}: what is ${t} times three?` },
    { role: 'assistant', content: '', toolCalls: [{ id: `c${t}`, name: 'calculator', arguments: `{"expression":"${t}*3"}` }] },
    { role: 'tool', toolCallId: `c${t}`, name: 'calculator', content: `{"result":${t * 3}}` },
    { role: 'assistant', content: `${t} times three is ${t * 3}.` },
  ];
}

describe('fitHistory', () => {
  it('counts only what each request adds, across reloads of the session, and its count equals counting the request afresh', async () => {
    const cache = new ContextCache();
    const limits = { contextWindow: 2_000, maxOutputTokens: 200 };
    let messages: ChatMessage[] = [{ role: 'system', content: 'You are terse.' }];
    let trimmed = 0;
    for (let t = 1; t <= 120; t += 1) {
      messages = [...copyJson(messages), ...turn(t)]; // a turn loads the session: new objects
      const fitted = await fitHistory({ sessionId: 's1', messages, model: 'gpt-4o', tools, limits, cache });
      const request = { messages: fitted.messages, tools };
      const counted = countFittedRequest(request, fitted, { model: 'gpt-4o', cache });
      expect(counted).toEqual({ promptTokens: (await preflightCount(request, { model: 'gpt-4o', limits })).promptTokens, exact: true });
      expect(counted.promptTokens + 200).toBeLessThanOrEqual(2_000);
      expect(fitted.messages[0]).toEqual({ role: 'system', content: 'You are terse.' });
      if (fitted.dropped.to > fitted.dropped.from) trimmed += 1;
    }
    expect(trimmed).toBeGreaterThan(80);
    const counter = await cache.counter('gpt-4o');
    expect(cache.ledger('s1', 'gpt-4o', counter).counted).toBe(messages.length);
  });

  it('counts what the request adds after the history (a JSON-mode schema message)', async () => {
    const cache = new ContextCache();
    const messages: ChatMessage[] = [{ role: 'user', content: 'Name a colour.' }];
    const fitted = await fitHistory({ sessionId: 's2', messages, model: 'llama3.2', tools: [], cache, margin: 512 });
    const request = { messages: [...fitted.messages, { role: 'system' as const, content: 'Answer with one JSON object only.' }] };
    expect(countFittedRequest(request, fitted, { model: 'llama3.2', cache })).toEqual({
      promptTokens: (await preflightCount(request, { model: 'llama3.2' })).promptTokens,
      exact: false,
    });
  });
});
