import type Database from 'better-sqlite3';

export interface TurnLeaseOptions {
  /** This store's holder id (`host:pid:random`). */
  holder: string;
  /** True when a holder names a process that is gone (its claim lapses at once). */
  isHolderGone: (holder: string) => boolean;
  /** How long a claim lasts without renewal; renewed every third of it while held. */
  ttlMs?: number;
  now?: () => number;
}

/**
 * Per-session turn claims in the `session_turn_leases` table (migration 4). A claim is one
 * IMMEDIATE transaction, so two processes racing for a session cannot both win. Held claims
 * are renewed by an unref'd timer, so a turn waiting minutes for an approval keeps its
 * session while its process lives.
 */
export class SqliteTurnLeases {
  readonly #db: Database.Database;
  readonly #o: Required<TurnLeaseOptions>;
  readonly #held = new Set<string>();
  #timer: ReturnType<typeof setInterval> | undefined;

  constructor(db: Database.Database, options: TurnLeaseOptions) {
    this.#db = db;
    this.#o = { ttlMs: 30_000, now: Date.now, ...options };
  }

  claim(sessionId: string): boolean {
    const won = this.#db
      .transaction(() => {
        const row = this.#db.prepare('SELECT holder, expires_at FROM session_turn_leases WHERE session_id = ?').get(sessionId) as
          | { holder: string; expires_at: number }
          | undefined;
        const now = this.#o.now();
        if (row && row.holder !== this.#o.holder && row.expires_at > now && !this.#o.isHolderGone(row.holder)) return false;
        this.#db
          .prepare(
            'INSERT INTO session_turn_leases (session_id, holder, expires_at) VALUES (?, ?, ?) ON CONFLICT (session_id) DO UPDATE SET holder = excluded.holder, expires_at = excluded.expires_at',
          )
          .run(sessionId, this.#o.holder, now + this.#o.ttlMs);
        return true;
      })
      .immediate();
    if (won) {
      this.#held.add(sessionId);
      this.#timer ??= setInterval(() => this.#renew(), Math.max(1, Math.floor(this.#o.ttlMs / 3)));
      this.#timer.unref?.();
    }
    return won;
  }

  release(sessionId: string): void {
    this.#held.delete(sessionId);
    if (this.#held.size === 0 && this.#timer) {
      clearInterval(this.#timer);
      this.#timer = undefined;
    }
    if (this.#db.open) this.#db.prepare('DELETE FROM session_turn_leases WHERE session_id = ? AND holder = ?').run(sessionId, this.#o.holder);
  }

  /** Stops renewing (the store is closing); claims lapse with their process. */
  stop(): void {
    if (this.#timer) clearInterval(this.#timer);
    this.#timer = undefined;
    this.#held.clear();
  }

  #renew(): void {
    if (!this.#db.open) return this.stop();
    const renew = this.#db.prepare('UPDATE session_turn_leases SET expires_at = ? WHERE session_id = ? AND holder = ?');
    const expiresAt = this.#o.now() + this.#o.ttlMs;
    try {
      this.#db.transaction(() => {
        for (const id of this.#held) renew.run(expiresAt, id, this.#o.holder);
      })();
    } catch {
      // A busy file: the next tick tries again, well before the claim lapses.
    }
  }
}
