import type { EventSubscription } from '../engine/event-bus.js';
import type { AgentEvent } from '../engine/events.js';

export interface SessionEventStreamOptions {
  /** Subscribed BEFORE the backlog is read, so nothing published meanwhile is missed. */
  subscription: EventSubscription;
  /** Stored events after a seq, in order (a page of at most `pageSize`). */
  backlog: (afterSeq: number, limit: number) => Promise<AgentEvent[]>;
  /** Resume after this seq (from `Last-Event-ID` or `?after=`); 0 for everything. */
  afterSeq: number;
  pageSize?: number;
}

/**
 * A session's events with no gap and no duplicate: first the stored backlog after
 * `afterSeq`, then live events. The live subscription existed before the backlog was read,
 * so it may repeat events the backlog already held; those are dropped by seq, together with
 * the transient deltas that came before them (they belong to a step already sent whole).
 */
export async function* sessionEventStream(options: SessionEventStreamOptions): AsyncGenerator<AgentEvent> {
  const { subscription } = options;
  const pageSize = options.pageSize ?? 500;
  let lastSeq = options.afterSeq;
  try {
    for (;;) {
      const page = await options.backlog(lastSeq, pageSize);
      for (const event of page) {
        lastSeq = event.seq;
        yield event;
      }
      if (page.length < pageSize) break;
    }
    // Whatever the subscription buffered while the backlog was read: skip up to the last
    // stored event already sent, keep the rest in order.
    const buffered = subscription.drain();
    let start = 0;
    buffered.forEach((event, i) => {
      if (event.seq > 0 && event.seq <= lastSeq) start = i + 1;
    });
    for (const event of buffered.slice(start)) {
      if (event.seq > 0) lastSeq = event.seq;
      yield event;
    }
    for await (const event of subscription) {
      if (event.seq > 0) {
        if (event.seq <= lastSeq) continue;
        lastSeq = event.seq;
      }
      yield event;
    }
  } finally {
    subscription.close();
  }
}
