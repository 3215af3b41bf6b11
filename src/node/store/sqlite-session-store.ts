import { mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import type Database from 'better-sqlite3';
import { createRequire } from 'node:module';
import { AgentboxError } from '../../errors/agentbox-error.js';
import type { AgentEvent } from '../../engine/events.js';
import type { SessionState } from '../../engine/session-state.js';
import type { Session, SessionSummary } from '../../engine/session.js';
import { normalizeEventsOptions, normalizeListOptions } from '../../store/list-options.js';
import type { ListSessionsOptions, SessionStore } from '../../store/session-store.js';
import { migrate } from './sqlite-schema.js';
import { appendEvents, eventFromRow, loadSession } from './sqlite-session-log.js';
import { prepareStatements, type Statements } from './sqlite-statements.js';
import { SessionCache } from '../../store/session-cache.js';
import { isLocalHolderGone, nodeLeaseHolder } from './lease-holder.js';
import { SqliteTurnLeases } from './sqlite-turn-leases.js';

export interface SqliteSessionStoreOptions {
  /** How long a write waits for another process's write lock; default 5000 ms. */
  busyTimeoutMs?: number;
  /** How long a turn's claim lasts without renewal (renewed while held); default 30 s. */
  turnLeaseTtlMs?: number;
  /** Whether a claim's holder process is gone (default: a process of this host that no longer exists). */
  isHolderGone?: (holder: string) => boolean;
}

/**
 * The default session store on Node: one SQLite file (WAL) holding every session's event
 * log, a `sessions` row per session with its summary, and a folded snapshot per session,
 * all written in the same transaction as each append (see `sqlite-session-log.ts` for
 * when the snapshot is refreshed). Every write is one transaction, so a crash at any instant
 * leaves a consistent file; several processes may share one file.
 *
 * Transient events are dropped on append; a seq gap/duplicate is STORE_CONFLICT; any
 * SQLite failure is STORE_FAILED naming the file.
 *
 * @example
 * const store = SqliteSessionStore.open(defaultStorePath());
 * await store.append(sessionId, events);
 */
export class SqliteSessionStore implements SessionStore {
  readonly path: string;
  readonly #db: Database.Database;
  readonly #sql: Statements;
  readonly #appendTx: (sessionId: string, events: readonly AgentEvent[]) => void;
  readonly #deleteTx: (sessionId: string) => boolean;
  readonly #loadTx: (sessionId: string) => Session | undefined;
  readonly #cache = new SessionCache();
  readonly #leases: SqliteTurnLeases;

  private constructor(db: Database.Database, path: string, options: SqliteSessionStoreOptions) {
    this.#db = db;
    this.path = path;
    this.#leases = new SqliteTurnLeases(db, {
      holder: nodeLeaseHolder(),
      isHolderGone: options.isHolderGone ?? isLocalHolderGone,
      ...(options.turnLeaseTtlMs !== undefined ? { ttlMs: options.turnLeaseTtlMs } : {}),
    });
    this.#sql = prepareStatements(db);
    const append = db.transaction((sessionId: string, events: readonly AgentEvent[]) => appendEvents(this.#sql, sessionId, events));
    // IMMEDIATE takes the write lock before reading last_seq, so two processes appending to
    // one session serialize on the lock instead of both passing the seq check.
    this.#appendTx = (sessionId, events) => append.immediate(sessionId, events);
    const remove = db.transaction((sessionId: string) => {
      this.#sql.deleteEvents.run(sessionId);
      this.#sql.deleteSnapshot.run(sessionId);
      return this.#sql.deleteSession.run(sessionId).changes > 0;
    });
    this.#deleteTx = (sessionId) => remove.immediate(sessionId);
    // A read transaction, so the snapshot and the tail folded on top of it agree.
    const load = db.transaction((sessionId: string) => loadSession(this.#sql, sessionId));
    this.#loadTx = (sessionId) => load.deferred(sessionId);
  }

  /** Opens (creating if needed) the store at `path`; `:memory:` gives a private in-memory DB. */
  static open(path: string, options: SqliteSessionStoreOptions = {}): SqliteSessionStore {
    let db: Database.Database | undefined;
    try {
      if (path !== ':memory:') mkdirSync(dirname(resolve(path)), { recursive: true });
      db = new (loadDriver())(path, { timeout: options.busyTimeoutMs ?? 5_000 });
      // WAL: readers never block the writer; NORMAL: a process crash loses nothing
      // committed (only an OS crash may lose the last transactions, never consistency).
      db.pragma('journal_mode = WAL');
      db.pragma('synchronous = NORMAL');
      migrate(db);
      return new SqliteSessionStore(db, path, options);
    } catch (error) {
      db?.close();
      throw new AgentboxError('STORE_FAILED', `cannot open session store ${path}: ${messageOf(error)}`, {
        cause: error,
        details: { path },
      });
    }
  }

  async append(sessionId: string, events: readonly AgentEvent[]): Promise<void> {
    this.#run('append', () => this.#appendTx(sessionId, events));
    this.#cache.appended(sessionId, events);
  }

  async load(sessionId: string): Promise<Session | undefined> {
    return this.#run('load', () => {
      // One indexed lookup says whether the cached fold is current (another process may write).
      const head = this.#sql.selectLastSeq.get(sessionId);
      if (!head) {
        this.#cache.forget(sessionId);
        return undefined;
      }
      const cached = this.#cache.get(sessionId, head.last_seq);
      if (cached) return cached;
      const session = this.#loadTx(sessionId);
      if (session) this.#cache.remember(session);
      return session;
    });
  }

  async events(sessionId: string, options?: { afterSeq?: number; limit?: number }): Promise<AgentEvent[]> {
    const { afterSeq, limit } = normalizeEventsOptions(options);
    return this.#run('events', () => this.#sql.selectEvents.all(sessionId, afterSeq, limit ?? -1).map((row) => eventFromRow(sessionId, row)));
  }

  async list(options?: ListSessionsOptions): Promise<SessionSummary[]> {
    const { owner, limit, offset } = normalizeListOptions(options);
    return this.#run('list', () => {
      // LIMIT -1 is SQLite for "no limit".
      const rows = owner === undefined ? this.#sql.listAll.all(limit ?? -1, offset) : this.#sql.listByOwner.all(owner, limit ?? -1, offset);
      return rows.map((row) => ({ ...row, state: row.state as SessionState, title: row.title ?? '' }));
    });
  }

  async delete(sessionId: string): Promise<boolean> {
    this.#cache.forget(sessionId);
    return this.#run('delete', () => this.#deleteTx(sessionId));
  }

  async claimTurn(sessionId: string): Promise<boolean> {
    return this.#run('claimTurn', () => this.#leases.claim(sessionId));
  }

  async releaseTurn(sessionId: string): Promise<void> {
    this.#run('releaseTurn', () => this.#leases.release(sessionId));
  }

  async close(): Promise<void> {
    this.#leases.stop();
    if (this.#db.open) this.#db.close();
  }

  #run<T>(operation: string, body: () => T): T {
    if (!this.#db.open) {
      throw new AgentboxError('STORE_FAILED', `session store ${this.path} is closed`, { details: { path: this.path } });
    }
    try {
      return body();
    } catch (error) {
      if (AgentboxError.isInstance(error)) throw error;
      // Backstop for the primary key: prepareAppend normally reports the conflict first.
      if (sqliteCode(error) === 'SQLITE_CONSTRAINT_PRIMARYKEY') {
        throw new AgentboxError('STORE_CONFLICT', `seq conflict in session store ${this.path}: ${messageOf(error)}`, {
          cause: error,
        });
      }
      throw new AgentboxError('STORE_FAILED', `session store ${this.path}: ${operation} failed: ${messageOf(error)}`, {
        cause: error,
        details: { path: this.path, operation, sqliteCode: sqliteCode(error) },
      });
    }
  }
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

function sqliteCode(error: unknown): string | undefined {
  return driver && error instanceof driver.SqliteError ? error.code : undefined;
}

/** The native driver, loaded on first open: importing this module (or `agentbox/node`) costs nothing. */
let driver: typeof Database | undefined;
function loadDriver(): typeof Database {
  // `require` where it exists (a CommonJS bundle of this file), else one made for this module.
  const load = typeof require === 'function' ? require : createRequire(import.meta.url);
  driver ??= load('better-sqlite3') as typeof Database;
  return driver;
}
