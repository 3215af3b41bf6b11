import type { AgentEvent, RequestCount } from './events.js';
import { addUsage, emptyUsage, type ChatMessage, type Usage } from './messages.js';
import type { PromptRecord } from './prompt-record.js';
import { transition, type SessionState } from './session-state.js';

/** A session as folded from its event log. */
export interface Session {
  id: string;
  owner: string;
  state: SessionState;
  messages: ChatMessage[];
  usage: SessionUsage;
  metadata: Record<string, unknown>;
  createdAt: number;
  updatedAt: number;
  /** Seq of the last event folded in. */
  lastSeq: number;
  turns: number;
  /** The parsed answer of the last turn, when it declared an output schema and completed. */
  output?: unknown;
  /** What the last model request contained, and what the server reported for it. */
  lastRequest?: LastRequest;
  /**
   * Per model without a known tokenizer: prompt tokens estimated and reported over the
   * session's calls, whose ratio corrects the next estimates (see estimateCorrection).
   */
  estimates?: Record<string, { estimated: number; reported: number }>;
  /** The summary of the history the context policy left out (`agent.context.summarize`), reused until more is dropped. */
  summary?: { from: number; to: number; text: string };
  /** Tokens (prompt + completion) each MCP server's sampling used in this session (`mcp.sampled`), against its budget. */
  sampledTokens?: Record<string, number>;
}

export interface LastRequest extends RequestCount {
  step: number;
  model: string;
  /** As the server reported it. */
  usage: Usage;
  cost?: number;
}

export interface SessionUsage extends Usage {
  llmCalls: number;
  toolCalls: number;
  /** Summed wall time of LLM calls and tool calls, in ms. */
  llmMs: number;
  toolMs: number;
  /** The calls priced by `llm.prices`, summed (absent until one is). */
  cost?: number;
}

/** A session summary for listings (no messages). */
export interface SessionSummary {
  id: string;
  owner: string;
  state: SessionState;
  title: string;
  createdAt: number;
  updatedAt: number;
  lastSeq: number;
}

export function emptySession(id: string): Session {
  return {
    id,
    owner: '',
    state: 'idle',
    messages: [],
    usage: { ...emptyUsage(), llmCalls: 0, toolCalls: 0, llmMs: 0, toolMs: 0 },
    metadata: {},
    createdAt: 0,
    updatedAt: 0,
    lastSeq: 0,
    turns: 0,
  };
}

/**
 * Folds one persisted event into a session, in place (the fold is on the hot path of
 * loading thousands of sessions). Throws ILLEGAL_TRANSITION on an impossible log.
 */
export function applyEvent(session: Session, event: AgentEvent): Session {
  session.lastSeq = event.seq;
  session.updatedAt = event.time;
  switch (event.type) {
    case 'session.created':
      session.owner = event.owner;
      session.metadata = event.metadata;
      session.createdAt = event.time;
      if (event.system) session.messages.push({ role: 'system', content: event.system });
      break;
    case 'turn.started':
      session.turns = event.turn;
      delete session.output;
      if (event.prompt) foldPrompt(session, event.prompt);
      else session.messages.push({ role: 'user', content: event.input });
      break;
    case 'turn.completed':
      if (event.output !== undefined) session.output = event.output;
      break;
    case 'output.invalid':
      if (event.feedback !== undefined) session.messages.push({ role: 'user', content: event.feedback });
      break;
    case 'state.changed':
      session.state = transition(session.state, event.to);
      break;
    case 'llm.completed':
      session.messages.push(
        event.toolCalls.length > 0 ? { role: 'assistant', content: event.text, toolCalls: event.toolCalls } : { role: 'assistant', content: event.text },
      );
      session.usage = { ...session.usage, ...addUsage(session.usage, event.usage) };
      session.usage.llmCalls += 1;
      session.usage.llmMs += event.durationMs;
      if (event.cost !== undefined) session.usage.cost = roundCost((session.usage.cost ?? 0) + event.cost);
      if (event.request) foldRequest(session, event);
      break;
    case 'context.summarized':
      session.summary = { from: event.from, to: event.to, text: event.summary };
      session.usage = { ...session.usage, ...addUsage(session.usage, event.usage) };
      session.usage.llmCalls += 1;
      session.usage.llmMs += event.durationMs;
      if (event.cost !== undefined) session.usage.cost = roundCost((session.usage.cost ?? 0) + event.cost);
      break;
    case 'mcp.sampled':
      if (event.error) break;
      session.sampledTokens = { ...session.sampledTokens, [event.server]: (session.sampledTokens?.[event.server] ?? 0) + event.usage.totalTokens };
      session.usage = { ...session.usage, ...addUsage(session.usage, event.usage) };
      session.usage.llmCalls += 1;
      session.usage.llmMs += event.durationMs;
      if (event.cost !== undefined) session.usage.cost = roundCost((session.usage.cost ?? 0) + event.cost);
      break;
    case 'tool.completed':
      session.messages.push({ role: 'tool', toolCallId: event.callId, name: event.name, content: event.output });
      session.usage.toolCalls += 1;
      session.usage.toolMs += event.durationMs;
      break;
    default:
      break;
  }
  return session;
}

function foldRequest(session: Session, event: Extract<AgentEvent, { type: 'llm.completed' }>): void {
  const request = event.request as RequestCount;
  session.lastRequest = { step: event.step, model: event.model, ...request, usage: event.usage, ...(event.cost !== undefined ? { cost: event.cost } : {}) };
  if (request.exact || event.usage.promptTokens <= 0) return;
  session.estimates ??= {};
  const tally = (session.estimates[event.model] ??= { estimated: 0, reported: 0 });
  tally.estimated += request.promptTokens;
  tally.reported += event.usage.promptTokens;
}

/** Sums of costs kept to 1e-9, so 0.1 + 0.2 prints as 0.3. */
const roundCost = (cost: number): number => Math.round(cost * 1e9) / 1e9;

/**
 * A prompt's messages around the history, as its `{{history}}` placed them. The messages
 * before the history (a system prompt, few-shot examples) go in front of the session's; when
 * the session already starts with exactly those (the same prompt, turn after turn) they are
 * not repeated.
 */
function foldPrompt(session: Session, prompt: PromptRecord): void {
  const before = prompt.messages.slice(0, prompt.historyAt);
  const after = prompt.messages.slice(prompt.historyAt);
  const repeated = before.every((m, i) => sameMessage(m, session.messages[i]));
  if (!repeated) session.messages.unshift(...before);
  session.messages.push(...after);
}

function sameMessage(a: ChatMessage, b: ChatMessage | undefined): boolean {
  return b !== undefined && a.role === b.role && a.content === b.content;
}

export function foldEvents(id: string, events: Iterable<AgentEvent>): Session {
  const session = emptySession(id);
  for (const event of events) applyEvent(session, event);
  return session;
}

export function summarize(session: Session): SessionSummary {
  const firstUser = session.messages.find((m) => m.role === 'user');
  return {
    id: session.id,
    owner: session.owner,
    state: session.state,
    title: titleFrom(firstUser?.content ?? ''),
    createdAt: session.createdAt,
    updatedAt: session.updatedAt,
    lastSeq: session.lastSeq,
  };
}

export function titleFrom(text: string): string {
  const line = text.replace(/\s+/g, ' ').trim();
  return line.length > 80 ? `${line.slice(0, 77)}...` : line;
}
