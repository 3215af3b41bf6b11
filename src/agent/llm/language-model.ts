/**
 * The provider spec: plain types, no dependencies. A new provider is one file that
 * implements `LanguageModel`.
 */
import type { FinishReason, RetryError } from '../../engine/events.js';
import type { ChatMessage, ToolCall, Usage } from '../../engine/messages.js';
import type { JsonSchema } from '../tools/tool.js';

export interface ToolDefinition {
  name: string;
  description: string;
  parameters: JsonSchema;
}

/** How a request asks for a structured answer (see `structured-output.ts` for which is chosen). */
export type ResponseFormat =
  /** Structured Outputs: the server constrains the answer to `schema`; `strict` where the schema allows it. */
  | { type: 'json_schema'; name: string; schema: JsonSchema; strict: boolean }
  /** JSON mode: some JSON object; the schema is given to the model in a message instead. */
  | { type: 'json_object' };

/** `required`: some tool must be called; `{ name }`: that one. Absent: the model chooses. */
export type ToolChoice = 'required' | { name: string };

export interface ModelRequest {
  messages: ChatMessage[];
  tools?: ToolDefinition[];
  temperature?: number;
  maxTokens?: number;
  /** Text that ends the answer where it appears (OpenAI's `stop`: up to 4). */
  stopSequences?: string[];
  /** Another model than the provider's own for this request (a prompt file's `model:`). */
  model?: string;
  responseFormat?: ResponseFormat;
  toolChoice?: ToolChoice;
  signal?: AbortSignal;
}

/** Normalized stream parts, a union on `type`. */
export type StreamPart =
  | { type: 'text-delta'; text: string }
  /** A fragment of the tool call at `index`; `id` and `name` arrive on the first fragment. */
  | { type: 'tool-call-delta'; index: number; id?: string; name?: string; argumentsDelta: string }
  /** A fully assembled tool call, emitted once per call before `finish`. */
  | { type: 'tool-call'; index: number; call: ToolCall }
  | { type: 'usage'; usage: Usage }
  /** Emitted before a retry, so callers can record it. */
  | { type: 'retry'; attempt: number; delayMs: number; error: RetryError }
  | { type: 'finish'; finishReason: FinishReason };

export interface LanguageModel {
  readonly specificationVersion: 'v1';
  readonly provider: string;
  readonly modelId: string;
  /** Streams one completion. Errors are thrown as `LlmError`; an abort as CANCELLED. */
  stream(request: ModelRequest): AsyncIterable<StreamPart>;
}
