import type { AgentEvent } from '../engine/events.js';
import type { Session, SessionSummary } from '../engine/session.js';

export interface ListSessionsOptions {
  owner?: string;
  limit?: number;
  offset?: number;
}

/**
 * Where session logs live. Implementations: memory (tests), SQLite (Node default),
 * IndexedDB (browser). Events are appended with consecutive `seq` from 1; an append whose
 * first seq is not `lastSeq + 1` is rejected (two writers on one session).
 */
export interface SessionStore {
  /** Appends persisted events of one session atomically. */
  append(sessionId: string, events: readonly AgentEvent[]): Promise<void>;
  /** The session folded from its log, or undefined. */
  load(sessionId: string): Promise<Session | undefined>;
  /** The log, optionally after a seq (for resumable streams). */
  events(sessionId: string, options?: { afterSeq?: number; limit?: number }): Promise<AgentEvent[]>;
  /** Summaries, most recently updated first. */
  list(options?: ListSessionsOptions): Promise<SessionSummary[]>;
  delete(sessionId: string): Promise<boolean>;
  close(): Promise<void>;
  /**
   * Stores shared by processes (SQLite) claim a session for one turn: false while another
   * live process holds it. The claim lapses when its holder's process is gone (or its
   * renewals stop), so only a turn whose process died is closed as interrupted. Stores
   * without it are used by one process, whose runtime guards turns itself.
   */
  claimTurn?(sessionId: string): Promise<boolean>;
  releaseTurn?(sessionId: string): Promise<void>;
}
