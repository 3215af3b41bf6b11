import { describe, expect, it } from 'vitest';
import { DEFAULT_CONTEXT_WINDOW, DEFAULT_MAX_OUTPUT_TOKENS, modelLimits } from './model-limits.js';

describe('modelLimits', () => {
  it.each([
    ['gpt-4o-mini', 128_000, 16_384],
    ['openai/gpt-4.1-nano', 1_047_576, 32_768],
    ['gpt-5-mini', 400_000, 128_000],
    ['gpt-4-turbo', 128_000, 4_096],
    ['gpt-4-0613', 8_192, 4_096],
    ['o1-mini', 128_000, 64_000], // 65,536 published, capped at half the window
    ['o3-mini', 200_000, 100_000],
    ['claude-3-5-sonnet-20241022', 200_000, 8_192],
    ['llama3.2:3b', 131_072, 4_096],
    ['qwen2.5:7b', 32_768, 8_192],
    ['mistral-nemo', 131_072, 4_096],
  ])('%s: window %i, output %i, from the table', (model, contextWindow, maxOutputTokens) => {
    expect(modelLimits(model)).toEqual({ contextWindow, maxOutputTokens, source: 'table' });
  });

  it('gives an unknown model the conservative default', () => {
    expect(modelLimits('my-finetune')).toEqual({ contextWindow: DEFAULT_CONTEXT_WINDOW, maxOutputTokens: DEFAULT_MAX_OUTPUT_TOKENS, source: 'default' });
  });

  it('lets config override the table, the reserve capped at half a configured window', () => {
    expect(modelLimits('gpt-4o', { contextWindow: 4_000 })).toEqual({ contextWindow: 4_000, maxOutputTokens: 2_000, source: 'config' });
    expect(modelLimits('llama3.2', { contextWindow: 4_096, maxOutputTokens: 512 })).toEqual({ contextWindow: 4_096, maxOutputTokens: 512, source: 'config' });
  });
});
