import type Database from 'better-sqlite3';

/** What an append needs to know about a session without reading its snapshot. */
export interface SessionHeadRow {
  owner: string;
  state: string;
  title: string | null;
  created_at: number;
  updated_at: number;
  last_seq: number;
  snapshot_seq: number;
  snapshot_size: number;
  tail_size: number;
}

export interface SnapshotRow {
  data: string;
  snapshot_seq: number;
  last_seq: number;
}

export interface EventRow {
  seq: number;
  type: string;
  time: number;
  data: string;
}

export interface SummaryRow {
  id: string;
  owner: string;
  state: string;
  title: string | null;
  createdAt: number;
  updatedAt: number;
  lastSeq: number;
}

export interface SummaryUpdate extends SummaryRow {
  tailSize: number;
}

export interface SessionRowWrite extends SummaryRow {
  snapshotSeq: number;
  snapshotSize: number;
}

type Statement<Params extends unknown[], Row = unknown> = Database.Statement<Params, Row>;

export interface Statements {
  selectHead: Statement<[string], SessionHeadRow>;
  selectLastSeq: Statement<[string], { last_seq: number }>;
  selectSnapshot: Statement<[string], SnapshotRow>;
  selectEvents: Statement<[string, number, number], EventRow>;
  insertEvent: Statement<[string, number, string, number, string]>;
  writeSession: Statement<[SessionRowWrite]>;
  writeSnapshot: Statement<[string, string]>;
  updateSummary: Statement<[SummaryUpdate]>;
  listAll: Statement<[number, number], SummaryRow>;
  listByOwner: Statement<[string, number, number], SummaryRow>;
  deleteEvents: Statement<[string]>;
  deleteSession: Statement<[string]>;
  deleteSnapshot: Statement<[string]>;
}

const summaryColumns = 'id, owner, state, title, created_at AS createdAt, updated_at AS updatedAt, last_seq AS lastSeq';

/** Every statement the store runs, prepared once per connection (preparing is the slow part). */
export function prepareStatements(db: Database.Database): Statements {
  return {
    selectHead: db.prepare(
      `SELECT owner, state, title, created_at, updated_at, last_seq, snapshot_seq, snapshot_size, tail_size
       FROM sessions WHERE id = ?`,
    ),
    selectLastSeq: db.prepare('SELECT last_seq FROM sessions WHERE id = ?'),
    selectSnapshot: db.prepare(
      `SELECT p.data, s.snapshot_seq, s.last_seq FROM sessions s JOIN snapshots p ON p.session_id = s.id
       WHERE s.id = ?`,
    ),
    selectEvents: db.prepare('SELECT seq, type, time, data FROM events WHERE session_id = ? AND seq > ? ORDER BY seq LIMIT ?'),
    insertEvent: db.prepare('INSERT INTO events (session_id, seq, type, time, data) VALUES (?, ?, ?, ?, ?)'),
    writeSession: db.prepare(
      `INSERT INTO sessions (id, owner, state, title, created_at, updated_at, last_seq, snapshot_seq, snapshot_size,
         tail_size)
       VALUES (@id, @owner, @state, @title, @createdAt, @updatedAt, @lastSeq, @snapshotSeq, @snapshotSize, 0)
       ON CONFLICT (id) DO UPDATE SET owner = excluded.owner, state = excluded.state, title = excluded.title,
         created_at = excluded.created_at, updated_at = excluded.updated_at, last_seq = excluded.last_seq,
         snapshot_seq = excluded.snapshot_seq, snapshot_size = excluded.snapshot_size, tail_size = 0`,
    ),
    writeSnapshot: db.prepare('INSERT INTO snapshots (session_id, data) VALUES (?, ?) ON CONFLICT (session_id) DO UPDATE SET data = excluded.data'),
    updateSummary: db.prepare(
      `UPDATE sessions SET owner = @owner, state = @state, title = @title, created_at = @createdAt,
         updated_at = @updatedAt, last_seq = @lastSeq, tail_size = @tailSize
       WHERE id = @id`,
    ),
    listAll: db.prepare(`SELECT ${summaryColumns} FROM sessions ORDER BY updated_at DESC, id LIMIT ? OFFSET ?`),
    listByOwner: db.prepare(`SELECT ${summaryColumns} FROM sessions WHERE owner = ? ORDER BY updated_at DESC, id LIMIT ? OFFSET ?`),
    deleteEvents: db.prepare('DELETE FROM events WHERE session_id = ?'),
    deleteSession: db.prepare('DELETE FROM sessions WHERE id = ?'),
    deleteSnapshot: db.prepare('DELETE FROM snapshots WHERE session_id = ?'),
  };
}
