import { AgentboxError } from '../errors/agentbox-error.js';

export interface DrainReport {
  /** Turns that finished on their own within the wait. */
  finished: number;
  /** Turns cancelled after the wait (each recorded as cancelled). */
  cancelled: number;
}

/**
 * The turns this server started, by session. It refuses a second turn on a busy session
 * before anything is streamed (409), and lets shutdown wait for running turns, then cancel
 * the rest and wait again until each is recorded — the log is never left half-written.
 */
export class TurnTracker {
  private readonly running = new Map<string, Promise<unknown>>();
  private closing = false;

  has(sessionId: string): boolean {
    return this.running.has(sessionId);
  }

  get size(): number {
    return this.running.size;
  }

  get isClosing(): boolean {
    return this.closing;
  }

  /** Starts a turn; its promise is tracked until it settles. */
  start<T>(sessionId: string, run: () => Promise<T>): Promise<T> {
    if (this.closing) throw new AgentboxError('UNAVAILABLE', 'the service is shutting down');
    if (this.running.has(sessionId)) throw new AgentboxError('SESSION_BUSY', `session ${sessionId} is already running a turn`);
    const promise = run();
    const settled = promise.then(
      () => undefined,
      () => undefined,
    );
    this.running.set(sessionId, settled);
    void settled.then(() => {
      if (this.running.get(sessionId) === settled) this.running.delete(sessionId);
    });
    return promise;
  }

  /** Stops new turns, waits up to `timeoutMs` for running ones, then cancels the rest and waits for them. */
  async drain(timeoutMs: number, cancel: (sessionId: string) => void): Promise<DrainReport> {
    this.closing = true;
    const before = this.running.size;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const timeout = new Promise<void>((resolve) => (timer = setTimeout(resolve, timeoutMs)));
    await Promise.race([Promise.all(this.running.values()), timeout]);
    clearTimeout(timer);
    const left = [...this.running.keys()];
    for (const id of left) cancel(id);
    await Promise.all(this.running.values());
    return { finished: before - left.length, cancelled: left.length };
  }
}
