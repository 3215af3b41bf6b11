import type { RunEvent } from '../workflow/run-events.js';
import type { InboxEvent, LeaseRequest, RunSummary, WorkflowJournal } from '../workflow/workflow-journal.js';

/**
 * A workflow journal that tells watchers of a run when a write to it is durable (its
 * creation, appended events, a claim of its lease). The service's event streams read the
 * journal itself, so what they send is exactly what is stored — the watch only wakes them
 * early instead of at their next poll; writes by another process are still seen by polling.
 */
export class ObservedWorkflowJournal implements WorkflowJournal {
  readonly #inner: WorkflowJournal;
  readonly #watchers = new Map<string, Set<() => void>>();

  constructor(inner: WorkflowJournal) {
    this.#inner = inner;
  }

  /** Calls `listener` after each durable write to the run; returns the function that stops it. */
  watch(runId: string, listener: () => void): () => void {
    let set = this.#watchers.get(runId);
    if (!set) this.#watchers.set(runId, (set = new Set()));
    set.add(listener);
    return () => {
      set.delete(listener);
      if (set.size === 0 && this.#watchers.get(runId) === set) this.#watchers.delete(runId);
    };
  }

  async create(runId: string, summary: { workflow: string }, events: readonly RunEvent[], lease: LeaseRequest): Promise<void> {
    await this.#inner.create(runId, summary, events, lease);
    this.#notify(runId);
  }

  async append(runId: string, events: readonly RunEvent[], lease: LeaseRequest): Promise<void> {
    await this.#inner.append(runId, events, lease);
    this.#notify(runId);
  }

  async claim(runId: string, lease: LeaseRequest): Promise<boolean> {
    const held = await this.#inner.claim(runId, lease);
    if (held) this.#notify(runId);
    return held;
  }

  requestCancel(runId: string, reason: string): Promise<void> {
    return this.#inner.requestCancel(runId, reason);
  }

  postEvent(runId: string, event: Record<string, unknown>, time: number): Promise<number> {
    return this.#inner.postEvent(runId, event, time);
  }

  inbox(runId: string, afterSeq?: number): Promise<InboxEvent[]> {
    return this.#inner.inbox(runId, afterSeq);
  }

  release(runId: string, holder: string): Promise<void> {
    return this.#inner.release(runId, holder);
  }

  events(runId: string, options?: { afterSeq?: number; limit?: number }): Promise<RunEvent[]> {
    return this.#inner.events(runId, options);
  }

  get(runId: string): Promise<RunSummary | undefined> {
    return this.#inner.get(runId);
  }

  list(options?: { limit?: number }): Promise<RunSummary[]> {
    return this.#inner.list(options);
  }

  close(): Promise<void> {
    return this.#inner.close();
  }

  #notify(runId: string): void {
    const set = this.#watchers.get(runId);
    if (set) for (const listener of [...set]) listener();
  }
}
