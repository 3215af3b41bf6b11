/** Open SSE streams: counted for metrics, and ended together on shutdown. */
export class StreamRegistry {
  private readonly open = new Set<() => void>();

  get size(): number {
    return this.open.size;
  }

  /** Registers a stream's close function; returns the unregister function. */
  add(close: () => void): () => void {
    this.open.add(close);
    return () => this.open.delete(close);
  }

  closeAll(): void {
    for (const close of [...this.open]) close();
  }
}
