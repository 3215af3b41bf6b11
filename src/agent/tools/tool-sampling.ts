/**
 * The seam through which a tool asks for a completion on the session's model (an MCP
 * server's `sampling/createMessage`): the tool says what it wants and under which budget;
 * whoever runs the call (the agent loop, a tool-call session) owns the model, the tally and
 * the record.
 */
import type { SamplingStopReason } from '../../engine/events.js';
import type { Usage } from '../../engine/messages.js';

/**
 * A part of a message. Media are named, not carried: the model interface takes text only
 * today, so a request holding them is refused (and recorded) by whoever runs it.
 */
export type SampleContent = { type: 'text'; text: string } | { type: 'image' | 'audio'; mimeType: string };

export interface SampleMessage {
  role: 'user' | 'assistant';
  content: SampleContent[];
}

export interface SampleRequest {
  /** Who asks, and whose budget pays: the MCP server's configured name. */
  source: string;
  /** Prompt + completion tokens `source` may use in one session. */
  budgetTokens: number;
  /** Another model of the same endpoint; absent: the session's. */
  model?: string;
  messages: SampleMessage[];
  systemPrompt?: string;
  /** The most the answer may take; clipped to what is left of the budget. */
  maxTokens: number;
  temperature?: number;
  stopSequences?: string[];
  /** The asker gave up (an MCP server cancelled its request): the completion stops too. */
  signal?: AbortSignal;
}

export interface SampleResult {
  text: string;
  /** The model that answered. */
  model: string;
  stopReason: SamplingStopReason;
  usage: Usage;
}

/** What `ToolContext.sample` is: one completion, or a thrown AgentboxError saying why not. */
export type SampleFunction = (request: SampleRequest) => Promise<SampleResult>;
