import type { AgentEvent } from '../engine/events.js';
import type { SessionEventHub, SessionEventListener } from './session-event-hub.js';
import { sseEventBytes } from './sse-response.js';
import { overflowError, SseStream, type SseSource } from './sse-stream.js';
import type { StreamRegistry } from './stream-registry.js';

export interface SessionEventStreamOptions {
  sessionId: string;
  /** Live events; attached BEFORE the backlog is read, so nothing published meanwhile is missed. */
  hub: SessionEventHub;
  /** Stored events after a seq, in order (a page of at most `limit`). */
  backlog: (afterSeq: number, limit: number) => Promise<AgentEvent[]>;
  /** Resume after this seq (from `Last-Event-ID` or `?after=`); 0 for everything. */
  afterSeq: number;
  streams: StreamRegistry;
  /** Events held for a client that is not reading (or while the backlog is read) before it is cut off. */
  capacity: number;
  pageSize?: number;
}

/**
 * A session's events as an SSE response, with no gap and no duplicate: first the stored
 * backlog after `afterSeq`, then live events. Live events that arrive while the backlog is
 * read wait (bounded by `capacity`); the backlog may already hold some of them, so those
 * are dropped by seq, together with the transient deltas that came before them (they
 * belong to a step already sent whole).
 */
export function sessionEventStream(options: SessionEventStreamOptions): Response {
  return new SessionEventFeed(options).stream.response;
}

/** The per-stream state: a few fields, no generator, channel or promise per event. */
class SessionEventFeed implements SseSource, SessionEventListener {
  readonly stream: SseStream;
  private lastSeq: number;
  /** The backlog page being sent, one event per read; undefined once live. */
  private page: AgentEvent[] | undefined = [];
  private index = 0;
  private lastPage = false;
  /** Live events (and their bytes) that arrived while the backlog was being sent. */
  private waiting: AgentEvent[] = [];
  private waitingBytes: Uint8Array[] = [];
  private readonly detach: () => void;

  constructor(private readonly options: SessionEventStreamOptions) {
    this.lastSeq = options.afterSeq;
    this.stream = new SseStream({ source: this, streams: options.streams, capacity: options.capacity });
    this.detach = options.hub.attach(options.sessionId, this);
  }

  deliver(event: AgentEvent, bytes: Uint8Array): void {
    if (this.page) {
      // Over the bound while the backlog is read: cut off, as a stalled client is.
      if (this.waiting.length >= this.options.capacity) return this.stream.fail(overflowError(this.options.capacity));
      this.waiting.push(event);
      this.waitingBytes.push(bytes);
      return;
    }
    this.sendLive(event, bytes);
  }

  end(): void {
    this.stream.end();
  }

  /** While the backlog is sent: its next event, or its next page. Live events are pushed. */
  pull(): Promise<void> | undefined {
    const page = this.page;
    if (!page) return undefined;
    const event = page[this.index];
    if (event) {
      this.index += 1;
      this.lastSeq = event.seq;
      this.stream.send(sseEventBytes(event));
      // The backlog's end is queued: live events need not wait for the client to read it.
      if (this.lastPage && this.index === page.length && this.stream.isOpen) this.goLive();
      return undefined;
    }
    if (this.lastPage) {
      this.goLive();
      return undefined;
    }
    return this.readPage();
  }

  release(): void {
    this.detach();
    this.page = undefined;
    this.waiting = [];
    this.waitingBytes = [];
  }

  private async readPage(): Promise<void> {
    const pageSize = this.options.pageSize ?? 500;
    const page = await this.options.backlog(this.lastSeq, pageSize);
    if (!this.stream.isOpen) return;
    this.page = page;
    this.index = 0;
    this.lastPage = page.length < pageSize;
    await this.pull();
  }

  /** Sends what waited, skipping up to the last stored event the backlog already sent. */
  private goLive(): void {
    const { waiting, waitingBytes } = this;
    this.page = undefined;
    this.waiting = [];
    this.waitingBytes = [];
    let start = 0;
    waiting.forEach((event, i) => {
      if (event.seq > 0 && event.seq <= this.lastSeq) start = i + 1;
    });
    for (let i = start; i < waiting.length; i += 1) this.sendLive(waiting[i] as AgentEvent, waitingBytes[i] as Uint8Array);
  }

  private sendLive(event: AgentEvent, bytes: Uint8Array): void {
    if (event.seq > 0) {
      if (event.seq <= this.lastSeq) return;
      this.lastSeq = event.seq;
    }
    this.stream.send(bytes);
  }
}
