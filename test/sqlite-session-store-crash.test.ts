import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import { build } from 'esbuild';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { foldEvents, summarize } from '../src/engine/session.js';
import { SqliteSessionStore } from '../src/node/store/sqlite-session-store.js';

const projectRoot = fileURLToPath(new URL('..', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'agentbox-crash-'));
const writer = join(dir, 'sqlite-crash-writer.cjs');

beforeAll(async () => {
  // The child is plain Node, which cannot run TypeScript: bundle the real store into one
  // CommonJS file, leaving the native better-sqlite3 to be found through NODE_PATH.
  await build({
    entryPoints: [join(projectRoot, 'test/fixtures/sqlite-crash-writer.ts')],
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    outfile: writer,
    external: ['better-sqlite3'],
    logLevel: 'silent',
  });
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Runs the writer until `commits` appends are confirmed, then SIGKILLs it. */
async function writeUntilKilled(dbPath: string, prefix: string, commits: number): Promise<Map<string, number>> {
  const child = spawn(process.execPath, [writer, dbPath, prefix], {
    env: { ...process.env, NODE_PATH: join(projectRoot, 'node_modules') },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const committed = new Map<string, number>();
  let seen = 0;
  let pending = '';
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  child.stdout.on('data', (chunk: Buffer) => {
    pending += chunk.toString();
    const lines = pending.split('\n');
    pending = lines.pop() ?? '';
    for (const line of lines) {
      const [id, seq] = line.split(' ');
      committed.set(id!, Number(seq));
      seen += 1;
    }
    if (seen >= commits) child.kill('SIGKILL');
  });
  const [code, signal] = await new Promise<[number | null, NodeJS.Signals | null]>((resolve) => child.on('exit', (c, s) => resolve([c, s])));
  expect({ code, signal, stderr }).toEqual({ code: null, signal: 'SIGKILL', stderr: '' });
  return committed;
}

describe('SqliteSessionStore crash safety', () => {
  it('keeps every committed event and a consistent sessions table after SIGKILL mid-write', async () => {
    const dbPath = join(dir, 'crash.db');
    const committed = new Map<string, number>();
    // Several rounds on one file: each reopens a file left by a killed writer.
    for (const [round, commits] of [150, 400, 900].entries()) {
      for (const [id, seq] of await writeUntilKilled(dbPath, `r${round}`, commits)) committed.set(id, seq);
    }

    const raw = new Database(dbPath);
    expect(raw.pragma('integrity_check', { simple: true })).toBe('ok');
    const snapshots = raw.prepare('SELECT id, data AS snapshot, snapshot_seq AS seq FROM sessions JOIN snapshots ON session_id = id').all() as {
      id: string;
      snapshot: string;
      seq: number;
    }[];
    raw.close();

    const store = SqliteSessionStore.open(dbPath);
    const summaries = await store.list();
    expect(summaries.map((s) => s.id).sort()).toEqual([...committed.keys()].sort());
    for (const summary of summaries) {
      const events = await store.events(summary.id);
      expect(events.map((e) => e.seq)).toEqual(events.map((_, i) => i + 1));
      // Everything the child saw committed is there (and at most one unconfirmed append more).
      expect(events.length).toBeGreaterThanOrEqual(committed.get(summary.id)!);
      const folded = foldEvents(summary.id, events);
      expect(await store.load(summary.id)).toEqual(folded);
      expect(summary).toEqual(summarize(folded));
      const stored = snapshots.find((row) => row.id === summary.id)!;
      expect(JSON.parse(stored.snapshot)).toEqual(foldEvents(summary.id, events.slice(0, stored.seq)));
    }
    // And the file is still writable where the log left off.
    const first = summaries[0]!;
    const resumed = {
      sessionId: first.id,
      seq: first.lastSeq + 1,
      time: first.updatedAt + 1,
      type: 'turn.started' as const,
      turn: 999,
      input: 'after the crash',
    };
    await store.append(first.id, [resumed]);
    expect((await store.load(first.id))?.lastSeq).toBe(first.lastSeq + 1);
    await store.close();
  });
});
