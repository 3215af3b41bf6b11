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
    title TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL,
    last_seq INTEGER NOT NULL,
    -- The session folded from its events, rewritten in the transaction of every append,
    -- so load and list never read the log.
    snapshot TEXT NOT NULL CHECK (json_valid(snapshot))
  );
  CREATE INDEX sessions_by_update ON sessions (updated_at DESC, id);
  CREATE INDEX sessions_by_owner_update ON sessions (owner, updated_at DESC, id);
  CREATE TABLE events (
    session_id TEXT NOT NULL,
    seq INTEGER NOT NULL,
    type TEXT NOT NULL,
    time INTEGER NOT NULL,
    -- The payload without the envelope (session_id, seq, time, type are columns).
    data TEXT NOT NULL CHECK (json_valid(data)),
    PRIMARY KEY (session_id, seq)
  ) WITHOUT ROWID;
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
      throw new Error(
        `schema version ${version} was written by a newer agentbox (this one knows up to ${sqliteSchemaVersion})`,
      );
    }
    for (let next = version; next < sqliteSchemaVersion; next += 1) {
      db.exec(sqliteMigrations[next] ?? '');
      db.pragma(`user_version = ${next + 1}`);
    }
  }).immediate();
}
