import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import type { AgentEvent } from '../../engine/events.js';
import { foldEvents, summarize } from '../../engine/session.js';
import { describeSessionStoreContract } from '../../store/session-store-contract.test-support.js';
import { sessionLog } from '../../store/session-log.test-support.js';
import { defaultStorePath } from './default-store-path.js';
import { sqliteSchemaVersion } from './sqlite-schema.js';
import { snapshotMinTailEvents, snapshotMinTailSize } from './sqlite-session-log.js';
import { SqliteSessionStore } from './sqlite-session-store.js';

const root = mkdtempSync(join(tmpdir(), 'agentbox-sqlite-'));
let counter = 0;
const freshPath = () => join(root, `case-${++counter}`, 'nested', 'sessions.db');
afterAll(() => rmSync(root, { recursive: true, force: true }));

describeSessionStoreContract('SqliteSessionStore', () => SqliteSessionStore.open(freshPath()));

describe('SqliteSessionStore', () => {
  it('creates parent directories, uses WAL and records the schema version', async () => {
    const path = freshPath();
    const store = SqliteSessionStore.open(path);
    await store.close();
    const db = new Database(path, { readonly: true });
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(db.pragma('user_version', { simple: true })).toBe(sqliteSchemaVersion);
    db.close();
  });

  it('keeps sessions across reopen, with the stored row equal to the fold of the log', async () => {
    const path = freshPath();
    const log = sessionLog('s1', { owner: 'bob' });
    const events = [...log.created({ system: 'sys' }), ...log.turn('hello there', 'hi')];
    let store = SqliteSessionStore.open(path);
    await store.append('s1', events.slice(0, 3));
    await store.append('s1', events.slice(3));
    await store.close();

    store = SqliteSessionStore.open(path);
    const expected = foldEvents('s1', events);
    expect(await store.load('s1')).toEqual(expected);
    expect(await store.events('s1')).toEqual(events);
    expect(await store.list()).toEqual([summarize(expected)]);
    const more = log.turn('again', 'ok');
    await store.append('s1', more);
    expect(await store.load('s1')).toEqual(foldEvents('s1', [...events, ...more]));
    await store.close();
  });

  it('refreshes the stored snapshot as the tail grows, and load always equals the full fold', async () => {
    const path = freshPath();
    const store = SqliteSessionStore.open(path);
    const log = sessionLog('s1');
    const all: AgentEvent[] = [...log.created()];
    await store.append('s1', all);
    const db = new Database(path, { readonly: true });
    const row = () =>
      db
        .prepare(
          `SELECT last_seq, snapshot_seq, data AS snapshot, tail_size FROM sessions JOIN snapshots ON session_id = id
           WHERE id = ?`,
        )
        .get('s1') as {
        last_seq: number;
        snapshot_seq: number;
        snapshot: string;
        tail_size: number;
      };
    const snapshotSeqs = new Set<number>();
    for (let i = 0; i < 60; i += 1) {
      // One event per append, as a bus subscriber writes them; every 10th turn is large.
      for (const event of log.turn(`q${i}`, i % 10 === 0 ? 'y'.repeat(100_000) : `a${i}`)) {
        await store.append('s1', [event]);
        all.push(event);
        const { last_seq, snapshot_seq, snapshot, tail_size } = row();
        snapshotSeqs.add(snapshot_seq);
        expect(last_seq - snapshot_seq).toBeLessThan(Math.max(snapshotMinTailEvents, snapshot.length / 1024) + 1);
        expect(JSON.parse(snapshot)).toEqual(foldEvents('s1', all.slice(0, snapshot_seq)));
        expect(tail_size).toBeLessThan(Math.max(snapshot.length, snapshotMinTailSize) + 100_100);
      }
      expect(await store.load('s1')).toEqual(foldEvents('s1', all));
    }
    db.close();
    // Refreshed now and then: neither on every append nor never.
    expect(snapshotSeqs.size).toBeGreaterThan(3);
    expect(snapshotSeqs.size).toBeLessThan(all.length / 4);
    await store.close();
  });

  it('takes the title from the first user message even when it is empty', async () => {
    const store = SqliteSessionStore.open(freshPath());
    const log = sessionLog('s1');
    await store.append('s1', [...log.created(), ...log.turn('', 'hm')]);
    await store.append('s1', log.turn('second question', 'ok'));
    expect((await store.list())[0]?.title).toBe('');
    const other = sessionLog('s2', { startTime: 100_000 });
    await store.append('s2', other.created());
    await store.append('s2', other.turn('  what   is\nthis ', 'ok'));
    expect((await store.list({ limit: 1 }))[0]).toMatchObject({ id: 's2', title: 'what is this' });
    await store.close();
  });

  it('serializes two connections appending to one session: one wins, the other gets STORE_CONFLICT', async () => {
    const path = freshPath();
    const a = SqliteSessionStore.open(path);
    const b = SqliteSessionStore.open(path);
    const log = sessionLog('s1');
    await a.append('s1', log.created());
    const next = log.event({ type: 'turn.started', turn: 1, input: 'from a' });
    await a.append('s1', [next]);
    const rival: AgentEvent = { sessionId: 's1', seq: next.seq, time: next.time, type: 'turn.started', turn: 1, input: 'from b' };
    await expect(b.append('s1', [rival])).rejects.toMatchObject({ code: 'STORE_CONFLICT' });
    expect((await b.events('s1', { afterSeq: 1 }))[0]).toMatchObject({ input: 'from a' });
    await a.close();
    await b.close();
  });

  it('refuses a file that is not a SQLite database with STORE_FAILED naming the path, and leaves it alone', () => {
    const path = join(root, 'not-a-db.db');
    const content = 'this is a text file, not a database\n'.repeat(200);
    writeFileSync(path, content);
    let caught: unknown;
    try {
      SqliteSessionStore.open(path);
    } catch (error) {
      caught = error;
    }
    expect(caught).toMatchObject({ code: 'STORE_FAILED', details: { path } });
    expect((caught as Error).message).toContain(path);
    expect((caught as Error).message).toMatch(/not a database/);
    expect(readFileSync(path, 'utf8')).toBe(content);
  });

  it('refuses a database written by a newer schema version', () => {
    const path = freshPath();
    SqliteSessionStore.open(path).close();
    const db = new Database(path);
    db.pragma(`user_version = ${sqliteSchemaVersion + 1}`);
    db.close();
    expect(() => SqliteSessionStore.open(path)).toThrow(/newer agentbox/);
  });

  it('reports a failure inside SQLite as STORE_FAILED with the path and operation', async () => {
    const path = freshPath();
    const store = SqliteSessionStore.open(path);
    const log = sessionLog('s1');
    await store.append('s1', log.created());
    // Another program damages the schema; reads must fail loudly, not return garbage.
    const db = new Database(path);
    db.exec('DROP TABLE events');
    db.close();
    await expect(store.events('s1')).rejects.toMatchObject({ code: 'STORE_FAILED', details: { path, operation: 'events' } });
    await store.close();
  });

  it('lists and loads 10,000 sessions quickly', async () => {
    const store = SqliteSessionStore.open(freshPath());
    const count = 10_000;
    const t0 = performance.now();
    for (let i = 0; i < count; i += 1) {
      const id = `s${i}`;
      const log = sessionLog(id, { owner: i % 2 === 0 ? 'even' : 'odd', startTime: i * 100 });
      await store.append(id, [...log.created(), ...log.turn(`question ${i}`, `answer ${i}`)]);
    }
    const t1 = performance.now();
    const summaries = await store.list();
    const t2 = performance.now();
    for (const summary of summaries) await store.load(summary.id);
    const t3 = performance.now();
    const page = await store.list({ owner: 'odd', limit: 20, offset: 100 });
    const t4 = performance.now();

    expect(summaries).toHaveLength(count);
    expect(summaries[0]?.id).toBe('s9999');
    expect(page.map((s) => s.id)).toEqual(Array.from({ length: 20 }, (_, k) => `s${9999 - 2 * (100 + k)}`));
    console.log(
      `sqlite 10k sessions: append ${(t1 - t0).toFixed(0)} ms, list ${(t2 - t1).toFixed(0)} ms, ` +
        `load all ${(t3 - t2).toFixed(0)} ms, owner page ${(t4 - t3).toFixed(2)} ms`,
    );
    expect(t2 - t1).toBeLessThan(1_000);
    expect(t3 - t2).toBeLessThan(3_000);
    await store.close();
  });
});

describe('defaultStorePath', () => {
  it('uses AGENTBOX_HOME when set, else ~/.agentbox', () => {
    expect(defaultStorePath({ AGENTBOX_HOME: '/srv/agentbox' })).toBe('/srv/agentbox/sessions.db');
    expect(defaultStorePath({})).toMatch(/[/\\]\.agentbox[/\\]sessions\.db$/);
  });
});
