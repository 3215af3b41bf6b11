import type { AgentEvent } from './events.js';
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
}

export interface SessionUsage extends Usage {
  llmCalls: number;
  toolCalls: number;
  /** Summed wall time of LLM calls and tool calls, in ms. */
  llmMs: number;
  toolMs: number;
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
