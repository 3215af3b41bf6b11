/** What the registry needs of an open SSE stream. */
export interface OpenStream {
  /** Ends the stream after what it has queued (shutdown). */
  close(): void;
  /** Queues a heartbeat comment if the stream is idle. */
  heartbeat(): void;
}

/**
 * Open SSE streams: counted for metrics, sent heartbeats, and ended together on shutdown.
 * One timer beats for every stream (rather than one `setInterval` per stream: a Timeout
 * and a closure each, per connection), and runs only while a stream is open.
 */
export class StreamRegistry {
  private readonly open = new Set<OpenStream>();
  private timer: ReturnType<typeof setInterval> | undefined;

  /** @param heartbeatMs period of the heartbeat comments on idle streams */
  constructor(private readonly heartbeatMs = 15_000) {}

  get size(): number {
    return this.open.size;
  }

  /** Registers an open stream; returns the unregister function. */
  add(stream: OpenStream): () => void {
    this.open.add(stream);
    this.timer ??= setInterval(() => {
      for (const s of this.open) s.heartbeat();
    }, this.heartbeatMs);
    return () => {
      this.open.delete(stream);
      if (this.open.size === 0 && this.timer !== undefined) {
        clearInterval(this.timer);
        this.timer = undefined;
      }
    };
  }

  closeAll(): void {
    for (const stream of [...this.open]) stream.close();
  }
}
