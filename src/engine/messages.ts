/** Provider-neutral chat messages: what a session's history is made of. */

export interface ToolCall {
  id: string;
  name: string;
  /** The arguments exactly as the model produced them (JSON text, possibly invalid). */
  arguments: string;
}

export type ChatMessage =
  | { role: 'system'; content: string }
  | { role: 'user'; content: string }
  | { role: 'assistant'; content: string; toolCalls?: ToolCall[] }
  | { role: 'tool'; toolCallId: string; name: string; content: string };

export interface Usage {
  promptTokens: number;
  completionTokens: number;
  totalTokens: number;
  /** Of `promptTokens`, those the server read from its prompt cache (`prompt_tokens_details.cached_tokens`); absent when it reports none. */
  cachedPromptTokens?: number;
}

export const emptyUsage = (): Usage => ({ promptTokens: 0, completionTokens: 0, totalTokens: 0 });

export function addUsage(a: Usage, b: Partial<Usage> | undefined): Usage {
  if (!b) return a;
  const promptTokens = a.promptTokens + (b.promptTokens ?? 0);
  const completionTokens = a.completionTokens + (b.completionTokens ?? 0);
  const totalTokens = a.totalTokens + (b.totalTokens ?? (b.promptTokens ?? 0) + (b.completionTokens ?? 0));
  if (a.cachedPromptTokens === undefined && b.cachedPromptTokens === undefined) return { promptTokens, completionTokens, totalTokens };
  return { promptTokens, completionTokens, totalTokens, cachedPromptTokens: (a.cachedPromptTokens ?? 0) + (b.cachedPromptTokens ?? 0) };
}
