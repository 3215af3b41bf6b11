/**
 * The slice of the OpenAI Chat Completions wire format agentbox reads and writes
 * (CreateChatCompletionRequest / CreateChatCompletionStreamResponse / CreateChatCompletionResponse
 * in the OpenAI OpenAPI spec). Fields we never use are left out; everything a server may omit
 * is optional, because OpenAI-compatible servers differ in what they send.
 */

export type OpenAIMessage =
  | { role: 'system'; content: string }
  | { role: 'user'; content: string }
  | { role: 'assistant'; content: string | null; tool_calls?: OpenAIToolCall[] }
  | { role: 'tool'; content: string; tool_call_id: string };

export interface OpenAIToolCall {
  id: string;
  type: 'function';
  function: { name: string; arguments: string };
}

export interface OpenAITool {
  type: 'function';
  function: { name: string; description?: string; parameters?: Record<string, unknown> };
}

/** `response_format` (ResponseFormatJsonSchema / ResponseFormatJsonObject). */
export type OpenAIResponseFormat =
  | { type: 'json_schema'; json_schema: { name: string; schema: Record<string, unknown>; strict: boolean } }
  | { type: 'json_object' };

/** `tool_choice` (ChatCompletionToolChoiceOption): the two forms agentbox sends. */
export type OpenAIToolChoice = 'required' | { type: 'function'; function: { name: string } };

export interface OpenAIChatRequest {
  model: string;
  messages: OpenAIMessage[];
  tools?: OpenAITool[];
  tool_choice?: OpenAIToolChoice;
  response_format?: OpenAIResponseFormat;
  temperature?: number;
  max_tokens?: number;
  stop?: string[];
  stream: true;
  stream_options: { include_usage: true };
}

export interface OpenAIUsage {
  prompt_tokens?: number;
  completion_tokens?: number;
  total_tokens?: number;
  /** OpenAI (and servers that follow it): how many prompt tokens were read from the prompt cache. */
  prompt_tokens_details?: { cached_tokens?: number } | null;
}

export interface OpenAIToolCallChunk {
  index?: number;
  id?: string;
  type?: 'function';
  function?: { name?: string; arguments?: string };
}

/** One `data:` payload of a streamed answer. */
export interface OpenAIStreamChunk {
  id?: string;
  choices?: Array<{
    index?: number;
    delta?: { role?: string; content?: string | null; tool_calls?: OpenAIToolCallChunk[] | null };
    finish_reason?: string | null;
  }>;
  usage?: OpenAIUsage | null;
  /** vLLM and OpenAI report some failures inside the stream instead of as an HTTP status. */
  error?: { message?: string } | string;
}

/** A whole (non-streamed) answer, for servers that ignore `stream: true`. */
export interface OpenAICompletion {
  id?: string;
  choices?: Array<{
    index?: number;
    message?: { role?: string; content?: string | null; tool_calls?: Array<Partial<OpenAIToolCall>> | null };
    finish_reason?: string | null;
  }>;
  usage?: OpenAIUsage | null;
  error?: { message?: string } | string;
}
