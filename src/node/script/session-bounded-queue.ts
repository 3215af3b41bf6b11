/**
 * The waiting runs of a worker pool, first in first out, except that a session already
 * running its bound of runs is skipped: one session's burst of calls waits its own turn
 * instead of holding every worker, and other sessions' runs go ahead of it.
 */
export interface SessionQueueItem {
  /** Items without a session are bounded only by the pool. */
  readonly sessionId: string | undefined;
}

export class SessionBoundedQueue<T extends SessionQueueItem> {
  private readonly waiting: T[] = [];
  private readonly running = new Map<string, number>();

  constructor(private readonly perSession: number) {}

  get length(): number {
    return this.waiting.length;
  }

  push(item: T): void {
    this.waiting.push(item);
  }

  /** Takes a waiting item out (a cancelled run); false if it was not waiting. */
  remove(item: T): boolean {
    const index = this.waiting.indexOf(item);
    if (index < 0) return false;
    this.waiting.splice(index, 1);
    return true;
  }

  /** The next item allowed to start, counted as running until `finished(item)`. */
  take(): T | undefined {
    const index = this.waiting.findIndex((item) => item.sessionId === undefined || (this.running.get(item.sessionId) ?? 0) < this.perSession);
    if (index < 0) return undefined;
    const [item] = this.waiting.splice(index, 1) as [T];
    if (item.sessionId !== undefined) this.running.set(item.sessionId, (this.running.get(item.sessionId) ?? 0) + 1);
    return item;
  }

  finished(item: T): void {
    if (item.sessionId === undefined) return;
    const left = (this.running.get(item.sessionId) ?? 0) - 1;
    if (left > 0) this.running.set(item.sessionId, left);
    else this.running.delete(item.sessionId);
  }

  /** Empties the queue (the pool is closing), returning what waited. */
  drain(): T[] {
    return this.waiting.splice(0);
  }
}
