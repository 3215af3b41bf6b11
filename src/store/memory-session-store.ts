import { copyJson } from '../engine/copy-json.js';
import { AgentboxError } from '../errors/agentbox-error.js';
import type { AgentEvent } from '../engine/events.js';
import { applyEvent, emptySession, summarize, type Session, type SessionSummary } from '../engine/session.js';
import { normalizeEventsOptions, normalizeListOptions } from './list-options.js';
import { prepareAppend } from './prepare-append.js';
import type { ListSessionsOptions, SessionStore } from './session-store.js';

interface Entry {
  events: AgentEvent[];
  /** Folded incrementally on append, so `load` never refolds the log. */
  snapshot: Session;
}

/**
 * A session store in memory: for tests, the browser without IndexedDB, and `store.kind:
 * memory`. Nothing survives the process.
 *
 * Everything going in and out is deep-copied (`copyJson`), so neither the events a
 * caller appended nor the session it loaded can be mutated to corrupt the store.
 * Transient events are dropped on append (see `prepareAppend`).
 *
 * @example
 * const store = new MemorySessionStore();
 * await store.append('s1', events);
 * const session = await store.load('s1');
 */
export class MemorySessionStore implements SessionStore {
  readonly #sessions = new Map<string, Entry>();
  #closed = false;

  async append(sessionId: string, events: readonly AgentEvent[]): Promise<void> {
    this.#assertOpen();
    const entry = this.#sessions.get(sessionId);
    const position = entry ? entry.snapshot : { lastSeq: 0, state: 'idle' as const };
    const accepted = prepareAppend(sessionId, position, events);
    if (accepted.length === 0) return;
    const copies = copyJson(accepted);
    const target = entry ?? { events: [], snapshot: emptySession(sessionId) };
    // prepareAppend already proved the transitions legal, so this fold cannot stop halfway.
    for (const event of copies) {
      applyEvent(target.snapshot, event);
      target.events.push(event);
    }
    if (!entry) this.#sessions.set(sessionId, target);
  }

  async load(sessionId: string): Promise<Session | undefined> {
    this.#assertOpen();
    const entry = this.#sessions.get(sessionId);
    return entry ? copyJson(entry.snapshot) : undefined;
  }

  async events(sessionId: string, options?: { afterSeq?: number; limit?: number }): Promise<AgentEvent[]> {
    this.#assertOpen();
    const { afterSeq, limit } = normalizeEventsOptions(options);
    const entry = this.#sessions.get(sessionId);
    if (!entry) return [];
    // seq n sits at index n - 1: the log is contiguous from 1.
    const end = limit === undefined ? undefined : afterSeq + limit;
    return copyJson(entry.events.slice(afterSeq, end));
  }

  async list(options?: ListSessionsOptions): Promise<SessionSummary[]> {
    this.#assertOpen();
    const { owner, limit, offset } = normalizeListOptions(options);
    const matching: Session[] = [];
    for (const { snapshot } of this.#sessions.values()) {
      if (owner === undefined || snapshot.owner === owner) matching.push(snapshot);
    }
    matching.sort(byRecency);
    const end = limit === undefined ? undefined : offset + limit;
    return matching.slice(offset, end).map(summarize);
  }

  async delete(sessionId: string): Promise<boolean> {
    this.#assertOpen();
    return this.#sessions.delete(sessionId);
  }

  async close(): Promise<void> {
    this.#closed = true;
    this.#sessions.clear();
  }

  #assertOpen(): void {
    if (this.#closed) throw new AgentboxError('STORE_FAILED', 'the memory session store is closed');
  }
}

/** Most recently updated first; ties by id so pages never overlap. Same order as SQLite. */
export function byRecency(a: { updatedAt: number; id: string }, b: { updatedAt: number; id: string }): number {
  if (a.updatedAt !== b.updatedAt) return b.updatedAt - a.updatedAt;
  return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
}
