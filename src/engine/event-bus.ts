import { BoundedChannel, type OverflowPolicy } from './bounded-channel.js';
import type { AgentEvent } from './events.js';

export interface SubscribeOptions {
  /** Only events of this session. */
  sessionId?: string;
  /** Buffered events before the overflow policy applies (default 100). */
  capacity?: number;
  /** Default `block`: a slow subscriber slows the publisher instead of growing memory. */
  overflow?: OverflowPolicy;
}

export interface EventSubscription extends AsyncIterableIterator<AgentEvent> {
  readonly sessionId: string | undefined;
  /** Stops delivery; the iterator ends after what is already buffered. */
  close(): void;
  /** Takes up to `max` buffered events without waiting. */
  drain(max?: number): AgentEvent[];
  /** Events buffered and not yet consumed. */
  readonly size: number;
}

class Subscription extends BoundedChannel<AgentEvent> implements EventSubscription {
  constructor(
    readonly sessionId: string | undefined,
    private readonly detach: (s: Subscription) => void,
    options: SubscribeOptions,
  ) {
    super(options);
  }

  override close(): void {
    this.detach(this);
    super.close();
  }

  override fail(error: unknown): void {
    this.detach(this);
    super.fail(error);
  }

  override return(): Promise<IteratorResult<AgentEvent>> {
    this.detach(this);
    return super.return();
  }
}

/**
 * Typed event bus. Delivery is ordered per publisher (the session recorder publishes one
 * event at a time and awaits backpressure), and every subscriber is bounded.
 */
export class EventBus {
  private readonly all = new Set<Subscription>();
  private readonly bySession = new Map<string, Set<Subscription>>();

  subscribe(options: SubscribeOptions = {}): EventSubscription {
    const sub = new Subscription(options.sessionId, (s) => this.detach(s), options);
    if (options.sessionId === undefined) this.all.add(sub);
    else {
      let set = this.bySession.get(options.sessionId);
      if (!set) this.bySession.set(options.sessionId, (set = new Set()));
      set.add(sub);
    }
    return sub;
  }

  /**
   * Delivers an event to every matching subscriber. Returns a promise only when some
   * subscriber's buffer is full (so the publisher can await it: backpressure).
   */
  publish(event: AgentEvent): Promise<void> | undefined {
    let waits: Promise<void>[] | undefined;
    const deliver = (sub: Subscription): void => {
      let wait: Promise<void> | undefined;
      try {
        wait = sub.send(event);
      } catch {
        return; // a subscriber closed by its overflow policy; the publisher carries on
      }
      if (wait) (waits ??= []).push(wait.catch(() => undefined));
    };
    for (const sub of this.all) deliver(sub);
    const set = this.bySession.get(event.sessionId);
    if (set) for (const sub of set) deliver(sub);
    if (!waits) return undefined;
    return waits.length === 1 ? (waits[0] as Promise<void>) : Promise.all(waits).then(() => undefined);
  }

  /** Number of live subscriptions (for metrics). */
  get subscriberCount(): number {
    let n = this.all.size;
    for (const set of this.bySession.values()) n += set.size;
    return n;
  }

  /** Ends every subscription (on shutdown). */
  closeAll(): void {
    for (const sub of [...this.all]) sub.close();
    for (const set of [...this.bySession.values()]) for (const sub of [...set]) sub.close();
  }

  private detach(sub: Subscription): void {
    if (sub.sessionId === undefined) {
      this.all.delete(sub);
      return;
    }
    const set = this.bySession.get(sub.sessionId);
    if (!set) return;
    set.delete(sub);
    if (set.size === 0) this.bySession.delete(sub.sessionId);
  }
}
