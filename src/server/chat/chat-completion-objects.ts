import type { Usage } from '../../engine/messages.js';

/** Builders for the OpenAI Chat Completions response objects (see the OpenAI OpenAPI spec). */

export interface CompletionMeta {
  id: string;
  /** Unix seconds. */
  created: number;
  model: string;
}

export interface WireUsage {
  prompt_tokens: number;
  completion_tokens: number;
  total_tokens: number;
  prompt_tokens_details?: { cached_tokens: number };
}

export const toWireUsage = (usage: Usage): WireUsage => ({
  prompt_tokens: usage.promptTokens,
  completion_tokens: usage.completionTokens,
  total_tokens: usage.totalTokens,
  ...(usage.cachedPromptTokens !== undefined ? { prompt_tokens_details: { cached_tokens: usage.cachedPromptTokens } } : {}),
});

export function completionObject(meta: CompletionMeta, text: string, usage: Usage): Record<string, unknown> {
  return {
    id: meta.id,
    object: 'chat.completion',
    created: meta.created,
    model: meta.model,
    choices: [{ index: 0, message: { role: 'assistant', content: text, refusal: null }, logprobs: null, finish_reason: 'stop' }],
    usage: toWireUsage(usage),
  };
}

export function chunkObject(meta: CompletionMeta, delta: Record<string, unknown>, finishReason: 'stop' | null = null): Record<string, unknown> {
  return {
    id: meta.id,
    object: 'chat.completion.chunk',
    created: meta.created,
    model: meta.model,
    choices: [{ index: 0, delta, logprobs: null, finish_reason: finishReason }],
  };
}

/** The extra last chunk `stream_options.include_usage` asks for: no choices, only usage. */
export function usageChunkObject(meta: CompletionMeta, usage: Usage): Record<string, unknown> {
  return { id: meta.id, object: 'chat.completion.chunk', created: meta.created, model: meta.model, choices: [], usage: toWireUsage(usage) };
}
