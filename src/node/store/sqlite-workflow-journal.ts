import { mkdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, resolve } from 'node:path';
import type Database from 'better-sqlite3';
import { AgentboxError } from '../../errors/agentbox-error.js';
import { isTerminal, type RunEvent } from '../../workflow/run-events.js';
import type { InboxEvent, LeaseRequest, RunSummary, WorkflowJournal } from '../../workflow/workflow-journal.js';
import { isLocalHolderGone } from './lease-holder.js';
import { migrate } from './sqlite-schema.js';

interface RunRow {
  id: string;
  workflow: string;
  status: string;
  created_at: number;
  updated_at: number;
  last_seq: number;
  lease_holder: string | null;
  lease_expires_at: number;
  cancel_requested: string | null;
}

/**
 * Workflow runs in the SQLite file of the sessions (tables `workflow_runs` and
 * `workflow_events`, migration 2). Every call is one IMMEDIATE transaction: an append checks
 * the lease and the seq and writes the events and the run's row together, so a crash leaves
 * either all of a batch or none; a claim is atomic across processes sharing the file.
 *
 * @example
 * const journal = SqliteWorkflowJournal.open(defaultStorePath());
 */
export class SqliteWorkflowJournal implements WorkflowJournal {
  readonly #db: Database.Database;
  readonly #isHolderGone: (holder: string) => boolean;

  private constructor(
    db: Database.Database,
    readonly path: string,
    isHolderGone: (holder: string) => boolean,
  ) {
    this.#db = db;
    this.#isHolderGone = isHolderGone;
  }

  static open(path: string, options: { busyTimeoutMs?: number; isHolderGone?: (holder: string) => boolean } = {}): SqliteWorkflowJournal {
    let db: Database.Database | undefined;
    try {
      if (path !== ':memory:') mkdirSync(dirname(resolve(path)), { recursive: true });
      const Driver = createRequire(import.meta.url)('better-sqlite3') as typeof Database;
      db = new Driver(path, { timeout: options.busyTimeoutMs ?? 5_000 });
      db.pragma('journal_mode = WAL');
      db.pragma('synchronous = NORMAL');
      migrate(db);
      return new SqliteWorkflowJournal(db, path, options.isHolderGone ?? isLocalHolderGone);
    } catch (error) {
      db?.close();
      throw new AgentboxError('STORE_FAILED', `cannot open workflow journal ${path}: ${messageOf(error)}`, { cause: error, details: { path } });
    }
  }

