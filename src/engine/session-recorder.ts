import { AgentboxError } from '../errors/agentbox-error.js';
import type { SessionStore } from '../store/session-store.js';
import type { EventBus } from './event-bus.js';
import { isTransient, type AgentEvent, type EventPayload } from './events.js';
import { applyEvent, type Session } from './session.js';
import { transition, type SessionState } from './session-state.js';

export interface Clock {
  now(): number;
}

export const systemClock: Clock = { now: () => Date.now() };

/**
 * The single writer of one session's log. Each persisted event is folded into the live
 * snapshot (so an illegal transition throws before anything is written), appended to the
 * store, then published; transient events are only published.
 */
export class SessionRecorder {
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

  /** Writes queue behind each other: parallel tool calls record concurrently, seqs must not race. */
  private tail: Promise<unknown> | undefined;

  record(payload: EventPayload): Promise<AgentEvent> {
    const run = (): Promise<AgentEvent> => this.write(payload);
    const result = this.tail ? this.tail.then(run, run) : run();
    const settle = (): void => {
      if (this.tail === tail) this.tail = undefined;
    };
    const tail: Promise<void> = result.then(settle, settle);
    this.tail = tail;
    return result;
  }

  private async write(payload: EventPayload): Promise<AgentEvent> {
    const time = this.clock.now();
    if (isTransient(payload)) {
      const event = { ...payload, sessionId: this.session.id, seq: 0, time } as AgentEvent;
      await this.bus.publish(event);
      return event;
    }
    const event = { ...payload, sessionId: this.session.id, seq: this.session.lastSeq + 1, time } as AgentEvent;
    if (event.type === 'state.changed') transition(event.from, event.to);
    try {
      await this.store.append(this.session.id, [event]);
    } catch (error) {
      if (AgentboxError.isInstance(error)) throw error;
      throw new AgentboxError('STORE_FAILED', `could not store event ${event.type} of session ${this.session.id}`, { cause: error });
    }
    applyEvent(this.session, event);
    await this.bus.publish(event);
    return event;
  }

  /** Records a lifecycle move; throws ILLEGAL_TRANSITION before writing if it is not allowed. */
  async moveTo(to: SessionState): Promise<void> {
    const from = this.session.state;
    if (from === to) return;
    transition(from, to);
    await this.record({ type: 'state.changed', from, to });
  }
}
