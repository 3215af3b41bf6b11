/**
 * Typed session events. A session's history is the append-only log of its persisted
 * events; its state is the fold of that log (see `session.ts`). Names read noun.verb.
 */
import type { ErrorCode, SerializedError } from '../errors/agentbox-error.js';
import type { ValidationIssue } from '../errors/validation-issue.js';
import type { ElicitationAction, ElicitationContent, ElicitationSchema } from './elicitation.js';
import type { ToolCall, Usage } from './messages.js';
import type { PromptRecord } from './prompt-record.js';
import type { SessionState } from './session-state.js';

/** The error an LLM call is retried after; `status` is the HTTP status when it was LLM_HTTP (kept flat: recorded sessions have it so). */
export interface RetryError {
  code: ErrorCode;
  message: string;
  status?: number;
}

/** What a request sent, as counted before it left (`llm.completed.request`). */
export interface RequestCount {
  /** Messages sent. */
  messages: number;
  /** Messages and tool definitions, as counted before sending. */
  promptTokens: number;
  /** False: an estimate (a model without a known tokenizer). */
  exact: boolean;
  /** The estimate corrected by what the server reported for the session's earlier calls (absent when uncorrected). */
  correctedTokens?: number;
  /** History messages the context policy left out, and their tokens (absent when none were). */
  dropped?: { messages: number; tokens: number };
}

export type FinishReason = 'stop' | 'tool_calls' | 'length' | 'content_filter' | 'error' | 'unknown';

export type EventPayload =
  | { type: 'session.created'; owner: string; system?: string; metadata: Record<string, unknown> }
  /** `prompt` when the turn was rendered from a prompt file; `input` is then its last user message. */
  | { type: 'turn.started'; turn: number; input: string; prompt?: PromptRecord }
  /** `output` is the parsed answer when the turn declared an output schema (it matched). */
  /** `cost`: the turn's calls priced by `llm.prices` (absent when the model has no price). */
  | { type: 'turn.completed'; turn: number; text: string; usage: Usage; durationMs: number; output?: unknown; cost?: number }
  /**
   * A structured answer that did not match its schema. `feedback` is the message sent back to
   * the model when it gets another try (folded into the history as a user message).
   */
  | { type: 'output.invalid'; step: number; issues: ValidationIssue[]; feedback?: string }
  | { type: 'turn.failed'; turn: number; error: SerializedError }
  | { type: 'turn.cancelled'; turn: number; reason: string }
  | { type: 'state.changed'; from: SessionState; to: SessionState }
  | { type: 'llm.started'; step: number; model: string }
  /**
   * The request left part of the history out to fit the context window (the log keeps it):
   * messages `[from, to)` of the session's history, `messages` of them (pinned ones stay), `tokens` in all.
   */
  | { type: 'context.trimmed'; step: number; from: number; to: number; messages: number; tokens: number; keptTokens: number }
  /**
   * `agent.context.summarize`: the history messages `[from, to)` left out were summarized by
   * one model call; the summary is sent in their place until more is dropped.
   * `omittedMessages`: the oldest of them, left out of the summary's own request for length.
   */
  | {
      type: 'context.summarized';
      step: number;
      from: number;
      to: number;
      summary: string;
      model: string;
      usage: Usage;
      durationMs: number;
      omittedMessages?: number;
      cost?: number;
    }
  | { type: 'llm.text-delta'; step: number; text: string }
  | { type: 'llm.tool-call-delta'; step: number; index: number; id?: string; name?: string; argumentsDelta: string }
  | { type: 'llm.retry'; step: number; attempt: number; delayMs: number; error: RetryError }
  | {
      type: 'llm.completed';
      step: number;
      model: string;
      text: string;
      toolCalls: ToolCall[];
      finishReason: FinishReason;
      usage: Usage;
      durationMs: number;
      timeToFirstTokenMs?: number;
      /** What the request sent, as counted before it left. */
      request?: RequestCount;
      /** The call's cost by `llm.prices`, per million tokens (absent when the model has no price). */
      cost?: number;
    }
  | { type: 'llm.failed'; step: number; error: SerializedError }
  | { type: 'tool.started'; step: number; callId: string; name: string; arguments: string }
  | {
      type: 'tool.completed';
      step: number;
      callId: string;
      name: string;
      ok: boolean;
      /** Exactly what the model is shown as the tool's result. */
      output: string;
      error?: SerializedError;
      durationMs: number;
      resources?: ToolResourceUsage;
    }
  /**
   * A running tool's report of how far it got (an MCP server's `notifications/progress`).
   * Transient: streamed to live subscribers, not stored (the call's `tool.completed` is).
   */
  | { type: 'tool.progress'; step: number; callId: string; name: string; progress: number; total?: number; message?: string }
  /** Every authorization decision is an audit event: `auth.allowed` or `auth.denied`. */
  | { type: 'auth.allowed' | 'auth.denied'; permission: string; principal: string; rule?: string; reason: string }
  | { type: 'approval.requested'; step: number; callId: string; name: string; arguments: string }
  | { type: 'approval.decided'; callId: string; approved: boolean; by: string; reason?: string }
  /**
   * An MCP server's `sampling/createMessage`, made during the call `callId`: answered on
   * `model` (`text`, `stopReason`, `usage`, counted in the session's usage and against the
   * server's budget), or refused (`error`: nothing was sent, `usage` is zero).
   * `maxTokens`: the completion limit sent, the server's clipped to what is left of its budget.
   */
  | {
      type: 'mcp.sampled';
      step: number;
      callId: string;
      server: string;
      model: string;
      /** Messages the server sent. */
      messages: number;
      maxTokens: number;
      text: string;
      stopReason?: SamplingStopReason;
      usage: Usage;
      durationMs: number;
      cost?: number;
      error?: SerializedError;
    }
  /** A running tool (an MCP server) asks the person for the values of a form; `id` names the question. */
  | {
      type: 'elicitation.requested';
      step: number;
      callId: string;
      name: string;
      server?: string;
      id: string;
      message: string;
      requestedSchema: ElicitationSchema;
      /** URL mode: the page the person is asked to open (the form is empty). */
      url?: string;
    }
  /** The answer sent back: content only with `accept`; `by` is who answered (`system` when the turn ended first). */
  | { type: 'elicitation.answered'; callId: string; id: string; action: ElicitationAction; content?: ElicitationContent; by: string };

/** Why a sampled completion ended, in MCP's words. */
export type SamplingStopReason = 'endTurn' | 'maxTokens' | 'stopSequence';

export interface ToolResourceUsage {
  wallMs: number;
  cpuMs?: number;
  peakMemoryBytes?: number;
}

export type EventType = EventPayload['type'];

export interface EventEnvelope {
  sessionId: string;
  /** Position in the session log, from 1. Transient events carry 0: they are streamed, never stored. */
  seq: number;
  /** Epoch milliseconds. */
  time: number;
}

export type AgentEvent = EventEnvelope & EventPayload;

export type EventOf<T extends EventType> = EventEnvelope & Extract<EventPayload, { type: T }>;

/** Streamed to live subscribers only; a crash may lose them, the completed step is stored. */
const transientTypes: ReadonlySet<EventType> = new Set<EventType>(['llm.text-delta', 'llm.tool-call-delta', 'tool.progress']);

export function isTransient(event: { type: EventType }): boolean {
  return transientTypes.has(event.type);
}