  async create(runId: string, summary: { workflow: string }, events: readonly RunEvent[], lease: LeaseRequest): Promise<void> {
    this.#tx('create', () => {
      if (this.#row(runId)) throw new AgentboxError('STORE_CONFLICT', `workflow run ${runId} already exists`);
      this.#db
        .prepare(
          'INSERT INTO workflow_runs (id, workflow, status, created_at, updated_at, last_seq, lease_holder, lease_expires_at) VALUES (?, ?, ?, ?, ?, 0, ?, ?)',
        )
        .run(runId, summary.workflow, 'running', lease.now, lease.now, lease.holder, lease.now + lease.ttlMs);
      this.#insert(runId, 0, events, lease);
    });
  }

  async append(runId: string, events: readonly RunEvent[], lease: LeaseRequest): Promise<void> {
    this.#tx('append', () => {
      const row = this.#must(runId);
      if (row.lease_holder !== lease.holder) throw new AgentboxError('WORKFLOW_RUN_BUSY', `run ${runId}: the lease is held by another writer`);
      this.#insert(runId, row.last_seq, events, lease);
    });
  }

  async claim(runId: string, lease: LeaseRequest): Promise<boolean> {
    return this.#tx('claim', () => {
      const row = this.#must(runId);
      const held = row.lease_holder !== null && row.lease_holder !== lease.holder && row.lease_expires_at > lease.now;
      if (held && !this.#isHolderGone(row.lease_holder as string)) return false;
      this.#db.prepare('UPDATE workflow_runs SET lease_holder = ?, lease_expires_at = ? WHERE id = ?').run(lease.holder, lease.now + lease.ttlMs, runId);
      return true;
    });
  }

  async requestCancel(runId: string, reason: string): Promise<void> {
    this.#tx('requestCancel', () => {
      this.#must(runId);
      this.#db.prepare('UPDATE workflow_runs SET cancel_requested = COALESCE(cancel_requested, ?) WHERE id = ?').run(reason, runId);
    });
  }

  async postEvent(runId: string, event: Record<string, unknown>, time: number): Promise<number> {
    return this.#tx('postEvent', () => {
      this.#must(runId);
      const { seq } = this.#db.prepare('SELECT COALESCE(MAX(seq), 0) + 1 AS seq FROM workflow_inbox WHERE run_id = ?').get(runId) as { seq: number };
      this.#db.prepare('INSERT INTO workflow_inbox (run_id, seq, time, event) VALUES (?, ?, ?, ?)').run(runId, seq, time, JSON.stringify(event));
      return seq;
    });
  }

  async inbox(runId: string, afterSeq = 0): Promise<InboxEvent[]> {
    return this.#run('inbox', () => {
      this.#must(runId);
      const rows = this.#db.prepare('SELECT seq, time, event FROM workflow_inbox WHERE run_id = ? AND seq > ? ORDER BY seq').all(runId, afterSeq) as Array<{
        seq: number;
        time: number;
        event: string;
      }>;
      return rows.map((r) => ({ seq: r.seq, time: r.time, event: JSON.parse(r.event) as Record<string, unknown> }));
    });
  }

  async release(runId: string, holder: string): Promise<void> {
    this.#tx('release', () => {
      this.#db.prepare('UPDATE workflow_runs SET lease_holder = NULL, lease_expires_at = 0 WHERE id = ? AND lease_holder = ?').run(runId, holder);
    });
  }

  async events(runId: string, options: { afterSeq?: number; limit?: number } = {}): Promise<RunEvent[]> {
    return this.#run('events', () => {
      const rows = this.#db
        .prepare('SELECT seq, type, time, data FROM workflow_events WHERE run_id = ? AND seq > ? ORDER BY seq LIMIT ?')
        .all(runId, options.afterSeq ?? 0, options.limit ?? -1) as Array<{
        seq: number;
        type: string;
        time: number;
        data: string;
      }>;
      return rows.map((r) => ({ ...(JSON.parse(r.data) as object), type: r.type, runId, seq: r.seq, time: r.time }) as RunEvent);
    });
  }

  async get(runId: string): Promise<RunSummary | undefined> {
    return this.#run('get', () => {
      const row = this.#row(runId);
      return row ? summaryOf(row) : undefined;
    });
  }

  async list(options: { limit?: number } = {}): Promise<RunSummary[]> {
    return this.#run('list', () =>
      (this.#db.prepare('SELECT * FROM workflow_runs ORDER BY updated_at DESC, id LIMIT ?').all(options.limit ?? -1) as RunRow[]).map(summaryOf),
    );
  }

  async close(): Promise<void> {
    if (this.#db.open) this.#db.close();
  }

  #insert(runId: string, lastSeq: number, events: readonly RunEvent[], lease: LeaseRequest): void {
    const insert = this.#db.prepare('INSERT INTO workflow_events (run_id, seq, type, time, data) VALUES (?, ?, ?, ?, ?)');
    let seq = lastSeq;
    let status: string | undefined;
    for (const event of events) {
      if (event.seq !== seq + 1) throw new AgentboxError('STORE_CONFLICT', `run ${runId}: seq ${event.seq}, expected ${seq + 1}`);
      const { runId: _r, seq: _s, time, type, ...data } = event;
      // A value JSON cannot hold (a BigInt, a cycle) throws here and fails the run loudly.
      insert.run(runId, event.seq, type, time, JSON.stringify(data));
      seq = event.seq;
      if (isTerminal(type)) status = type.slice(4);
    }
    this.#db
      .prepare('UPDATE workflow_runs SET last_seq = ?, updated_at = ?, lease_expires_at = ?, status = COALESCE(?, status) WHERE id = ?')
      .run(seq, lease.now, lease.now + lease.ttlMs, status ?? null, runId);
  }

  #row(runId: string): RunRow | undefined {
    return this.#db.prepare('SELECT * FROM workflow_runs WHERE id = ?').get(runId) as RunRow | undefined;
  }

  #must(runId: string): RunRow {
    const row = this.#row(runId);
    if (!row) throw new AgentboxError('WORKFLOW_RUN_NOT_FOUND', `no workflow run with id ${runId}`);
    return row;
  }

  #tx<T>(operation: string, body: () => T): T {
    return this.#run(operation, () => this.#db.transaction(body).immediate());
  }

  #run<T>(operation: string, body: () => T): T {
    if (!this.#db.open) throw new AgentboxError('STORE_FAILED', `workflow journal ${this.path} is closed`);
    try {
      return body();
    } catch (error) {
      if (AgentboxError.isInstance(error)) throw error;
      throw new AgentboxError('STORE_FAILED', `workflow journal ${this.path}: ${operation} failed: ${messageOf(error)}`, {
        cause: error,
        details: { path: this.path, operation },
      });
    }
  }
}

function summaryOf(row: RunRow): RunSummary {
  return {
    runId: row.id,
    workflow: row.workflow,
    status: row.status as RunSummary['status'],
    createdAt: row.created_at,
    updatedAt: row.updated_at,
    ...(row.cancel_requested !== null ? { cancelRequested: row.cancel_requested } : {}),
  };
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
