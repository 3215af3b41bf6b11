/**
 * The browser's workflow journal, on raw IndexedDB (no dependency), with the rules of the
 * memory and SQLite journals (the shared contract suite runs against it in chromium):
 *
 * - `runs`, keyed by run id: the summary, the lease (holder, expiry), the last event seq and
 *   the last inbox seq, so a check reads one small row;
 * - `events`, keyed `[runId, seq]`: the append-only log, paged by a key range;
 * - `inbox`, keyed `[runId, seq]`: events posted for `listen` tasks.
 *
 * Every write is one read-write transaction that reads the run's row, checks the lease and
 * the seq, then writes — or aborts and writes nothing. IndexedDB runs read-write
 * transactions with overlapping scopes one after another, so two tabs (or workers) racing
 * for one run see each other's lease: a run has one writer here too.
 */
import { AgentboxError } from '../../errors/agentbox-error.js';
import { isTerminal, type RunEvent } from '../../workflow/run-events.js';
import type { InboxEvent, LeaseRequest, RunSummary, WorkflowJournal } from '../../workflow/workflow-journal.js';
import { completion, deleteDatabase, openDatabase, request, startTransaction } from './idb-request.js';

const RUNS = 'runs';
const EVENTS = 'events';
const INBOX = 'inbox';
const SCHEMA_VERSION = 1;

interface RunRow {
  runId: string;
  summary: RunSummary;
  holder: string | undefined;
  expiresAt: number;
  lastSeq: number;
  inboxSeq: number;
}

export interface IndexedDbWorkflowJournalOptions {
  /** Database name; default `agentbox-workflows`. One database per name and origin. */
  name?: string;
}

/**
 * @example
 * const journal = await IndexedDbWorkflowJournal.open();
 * const engine = new WorkflowEngine({ journal, host });
 * // after a reload: await engine.recover() finishes the runs the closed page left running
 */
export class IndexedDbWorkflowJournal implements WorkflowJournal {
  #db: IDBDatabase | undefined;
  readonly name: string;

  private constructor(db: IDBDatabase, name: string) {
    this.#db = db;
    this.name = name;
    db.onversionchange = () => {
      db.close();
      this.#db = undefined;
    };
  }

  static async open(options: IndexedDbWorkflowJournalOptions = {}): Promise<IndexedDbWorkflowJournal> {
    const name = options.name ?? 'agentbox-workflows';
    const db = await openDatabase({
      name,
      version: SCHEMA_VERSION,
      upgrade: (database) => {
        if (!database.objectStoreNames.contains(RUNS)) database.createObjectStore(RUNS, { keyPath: 'runId' });
        if (!database.objectStoreNames.contains(EVENTS)) database.createObjectStore(EVENTS, { keyPath: ['runId', 'seq'] });
        if (!database.objectStoreNames.contains(INBOX)) database.createObjectStore(INBOX, { keyPath: ['runId', 'seq'] });
      },
    });
    return new IndexedDbWorkflowJournal(db, name);
  }

  static destroy(name = 'agentbox-workflows'): Promise<void> {
    return deleteDatabase(name);
  }

