import type Database from 'better-sqlite3';

/**
 * Schema migrations for the SQLite session store. `PRAGMA user_version` records how many
 * have run; each runs in the same transaction as its version bump, so a crash mid-migration
 * leaves the old schema. Append only: never edit a shipped migration.
 */
export const sqliteMigrations: readonly string[] = [
  `
  CREATE TABLE sessions (
    id TEXT PRIMARY KEY NOT NULL,
    owner TEXT NOT NULL,
    state TEXT NOT NULL,
    -- NULL until the first user message: the title is taken from it, even if empty.
    title TEXT,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL,
    last_seq INTEGER NOT NULL,
    -- The row in snapshots folds events 1..snapshot_seq; its JSON has snapshot_size characters.
    snapshot_seq INTEGER NOT NULL,
    snapshot_size INTEGER NOT NULL,
    -- Characters of event data after snapshot_seq.
    tail_size INTEGER NOT NULL
  );
  CREATE INDEX sessions_by_update ON sessions (updated_at DESC, id);
  CREATE INDEX sessions_by_owner_update ON sessions (owner, updated_at DESC, id);
  -- The folded session. Its own table because SQLite rewrites a whole row on any
  -- update: with the snapshot inside sessions, every append would rewrite it. It is
  -- refreshed when the tail after it grows (see shouldRefreshSnapshot) and load folds that
  -- short tail on top. Always written in the same transaction as the events.
  CREATE TABLE snapshots (
    session_id TEXT PRIMARY KEY NOT NULL,
    data TEXT NOT NULL CHECK (json_valid(data))
  );
  -- A rowid table on purpose: WITHOUT ROWID keeps rows inside the key b-tree and handles
  -- large rows (tool outputs) badly; measured 2x slower appends here.
  CREATE TABLE events (
    session_id TEXT NOT NULL,
    seq INTEGER NOT NULL,
    type TEXT NOT NULL,
    time INTEGER NOT NULL,
    -- The payload without the envelope (session_id, seq, time, type are columns).
    data TEXT NOT NULL CHECK (json_valid(data)),
    PRIMARY KEY (session_id, seq)
  );
  `,
  // 2: workflow runs (agentbox/workflow), in the same file as the sessions they call.
  `
  CREATE TABLE workflow_runs (
    id TEXT PRIMARY KEY NOT NULL,
    workflow TEXT NOT NULL,
    status TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL,
    last_seq INTEGER NOT NULL,
    -- The one process allowed to write the run, until lease_expires_at (ms since the epoch).
    lease_holder TEXT,
    lease_expires_at INTEGER NOT NULL DEFAULT 0
  );
  CREATE INDEX workflow_runs_by_update ON workflow_runs (updated_at DESC, id);
  CREATE TABLE workflow_events (
    run_id TEXT NOT NULL,
    seq INTEGER NOT NULL,
    type TEXT NOT NULL,
    time INTEGER NOT NULL,
    -- The event without run_id, seq, time and type (they are columns).
    data TEXT NOT NULL CHECK (json_valid(data)),
    PRIMARY KEY (run_id, seq)
  );
  `,
  // 3: what other processes send a run they do not hold: a cancel request, and events a
  // `listen` waits for (agentbox workflow post); the holder polls both.
  `
  ALTER TABLE workflow_runs ADD COLUMN cancel_requested TEXT;
  CREATE TABLE workflow_inbox (
    run_id TEXT NOT NULL,
    seq INTEGER NOT NULL,
    time INTEGER NOT NULL,
    event TEXT NOT NULL CHECK (json_valid(event)),
    PRIMARY KEY (run_id, seq)
  );
  `,
  // 4: which process is running a session's turn, so a second process refuses
  // (SESSION_BUSY) instead of closing a live turn as interrupted. Renewed while held.
  `
  CREATE TABLE session_turn_leases (
    session_id TEXT PRIMARY KEY NOT NULL,
    holder TEXT NOT NULL,
    expires_at INTEGER NOT NULL
  );
  `,
];

export const sqliteSchemaVersion = sqliteMigrations.length;

/**
 * Brings the schema up to date. Throws on a database written by a newer agentbox rather
 * than guessing at a schema it does not know.
 */
export function migrate(db: Database.Database): void {
  // IMMEDIATE: two processes opening a fresh file at once must not both run migration 1.
  db.transaction(() => {
    const version = db.pragma('user_version', { simple: true }) as number;
    if (version > sqliteSchemaVersion) {
      throw new Error(`schema version ${version} was written by a newer agentbox (this one knows up to ${sqliteSchemaVersion})`);
    }
    for (let next = version; next < sqliteSchemaVersion; next += 1) {
      db.exec(sqliteMigrations[next] ?? '');
      db.pragma(`user_version = ${next + 1}`);
    }
  }).immediate();
}
