/**
 * What the page needs from wherever the agent runs: the `agentbox serve` API it was served
 * from, or a `WebRuntime` in a worker. Both stream a turn's events the same way.
 */
import type { AgentEvent } from '../../engine/events.js';
import type { Session, SessionSummary } from '../../engine/session.js';
import type { ElicitationAction, ElicitationContent } from '../../engine/elicitation.js';

export interface BackendStatus {
  /** False when no LLM endpoint is configured: the page says so instead of failing later. */
  llmConfigured: boolean;
  /** One line about what the page is running against. */
  description: string;
  /** Why no endpoint is configured and how to configure one. */
  hint?: string;
}

export interface ChatBackend {
  readonly mode: 'server' | 'browser';
  status(): Promise<BackendStatus>;
  listSessions(): Promise<SessionSummary[]>;
  createSession(): Promise<Session>;
  getSession(sessionId: string): Promise<Session | undefined>;
  /** The stored log, to redraw a session (tool calls, durations, decisions) after a reload. */
  events(sessionId: string): Promise<AgentEvent[]>;
  /** Sends a message; resolves when the turn ended. Every event of the turn goes to `onEvent`. */
  send(sessionId: string, input: string, onEvent: (event: AgentEvent) => void): Promise<void>;
  decide(sessionId: string, callId: string, approved: boolean): Promise<void>;
  /** Answers a tool's form; rejects (the form stays) when the answer does not match it. */
  answerElicitation(sessionId: string, id: string, answer: { action: ElicitationAction; content?: ElicitationContent }): Promise<void>;
  cancel(sessionId: string): Promise<void>;
  deleteSession(sessionId: string): Promise<void>;
}
