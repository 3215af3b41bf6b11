import type { EventSubscription } from '../engine/event-bus.js';
import type { AgentEvent } from '../engine/events.js';
import { sseEventBytes } from './sse-response.js';

/** A stream attached to a session's live events. */
export interface SessionEventListener {
  /** One live event and its SSE bytes (shared by every listener: do not modify them). */
  deliver(event: AgentEvent, bytes: Uint8Array): void;
  /** The hub stopped (the bus was closed): no more events will come. */
  end(): void;
}

/**
 * Live session events for every open SSE stream through ONE bus subscription: each event is
 * looked up by session, encoded to SSE bytes once, and handed to that session's listeners
 * synchronously. A subscription (with its channel, buffer and pending promise) per stream
 * would cost memory per connection and encode each event once per stream.
 *
 * The subscription exists only while some listener is attached. It blocks the publisher
 * when full, which happens only if the publisher outruns this loop between two microtasks:
 * the loop never waits for a client (a slow client is cut off by its own stream's bound).
 */
export class SessionEventHub {
  private readonly sessions = new Map<string, Set<SessionEventListener>>();
  private subscription: EventSubscription | undefined;

  /** @param subscribe opens a subscription to every session's events */
  constructor(private readonly subscribe: () => EventSubscription) {}

  /** Number of attached listeners. */
  get size(): number {
    let n = 0;
    for (const set of this.sessions.values()) n += set.size;
    return n;
  }

  /**
   * Attaches a listener; live events published from now on reach it (attach BEFORE reading
   * the stored backlog, so nothing published meanwhile is missed). Returns the detach function.
   */
  attach(sessionId: string, listener: SessionEventListener): () => void {
    let set = this.sessions.get(sessionId);
    if (!set) this.sessions.set(sessionId, (set = new Set()));
    set.add(listener);
    if (!this.subscription) {
      this.subscription = this.subscribe();
      void this.pump(this.subscription);
    }
    return () => this.detach(sessionId, listener);
  }

  private detach(sessionId: string, listener: SessionEventListener): void {
    const set = this.sessions.get(sessionId);
    if (!set?.delete(listener)) return;
    if (set.size > 0) return;
    this.sessions.delete(sessionId);
    if (this.sessions.size === 0 && this.subscription) {
      // `return` rather than `close`: what is still buffered has no one to go to.
      const subscription = this.subscription;
      this.subscription = undefined;
      void subscription.return?.();
    }
  }

  private async pump(subscription: EventSubscription): Promise<void> {
    try {
      for await (const event of subscription) {
        if (this.subscription !== subscription) break;
        const listeners = this.sessions.get(event.sessionId);
        if (!listeners) continue;
        const bytes = sseEventBytes(event);
        for (const listener of listeners) {
          try {
            listener.deliver(event, bytes);
          } catch {
            // One listener's failure must not stop the others' events.
          }
        }
      }
    } catch {
      // The subscription failed: handled below as an end.
    }
    if (this.subscription !== subscription) return;
    // Closed under us (the runtime's bus shut down): end every stream so clients reconnect.
    this.subscription = undefined;
    const all = [...this.sessions.values()].flatMap((set) => [...set]);
    this.sessions.clear();
    for (const listener of all) listener.end();
  }
}
