/**
 * Workflow engine costs, each beside a baseline measured in the same run:
 * 1. engine overhead per no-op `set` task (memory journal) vs a plain async loop doing the same work;
 * 2. SQLite journaling cost per task vs a bare better-sqlite3 insert of the same rows in a transaction;
 * 3. a 10,000-item `for`: time, peak heap (against a 2,500-item run), journal size, and resume
 *    time after a kill -9 at 50 % vs the time the first half took.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SqliteWorkflowJournal } from '../dist/node/index.js';
import { MemoryWorkflowJournal, WorkflowEngine } from '../dist/workflow/index.js';
import { fmt, gc, report } from './stats.js';

const Database = createRequire(import.meta.url)('better-sqlite3');
const N = Number(process.env.BENCH_WORKFLOW_TASKS ?? 2_000);
const BIG = Number(process.env.BENCH_WORKFLOW_BIG ?? 10_000);
const dir = mkdtempSync(join(tmpdir(), 'agentbox-wf-bench-'));

const constantSets = (count) => ({
  document: { dsl: '1.0.0', namespace: 'bench', name: 'sets', version: '1.0.0' },
  do: [{ each: { for: { in: '${ .items }' }, do: [{ note: { set: { done: true } } }] } }],
  _count: count,
});
const items = (count) => ({ items: Array.from({ length: count }, (_, i) => i) });
const definition = (count) => {
  const { _count, ...d } = constantSets(count);
  return d;
};

async function timeRun(engine, count) {
  const t0 = performance.now();
  const result = await engine.start(definition(count), { input: items(count) });
  if (result.status !== 'completed') throw new Error(`run ${result.status}: ${JSON.stringify(result.error)}`);
  return { ms: performance.now() - t0, runId: result.runId };
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const ROUNDS = 5;

// 1. Engine overhead per task, memory journal; rounds alternate with the baseline.
await timeRun(new WorkflowEngine({ journal: new MemoryWorkflowJournal() }), 500); // warm jq + JIT
let t0;
let last;
const engineSamples = [];
const loopSamples = [];
for (let round = 0; round < ROUNDS; round += 1) {
  engineSamples.push((await timeRun(new WorkflowEngine({ journal: new MemoryWorkflowJournal() }), N)).ms);
  t0 = performance.now();
  for (const item of items(N).items) {
    await Promise.resolve();
    last = { ...{ item }, done: true };
  }
  loopSamples.push(performance.now() - t0);
}
const memory = { ms: median(engineSamples) };
const loopMs = median(loopSamples);
report(`engine overhead, ${N} no-op set tasks in a for (memory journal)`, {
  'engine µs/task': fmt((memory.ms * 1000) / N, 1),
  'plain async loop µs/item': fmt((loopMs * 1000) / N, 3),
  'ratio engine / loop': fmt(memory.ms / loopMs, 0),
  'last loop value (kept alive)': JSON.stringify(last),
});

// 2. SQLite journaling: the per-task difference vs memory, beside a bare insert of the same rows.
const dbPath = join(dir, 'journal.db');
const journal = SqliteWorkflowJournal.open(dbPath);
// Time spent inside the journal's writes (each one IMMEDIATE transaction), per run.
let appendMs = 0;
const append = journal.append.bind(journal);
journal.append = async (...args) => {
  const a = performance.now();
  try {
    return await append(...args);
  } finally {
    appendMs += performance.now() - a;
  }
};
const create = journal.create.bind(journal);
journal.create = async (...args) => {
  const a = performance.now();
  try {
    return await create(...args);
  } finally {
    appendMs += performance.now() - a;
  }
};
const journalingSamples = [];
let sqlite;
for (let round = 0; round < ROUNDS; round += 1) {
  appendMs = 0;
  sqlite = await timeRun(new WorkflowEngine({ journal }), N);
  journalingSamples.push(appendMs);
}
const rows = new Database(dbPath).prepare('SELECT run_id, seq, type, time, data FROM workflow_events WHERE run_id = ? ORDER BY seq').all(sqlite.runId);
const bare = new Database(join(dir, 'bare.db'));
bare.pragma('journal_mode = WAL');
bare.pragma('synchronous = NORMAL');
bare.exec(
  'CREATE TABLE e (run_id TEXT NOT NULL, seq INTEGER NOT NULL, type TEXT NOT NULL, time INTEGER NOT NULL, data TEXT NOT NULL CHECK (json_valid(data)), PRIMARY KEY (run_id, seq))',
);
const insert = bare.prepare('INSERT INTO e VALUES (?, ?, ?, ?, ?)');
const perTask = rows.length / N;
// The engine writes in batches of up to 512 events; the bare baseline writes one transaction per task's rows.
const insertTask = bare.transaction((slice) => {
  for (const r of slice) insert.run(r.run_id, r.seq, r.type, r.time, r.data);
});
const bareSamples = [];
for (let round = 0; round < ROUNDS; round += 1) {
  t0 = performance.now();
  const runId = `bare-${round}`;
  for (let i = 0; i < rows.length; i += Math.ceil(perTask)) {
    insertTask(rows.slice(i, i + Math.ceil(perTask)).map((r) => ({ ...r, run_id: runId })));
  }
  bareSamples.push(performance.now() - t0);
}
const bareMs = median(bareSamples);
const journalingMs = median(journalingSamples);
report(`SQLite journaling, ${N} set tasks (${rows.length} events, ${fmt(perTask, 1)} per task)`, {
  'run with SQLite µs/task': fmt((sqlite.ms * 1000) / N, 1),
  'journaling alone (time in journal writes) µs/task': fmt((journalingMs * 1000) / N, 1),
  'bare insert, one transaction per task µs/task': fmt((bareMs * 1000) / N, 1),
  'ratio journaling / bare insert (target ≤ 2)': fmt(journalingMs / bareMs, 2),
});
journal.close?.();

// 3. A big for: heap, size, resume after a kill at half.
async function bigRun(count, path) {
  const j = SqliteWorkflowJournal.open(path);
  gc();
  const base = process.memoryUsage().heapUsed;
  // Live heap (after a full GC) every tenth of the run, by finished tasks.
  const live = [];
  let finished = 0;
  const onEvent = (event) => {
    if (event.type !== 'task.completed' || !event.path.endsWith('/note')) return;
    finished += 1;
    if (finished % (count / 10) === 0) {
      gc();
      live.push((process.memoryUsage().heapUsed - base) / 2 ** 20);
    }
  };
  const run = await timeRun(new WorkflowEngine({ journal: j, onEvent }), count);
  j.close?.();
  return { ...run, live };
}
const small = await bigRun(BIG / 4, join(dir, 'small.db'));
const bigPath = join(dir, 'big.db');
const big = await bigRun(BIG, bigPath);
const db = new Database(bigPath);
db.pragma('wal_checkpoint(TRUNCATE)');
const lastSeq = db.prepare('SELECT max(seq) AS s FROM workflow_events').get().s;
db.close();
report(`a for over ${BIG} items (SQLite journal)`, {
  'time s': fmt(big.ms / 1000, 2),
  'live heap MB after 10 %, 50 %, 100 % of tasks': [0, 4, 9].map((i) => fmt(big.live[i], 1)).join(' / '),
  'live heap ratio at 100 % vs 10 % (flat would be ~1)': fmt(big.live[9] / big.live[0], 2),
  [`live heap MB at the end of a ${BIG / 4}-item run`]: fmt(small.live[9], 1),
  'journal file MB (after checkpoint)': fmt(statSync(bigPath).size / 2 ** 20, 2),
  'journal events': lastSeq,
});

// Kill a child at half the events, then resume here.
const killPath = join(dir, 'kill.db');
const child = spawn(
  process.execPath,
  [
    '--input-type=module',
    '-e',
    `import { SqliteWorkflowJournal } from ${JSON.stringify(new URL('../dist/node/index.js', import.meta.url).href)};
     import { WorkflowEngine } from ${JSON.stringify(new URL('../dist/workflow/index.js', import.meta.url).href)};
     const d = ${JSON.stringify(definition(BIG))};
     const engine = new WorkflowEngine({ journal: SqliteWorkflowJournal.open(${JSON.stringify(killPath)}), holder: 'bench-child', leaseTtlMs: 1 });
     await engine.start(d, { input: { items: Array.from({ length: ${BIG} }, (_, i) => i) }, runId: 'killed' });`,
  ],
  { stdio: 'inherit' },
);
const started = performance.now();
let firstHalfMs = 0;
let createdAt = 0;
await new Promise((resolve) => {
  let watcher;
  const poll = setInterval(() => {
    try {
      watcher ??= new Database(killPath, { readonly: true, fileMustExist: true });
      const seq = watcher.prepare("SELECT max(seq) AS s FROM workflow_events WHERE run_id = 'killed'").get()?.s ?? 0;
      if (seq > 0 && createdAt === 0) createdAt = performance.now();
      if (seq >= lastSeq / 2) {
        child.kill('SIGKILL');
        firstHalfMs = performance.now() - (createdAt || started);
        clearInterval(poll);
        watcher.close();
        resolve();
      }
    } catch {
      // not created yet
    }
  }, 2);
});
await new Promise((resolve) => child.once('exit', resolve));
const probe = new Database(killPath, { readonly: true });
const seqAtKill = probe.prepare("SELECT max(seq) AS s FROM workflow_events WHERE run_id = 'killed'").get().s;
probe.close();
const resumeJournal = SqliteWorkflowJournal.open(killPath, { isHolderGone: () => true });
t0 = performance.now();
const resumed = await new WorkflowEngine({ journal: resumeJournal }).resume('killed');
const resumeTotalMs = performance.now() - t0;
if (resumed.status !== 'completed') throw new Error(`resume ${resumed.status}`);
const replayStart = performance.now();
await resumeJournal.events('killed');
const readMs = performance.now() - replayStart;
report(`resume after kill -9 at ${fmt((100 * seqAtKill) / lastSeq, 0)} % of the journal`, {
  'first half (run created to kill) s': fmt(firstHalfMs / 1000, 2),
  'resume to completion s (replay + second half)': fmt(resumeTotalMs / 1000, 2),
  'second half alone, estimated s (half the full run)': fmt(big.ms / 2000, 2),
  'replay overhead s (resume − half run)': fmt((resumeTotalMs - big.ms / 2) / 1000, 2),
  'reading the whole journal s': fmt(readMs / 1000, 3),
});
resumeJournal.close?.();
rmSync(dir, { recursive: true, force: true });