  create(runId: string, summary: { workflow: string }, events: readonly RunEvent[], lease: LeaseRequest): Promise<void> {
    return this.#write([RUNS, EVENTS], async (tx) => {
      if ((await request(tx.objectStore(RUNS).getKey(runId))) !== undefined) {
        throw new AgentboxError('STORE_CONFLICT', `workflow run ${runId} already exists`);
      }
      const row: RunRow = {
        runId,
        summary: { runId, workflow: summary.workflow, status: 'running', createdAt: lease.now, updatedAt: lease.now },
        holder: lease.holder,
        expiresAt: lease.now + lease.ttlMs,
        lastSeq: 0,
        inboxSeq: 0,
      };
      this.#push(tx, row, events, lease.now);
    });
  }

  append(runId: string, events: readonly RunEvent[], lease: LeaseRequest): Promise<void> {
    return this.#write([RUNS, EVENTS], async (tx) => {
      const row = await this.#must(tx, runId);
      if (row.holder !== lease.holder) throw new AgentboxError('WORKFLOW_RUN_BUSY', `run ${runId}: the lease is not held by this writer`);
      row.expiresAt = lease.now + lease.ttlMs;
      this.#push(tx, row, events, lease.now);
    });
  }

  async claim(runId: string, lease: LeaseRequest): Promise<boolean> {
    let held = false;
    await this.#write([RUNS], async (tx) => {
      const row = await this.#must(tx, runId);
      if (row.holder !== undefined && row.holder !== lease.holder && row.expiresAt > lease.now) return;
      row.holder = lease.holder;
      row.expiresAt = lease.now + lease.ttlMs;
      tx.objectStore(RUNS).put(row);
      held = true;
    });
    return held;
  }

  requestCancel(runId: string, reason: string): Promise<void> {
    return this.#write([RUNS], async (tx) => {
      const row = await this.#must(tx, runId);
      if (row.summary.cancelRequested !== undefined) return;
      row.summary.cancelRequested = reason;
      tx.objectStore(RUNS).put(row);
    });
  }

  async postEvent(runId: string, event: Record<string, unknown>, time: number): Promise<number> {
    let seq = 0;
    await this.#write([RUNS, INBOX], async (tx) => {
      const row = await this.#must(tx, runId);
      seq = row.inboxSeq + 1;
      row.inboxSeq = seq;
      tx.objectStore(RUNS).put(row);
      tx.objectStore(INBOX).add({ runId, seq, time, event });
    });
    return seq;
  }

  async inbox(runId: string, afterSeq = 0): Promise<InboxEvent[]> {
    const tx = this.#transaction([RUNS, INBOX], 'readonly');
    await this.#must(tx, runId);
    const rows = await request<Array<InboxEvent & { runId: string }>>(
      tx.objectStore(INBOX).getAll(IDBKeyRange.bound([runId, afterSeq + 1], [runId, Number.MAX_SAFE_INTEGER])),
    );
    return rows.map(({ seq, time, event }) => ({ seq, time, event }));
  }

  release(runId: string, holder: string): Promise<void> {
    return this.#write([RUNS], async (tx) => {
      const row = await request<RunRow | undefined>(tx.objectStore(RUNS).get(runId));
      if (row?.holder !== holder) return;
      row.holder = undefined;
      tx.objectStore(RUNS).put(row);
    });
  }

  async events(runId: string, options: { afterSeq?: number; limit?: number } = {}): Promise<RunEvent[]> {
    // getAll treats a count of 0 as "no limit".
    if (options.limit === 0) return [];
    const tx = this.#transaction([EVENTS], 'readonly');
    const range = IDBKeyRange.bound([runId, Math.max(0, options.afterSeq ?? 0) + 1], [runId, Number.MAX_SAFE_INTEGER]);
    return request<RunEvent[]>(tx.objectStore(EVENTS).getAll(range, options.limit));
  }

  async get(runId: string): Promise<RunSummary | undefined> {
    const tx = this.#transaction([RUNS], 'readonly');
    return (await request<RunRow | undefined>(tx.objectStore(RUNS).get(runId)))?.summary;
  }

  async list(options: { limit?: number } = {}): Promise<RunSummary[]> {
    const tx = this.#transaction([RUNS], 'readonly');
    const all = (await request<RunRow[]>(tx.objectStore(RUNS).getAll())).map((r) => r.summary).sort((a, b) => b.updatedAt - a.updatedAt);
    return options.limit === undefined ? all : all.slice(0, options.limit);
  }

  async close(): Promise<void> {
    this.#db?.close();
    this.#db = undefined;
  }

  /** Checks the batch continues the log, then queues the events and the row in `tx`. */
  #push(tx: IDBTransaction, row: RunRow, events: readonly RunEvent[], now: number): void {
    let expected = row.lastSeq + 1;
    for (const event of events) {
      if (event.seq !== expected) throw new AgentboxError('STORE_CONFLICT', `run ${row.runId}: seq ${event.seq}, expected ${expected}`);
      expected += 1;
    }
    const store = tx.objectStore(EVENTS);
    // `add`, not `put`: an existing key is a conflict the seq check should have caught.
    for (const event of events) store.add(event);
    for (const event of events) if (isTerminal(event.type)) row.summary.status = event.type.slice(4) as RunSummary['status'];
    row.lastSeq = expected - 1;
    row.summary.updatedAt = now;
    tx.objectStore(RUNS).put(row);
  }

  async #must(tx: IDBTransaction, runId: string): Promise<RunRow> {
    const row = await request<RunRow | undefined>(tx.objectStore(RUNS).get(runId));
    if (!row) throw new AgentboxError('WORKFLOW_RUN_NOT_FOUND', `no workflow run with id ${runId}`);
    return row;
  }

  /** One read-write transaction: all of `body`'s writes commit, or (it threw) none. */
  async #write(stores: string[], body: (tx: IDBTransaction) => Promise<void>): Promise<void> {
    const tx = this.#transaction(stores, 'readwrite');
    const done = completion(tx);
    try {
      await body(tx);
    } catch (error) {
      try {
        tx.abort();
      } catch {
        // already finished: nothing to undo
      }
      await done.catch(() => undefined);
      throw error;
    }
    await done;
  }

  #transaction(stores: string[], mode: IDBTransactionMode): IDBTransaction {
    return startTransaction(this.#db, `the IndexedDB workflow journal ${this.name}`, stores, mode);
  }
}
