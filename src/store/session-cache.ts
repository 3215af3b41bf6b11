import { copyJson } from '../engine/copy-json.js';
import type { AgentEvent } from '../engine/events.js';
import { applyEvent, type Session } from '../engine/session.js';

/**
 * A bounded, least-recently-used cache of folded sessions for one store connection. Each
 * entry is only served while its `lastSeq` matches the file's (the caller checks), so a
 * write by another process is never hidden; appends through this connection fold into it.
 */
export class SessionCache {
  readonly #entries = new Map<string, Session>();

  constructor(private readonly capacity = 1000) {}

  /** A private copy of the cached session if it is at `lastSeq`. */
  get(sessionId: string, lastSeq: number): Session | undefined {
    const cached = this.#entries.get(sessionId);
    if (!cached) return undefined;
    if (cached.lastSeq !== lastSeq) {
      this.#entries.delete(sessionId);
      return undefined;
    }
    this.#entries.delete(sessionId);
    this.#entries.set(sessionId, cached);
    return copyJson(cached);
  }

  /** Keeps a private copy of a session just loaded. */
  remember(session: Session): void {
    this.#entries.delete(session.id);
    this.#entries.set(session.id, copyJson(session));
    if (this.#entries.size > this.capacity) this.#entries.delete(this.#entries.keys().next().value as string);
  }

  /** Folds events just written into the cached copy, if it is the version they follow. */
  appended(sessionId: string, events: readonly AgentEvent[]): void {
    const cached = this.#entries.get(sessionId);
    const first = events.find((e) => e.seq > 0);
    if (!cached || !first) return;
    if (cached.lastSeq !== first.seq - 1) {
      this.#entries.delete(sessionId);
      return;
    }
    for (const event of copyJson(events.filter((e) => e.seq > 0))) applyEvent(cached, event);
  }

  forget(sessionId: string): void {
    this.#entries.delete(sessionId);
  }
}
