/**
 * The browser's session store, on raw IndexedDB (no dependency). Three object stores:
 *
 * - `events`, keyed `[sessionId, seq]`: the append-only log, so a range read pages it;
 * - `snapshots`, keyed by session id: the session folded up to its last event, so `load`
 *   never refolds the log;
 * - `summaries`, keyed by session id: what `list` shows, small, so a listing does not read
 *   every message of every session.
 *
 * Each append is one read-write transaction over all three: it reads the snapshot, checks
 * the batch (`prepareAppend`: seq continuity, ownership, legal transitions), and writes the
 * events, the new snapshot and the summary — or aborts and writes nothing. IndexedDB runs
 * read-write transactions with overlapping scopes one after the other, so of two racing
 * appends at the same seq the second sees the first's snapshot and gets STORE_CONFLICT.
 */
import type { AgentEvent } from '../../engine/events.js';
import { applyEvent, emptySession, summarize, type Session, type SessionSummary } from '../../engine/session.js';
import { normalizeEventsOptions, normalizeListOptions } from '../../store/list-options.js';
import { byRecency } from '../../store/memory-session-store.js';
import { prepareAppend } from '../../store/prepare-append.js';
import type { ListSessionsOptions, SessionStore } from '../../store/session-store.js';
import { completion, deleteDatabase, openDatabase, request, startTransaction } from './idb-request.js';

const EVENTS = 'events';
const SNAPSHOTS = 'snapshots';
const SUMMARIES = 'summaries';
const SCHEMA_VERSION = 1;

export interface IndexedDbSessionStoreOptions {
  /** Database name; default `agentbox`. One database per name and origin. */
  name?: string;
}

/**
 * @example
 * const store = await IndexedDbSessionStore.open({ name: 'my-app' });
 * const runtime = new BaseRuntime({ store, model });
 */
export class IndexedDbSessionStore implements SessionStore {
  #db: IDBDatabase | undefined;
  readonly name: string;

  private constructor(db: IDBDatabase, name: string) {
    this.#db = db;
    this.name = name;
    // Another tab deleting or upgrading the database: let it, and fail our calls clearly.
    db.onversionchange = () => {
      db.close();
      this.#db = undefined;
    };
  }

  static async open(options: IndexedDbSessionStoreOptions = {}): Promise<IndexedDbSessionStore> {
    const name = options.name ?? 'agentbox';
    const db = await openDatabase({
      name,
      version: SCHEMA_VERSION,
      upgrade: (database) => {
        if (!database.objectStoreNames.contains(EVENTS)) database.createObjectStore(EVENTS, { keyPath: ['sessionId', 'seq'] });
        if (!database.objectStoreNames.contains(SNAPSHOTS)) database.createObjectStore(SNAPSHOTS, { keyPath: 'id' });
        if (!database.objectStoreNames.contains(SUMMARIES)) database.createObjectStore(SUMMARIES, { keyPath: 'id' });
      },
    });
    return new IndexedDbSessionStore(db, name);
  }

  /** Deletes a whole database (tests, "forget everything" buttons). Close stores on it first. */
  static destroy(name = 'agentbox'): Promise<void> {
    return deleteDatabase(name);
  }

  async append(sessionId: string, events: readonly AgentEvent[]): Promise<void> {
    const tx = this.#transaction([EVENTS, SNAPSHOTS, SUMMARIES], 'readwrite');
    const done = completion(tx);
    try {
      const stored = await request<Session | undefined>(tx.objectStore(SNAPSHOTS).get(sessionId));
      const accepted = prepareAppend(sessionId, stored ?? { lastSeq: 0, state: 'idle' }, events);
      if (accepted.length === 0) {
        tx.abort();
        await done.catch(() => undefined);
        return;
      }
      const snapshot = stored ?? emptySession(sessionId);
      // prepareAppend proved the transitions legal, so this fold cannot stop halfway.
      for (const event of accepted) applyEvent(snapshot, event);
      const eventStore = tx.objectStore(EVENTS);
      // `add`, not `put`: an existing key is a conflict the snapshot check should have caught.
      for (const event of accepted) eventStore.add(event);
      tx.objectStore(SNAPSHOTS).put(snapshot);
      tx.objectStore(SUMMARIES).put(summarize(snapshot));
    } catch (error) {
      abortQuietly(tx);
      await done.catch(() => undefined);
      throw error;
    }
    await done;
  }

  async load(sessionId: string): Promise<Session | undefined> {
    const tx = this.#transaction([SNAPSHOTS], 'readonly');
    return (await request<Session | undefined>(tx.objectStore(SNAPSHOTS).get(sessionId))) ?? undefined;
  }

  async events(sessionId: string, options?: { afterSeq?: number; limit?: number }): Promise<AgentEvent[]> {
    const { afterSeq, limit } = normalizeEventsOptions(options);
    const tx = this.#transaction([EVENTS], 'readonly');
    // getAll treats a count of 0 as "no limit".
    if (limit === 0) return [];
    const range = IDBKeyRange.bound([sessionId, afterSeq + 1], [sessionId, Number.MAX_SAFE_INTEGER]);
    return request<AgentEvent[]>(tx.objectStore(EVENTS).getAll(range, limit));
  }

  async list(options?: ListSessionsOptions): Promise<SessionSummary[]> {
    const { owner, limit, offset } = normalizeListOptions(options);
    const tx = this.#transaction([SUMMARIES], 'readonly');
    const all = await request<SessionSummary[]>(tx.objectStore(SUMMARIES).getAll());
    const matching = owner === undefined ? all : all.filter((s) => s.owner === owner);
    matching.sort(byRecency);
    return matching.slice(offset, limit === undefined ? undefined : offset + limit);
  }

  async delete(sessionId: string): Promise<boolean> {
    const tx = this.#transaction([EVENTS, SNAPSHOTS, SUMMARIES], 'readwrite');
    const done = completion(tx);
    const existing = await request(tx.objectStore(SNAPSHOTS).getKey(sessionId));
    if (existing === undefined) {
      await done;
      return false;
    }
    tx.objectStore(EVENTS).delete(IDBKeyRange.bound([sessionId, 0], [sessionId, Number.MAX_SAFE_INTEGER]));
    tx.objectStore(SNAPSHOTS).delete(sessionId);
    tx.objectStore(SUMMARIES).delete(sessionId);
    await done;
    return true;
  }

  async close(): Promise<void> {
    this.#db?.close();
    this.#db = undefined;
  }

  #transaction(stores: string[], mode: IDBTransactionMode): IDBTransaction {
    return startTransaction(this.#db, `the IndexedDB session store ${this.name}`, stores, mode);
  }
}

function abortQuietly(tx: IDBTransaction): void {
  try {
    tx.abort();
  } catch {
    // Already committed or aborted: nothing was left to undo.
  }
}
