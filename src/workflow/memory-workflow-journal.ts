import { AgentboxError } from '../errors/agentbox-error.js';
import { isTerminal, type RunEvent } from './run-events.js';
import type { InboxEvent, LeaseRequest, RunSummary, WorkflowJournal } from './workflow-journal.js';

interface StoredRun {
  summary: RunSummary;
  events: RunEvent[];
  holder: string | undefined;
  expiresAt: number;
  inbox: InboxEvent[];
}

/** The journal in memory: for tests and for hosts without storage. Same rules as SQLite's. */
export class MemoryWorkflowJournal implements WorkflowJournal {
  readonly #runs = new Map<string, StoredRun>();

  async create(runId: string, summary: { workflow: string }, events: readonly RunEvent[], lease: LeaseRequest): Promise<void> {
    if (this.#runs.has(runId)) throw new AgentboxError('STORE_CONFLICT', `workflow run ${runId} already exists`);
    const run: StoredRun = {
      summary: { runId, workflow: summary.workflow, status: 'running', createdAt: lease.now, updatedAt: lease.now },
      events: [],
      holder: lease.holder,
      expiresAt: lease.now + lease.ttlMs,
      inbox: [],
    };
    this.#runs.set(runId, run);
    this.#push(run, events, lease.now);
  }

  async append(runId: string, events: readonly RunEvent[], lease: LeaseRequest): Promise<void> {
    const run = this.#must(runId);
    if (run.holder !== lease.holder) throw new AgentboxError('WORKFLOW_RUN_BUSY', `run ${runId}: the lease is not held by this writer`);
    run.expiresAt = lease.now + lease.ttlMs;
    this.#push(run, events, lease.now);
  }

  async claim(runId: string, lease: LeaseRequest): Promise<boolean> {
    const run = this.#must(runId);
    if (run.holder !== undefined && run.holder !== lease.holder && run.expiresAt > lease.now) return false;
    run.holder = lease.holder;
    run.expiresAt = lease.now + lease.ttlMs;
    return true;
  }

  async requestCancel(runId: string, reason: string): Promise<void> {
    const run = this.#must(runId);
    run.summary.cancelRequested ??= reason;
  }

  async postEvent(runId: string, event: Record<string, unknown>, time: number): Promise<number> {
    const run = this.#must(runId);
    const seq = run.inbox.length + 1;
    run.inbox.push({ seq, time, event: structuredClone(event) });
    return seq;
  }

  async inbox(runId: string, afterSeq = 0): Promise<InboxEvent[]> {
    return structuredClone(this.#must(runId).inbox.filter((e) => e.seq > afterSeq));
  }

  async release(runId: string, holder: string): Promise<void> {
    const run = this.#runs.get(runId);
    if (run?.holder === holder) run.holder = undefined;
  }

  async events(runId: string, options: { afterSeq?: number; limit?: number } = {}): Promise<RunEvent[]> {
    const all = this.#runs.get(runId)?.events ?? [];
    // Seq n is at index n - 1: a page is a slice, not a scan.
    const start = Math.max(0, options.afterSeq ?? 0);
    return structuredClone(all.slice(start, options.limit === undefined ? undefined : start + options.limit));
  }

  async get(runId: string): Promise<RunSummary | undefined> {
    const run = this.#runs.get(runId);
    return run ? { ...run.summary } : undefined;
  }

  async list(options: { limit?: number } = {}): Promise<RunSummary[]> {
    const all = [...this.#runs.values()].map((r) => ({ ...r.summary })).sort((a, b) => b.updatedAt - a.updatedAt);
    return options.limit === undefined ? all : all.slice(0, options.limit);
  }

  async close(): Promise<void> {}

  #must(runId: string): StoredRun {
    const run = this.#runs.get(runId);
    if (!run) throw new AgentboxError('WORKFLOW_RUN_NOT_FOUND', `no workflow run with id ${runId}`);
    return run;
  }

  #push(run: StoredRun, events: readonly RunEvent[], now: number): void {
    let expected = run.events.length + 1;
    for (const event of events) {
      if (event.seq !== expected) throw new AgentboxError('STORE_CONFLICT', `run ${run.summary.runId}: seq ${event.seq}, expected ${expected}`);
      expected += 1;
    }
    // A copy: the journal must not change when the caller mutates what it recorded.
    run.events.push(...structuredClone(events as RunEvent[]));
    for (const event of events) if (isTerminal(event.type)) run.summary.status = event.type.slice(4) as RunSummary['status'];
    run.summary.updatedAt = now;
  }
}
