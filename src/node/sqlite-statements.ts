import type Database from 'better-sqlite3';

export interface SessionHeadRow {
  last_seq: number;
  state: string;
  snapshot: string;
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
  title: string;
  createdAt: number;
  updatedAt: number;
  lastSeq: number;
}

export interface SessionRow {
  id: string;
  owner: string;
  state: string;
  title: string;
  createdAt: number;
  updatedAt: number;
  lastSeq: number;
  snapshot: string;
}

const summaryColumns =
  'id, owner, state, title, created_at AS createdAt, updated_at AS updatedAt, last_seq AS lastSeq';

type Statement<Params extends unknown[], Row = unknown> = Database.Statement<Params, Row>;

export interface Statements {
  selectHead: Statement<[string], SessionHeadRow>;
  selectSnapshot: Statement<[string], string>;
  selectEvents: Statement<[string, number, number], EventRow>;
  insertEvent: Statement<[string, number, string, number, string]>;
  upsertSession: Statement<[SessionRow]>;
  listAll: Statement<[number, number], SummaryRow>;
  listByOwner: Statement<[string, number, number], SummaryRow>;
  deleteEvents: Statement<[string]>;
  deleteSession: Statement<[string]>;
}

/** Every statement the store runs, prepared once per connection (preparing is the slow part). */
export function prepareStatements(db: Database.Database): Statements {
  return {
    selectHead: db.prepare<[string], SessionHeadRow>('SELECT last_seq, state, snapshot FROM sessions WHERE id = ?'),
    selectSnapshot: db.prepare<[string], string>('SELECT snapshot FROM sessions WHERE id = ?').pluck(),
    selectEvents: db.prepare<[string, number, number], EventRow>(
      'SELECT seq, type, time, data FROM events WHERE session_id = ? AND seq > ? ORDER BY seq LIMIT ?',
    ),
    insertEvent: db.prepare<[string, number, string, number, string]>(
      'INSERT INTO events (session_id, seq, type, time, data) VALUES (?, ?, ?, ?, ?)',
    ),
    upsertSession: db.prepare<[SessionRow]>(
      `INSERT INTO sessions (id, owner, state, title, created_at, updated_at, last_seq, snapshot)
       VALUES (@id, @owner, @state, @title, @createdAt, @updatedAt, @lastSeq, @snapshot)
       ON CONFLICT (id) DO UPDATE SET owner = excluded.owner, state = excluded.state, title = excluded.title,
         created_at = excluded.created_at, updated_at = excluded.updated_at, last_seq = excluded.last_seq,
         snapshot = excluded.snapshot`,
    ),
    listAll: db.prepare<[number, number], SummaryRow>(
      `SELECT ${summaryColumns} FROM sessions ORDER BY updated_at DESC, id LIMIT ? OFFSET ?`,
    ),
    listByOwner: db.prepare<[string, number, number], SummaryRow>(
      `SELECT ${summaryColumns} FROM sessions WHERE owner = ? ORDER BY updated_at DESC, id LIMIT ? OFFSET ?`,
    ),
    deleteEvents: db.prepare<[string]>('DELETE FROM events WHERE session_id = ?'),
    deleteSession: db.prepare<[string]>('DELETE FROM sessions WHERE id = ?'),
  };
}
