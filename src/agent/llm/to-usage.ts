import type { Usage } from '../../engine/messages.js';
import type { OpenAIUsage } from './openai-wire.js';

/** Wire usage → ours; a server that omits `total_tokens` gets the sum; cached prompt tokens when reported. */
export function toUsage(usage: OpenAIUsage): Usage {
  const promptTokens = usage.prompt_tokens ?? 0;
  const completionTokens = usage.completion_tokens ?? 0;
  const cached = usage.prompt_tokens_details?.cached_tokens;
  return {
    promptTokens,
    completionTokens,
    totalTokens: usage.total_tokens ?? promptTokens + completionTokens,
    ...(typeof cached === 'number' ? { cachedPromptTokens: cached } : {}),
  };
}
