import { AgentboxError } from '../errors/agentbox-error.js';
import type { SessionStore } from '../store/session-store.js';
import type { EventBus } from './event-bus.js';
import { isTransient, type AgentEvent, type EventPayload } from './events.js';
import { applyEvent, type Session } from './session.js';
import { transition, type SessionState } from './session-state.js';

/** Microtask hops the writer waits before taking a batch (each costs well under a µs). */
const BATCH_HOPS = 12;

export interface Clock {
  now(): number;
}

export const systemClock: Clock = { now: () => Date.now() };

/**
 * The single writer of one session's log.
 *
 * A persisted event is validated and folded into the live snapshot at once (an illegal
 * transition throws before anything is written), then queued. The queue is written to the
 * store as one batch as soon as the caller yields (a microtask), and only then published, so
 * a subscriber never sees an event the store could lose. Events recorded in one synchronous
 * run share a transaction: a turn costs a handful of writes, not one per event. Transient
 * events (text deltas) are published in order behind any queued batch; their promise is the
 * bus's backpressure.
 */
export class SessionRecorder {
  private queue: AgentEvent[] = [];
  private flushing: Promise<void> | undefined;
  private failure: AgentboxError | undefined;

  constructor(
    readonly session: Session,
    private readonly store: SessionStore,
    private readonly bus: EventBus,
    private readonly clock: Clock = systemClock,
  ) {}

  get id(): string {
    return this.session.id;
  }

  get state(): SessionState {
    return this.session.state;
  }

  /**
   * Records any event. Persisted events return `undefined` (they are queued; `flush()` waits
   * for them); transient ones return a promise only when the consumer applies backpressure.
   * Call sites avoid `await` on `undefined` so consecutive events batch together.
   */
  record(payload: EventPayload): Promise<void> | undefined {
    if (this.failure) throw this.failure;
    const time = this.clock.now();
    if (isTransient(payload)) {
      const event = Object.assign({ sessionId: this.session.id, seq: 0, time }, payload) as AgentEvent;
      if (this.queue.length === 0 && !this.flushing) return this.bus.publish(event);
      this.queue.push(event);
      return this.scheduleFlush();
    }
    // Object.assign, not a spread: several times faster over the many payload shapes.
    const event = Object.assign({ sessionId: this.session.id, seq: this.session.lastSeq + 1, time }, payload) as AgentEvent;
    if (event.type === 'state.changed') transition(event.from, event.to);
    applyEvent(this.session, event);
    this.queue.push(event);
    void this.scheduleFlush();
    return undefined;
  }

  /**
   * The hot path of streaming: one text delta, built as a fixed-shape object (a spread of a
   * payload costs more than the rest of the delivery).
   */
  recordTextDelta(step: number, text: string): Promise<void> | undefined {
    if (this.failure) throw this.failure;
    const event: AgentEvent = { type: 'llm.text-delta', sessionId: this.session.id, seq: 0, time: this.clock.now(), step, text };
    if (this.queue.length === 0 && !this.flushing) return this.bus.publish(event);
    this.queue.push(event);
    return this.scheduleFlush();
  }

  /** Records a lifecycle move; throws ILLEGAL_TRANSITION before writing if it is not allowed. */
  moveTo(to: SessionState): void {
    const from = this.session.state;
    if (from === to) return;
    transition(from, to);
    this.record({ type: 'state.changed', from, to });
  }

  /** Resolves when everything recorded so far is stored and published; rejects if storing failed. */
  flush(): Promise<void> {
    if (this.failure) return Promise.reject(this.failure);
    return this.flushing ?? Promise.resolve();
  }

  private scheduleFlush(): Promise<void> {
    if (!this.flushing) {
      const flushing = this.drain();
      // Callers of persisted events do not await; the failure is kept and rethrown instead.
      flushing.catch(() => undefined);
      this.flushing = flushing;
    }
    return this.flushing;
  }

  private async drain(): Promise<void> {
    try {
      // Let the caller finish adding to this batch: its synchronous run, and the few
      // microtask hops of the awaits between two steps (an async return takes several). A
      // real wait (the network, a tool's I/O) outlasts these, so the batch is written then.
      for (let hop = 0; hop < BATCH_HOPS; hop += 1) await undefined;
      // The last emptiness check and clearing `flushing` happen in one synchronous step, so
      // an event recorded meanwhile always finds either a running drain or none.
      while (this.queue.length > 0) {
        const batch = this.queue;
        this.queue = [];
        const persisted = batch.filter((e) => e.seq > 0);
        if (persisted.length > 0) await this.append(persisted);
        for (const event of batch) {
          const wait = this.bus.publish(event);
          if (wait) await wait;
        }
      }
    } finally {
      this.flushing = undefined;
    }
  }

  private async append(events: AgentEvent[]): Promise<void> {
    try {
      await this.store.append(this.session.id, events);
    } catch (error) {
      this.failure = AgentboxError.isInstance(error)
        ? error
        : new AgentboxError('STORE_FAILED', `could not store events of session ${this.session.id}`, { cause: error });
      this.queue = [];
      throw this.failure;
    }
  }
}
