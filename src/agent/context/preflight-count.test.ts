import { countTokens } from 'gpt-tokenizer/encoding/o200k_base';
import { describe, expect, it } from 'vitest';
import { AgentboxError } from '../../errors/agentbox-error.js';
import { preflightCount } from './preflight-count.js';

const tools = [{ name: 'calculator', description: 'Evaluates arithmetic', parameters: { type: 'object', properties: { expression: { type: 'string' } } } }];

describe('preflightCount', () => {
  it('counts messages, tool definitions and the reserved output', async () => {
    const count = await preflightCount({ messages: [{ role: 'user', content: 'What is 2+2?' }], tools, maxTokens: 100 }, { model: 'gpt-4o' });
    expect(count).toEqual({
      promptTokens: 3 + 4 + countTokens('What is 2+2?') + countTokens(JSON.stringify(tools)),
      reservedOutput: 100,
      contextWindow: 128_000,
      exact: true,
    });
  });

  it('refuses a request over the window with CONTEXT_OVERFLOW, labelling an estimate', async () => {
    const request = { messages: [{ role: 'user' as const, content: 'x'.repeat(4_000) }] };
    const error = await preflightCount(request, { model: 'llama3.2', limits: { contextWindow: 1_024, maxOutputTokens: 100 } }).catch((e: unknown) => e);
    expect(AgentboxError.isInstance(error, 'CONTEXT_OVERFLOW')).toBe(true);
    expect((error as AgentboxError).message).toMatch(/1007 tokens \(estimated\) plus 100 reserved .* over the 1024-token context window of llama3\.2/);
    expect((error as AgentboxError<'CONTEXT_OVERFLOW'>).details).toEqual({ tokens: 1_007, exact: false, contextWindow: 1_024, reservedOutput: 100 });
  });
});
