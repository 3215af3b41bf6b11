import { describe, expect, it } from 'vitest';
import { addUsage } from '../../engine/messages.js';
import { toUsage } from '../llm/to-usage.js';
import { callCost, priceFor } from './price-usage.js';

describe('usage and cost', () => {
  it('reads cached prompt tokens from the wire, and sums them only where reported', () => {
    expect(toUsage({ prompt_tokens: 1_000, completion_tokens: 10, prompt_tokens_details: { cached_tokens: 768 } })).toEqual({
      promptTokens: 1_000,
      completionTokens: 10,
      totalTokens: 1_010,
      cachedPromptTokens: 768,
    });
    expect(toUsage({ prompt_tokens: 5, completion_tokens: 1, prompt_tokens_details: null })).toEqual({ promptTokens: 5, completionTokens: 1, totalTokens: 6 });
    const plain = { promptTokens: 10, completionTokens: 2, totalTokens: 12 };
    expect(addUsage(plain, plain)).toEqual({ promptTokens: 20, completionTokens: 4, totalTokens: 24 });
    expect(addUsage(plain, { ...plain, cachedPromptTokens: 8 })).toEqual({ promptTokens: 20, completionTokens: 4, totalTokens: 24, cachedPromptTokens: 8 });
  });

  it('prices uncached, cached and output tokens per million', () => {
    const price = { input: 2.5, cachedInput: 1.25, output: 10 };
    expect(callCost({ promptTokens: 1_000, cachedPromptTokens: 800, completionTokens: 100, totalTokens: 1_100 }, price)).toBe(0.0025);
    // No cached price: cached tokens cost the input price; no cache report: all uncached.
    expect(callCost({ promptTokens: 1_000, cachedPromptTokens: 800, completionTokens: 0, totalTokens: 1_000 }, { input: 3, output: 15 })).toBe(0.003);
    expect(callCost({ promptTokens: 2_000_000, completionTokens: 1_000_000, totalTokens: 3_000_000 }, price)).toBe(15);
  });

  it('finds a price by the exact model name, or without a provider prefix', () => {
    const prices = { 'gpt-4o': { input: 2.5, output: 10 } };
    expect(priceFor('gpt-4o', prices)).toEqual({ input: 2.5, output: 10 });
    expect(priceFor('openai/gpt-4o', prices)).toEqual({ input: 2.5, output: 10 });
    expect(priceFor('gpt-4o-mini', prices)).toBeUndefined();
    expect(priceFor('gpt-4o', undefined)).toBeUndefined();
  });
});
