/**
 * Heap per idle stored session beyond its message text, with 10,000 sessions loaded (folded
 * from SQLite into memory). Baseline: the same message strings alone.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SqliteSessionStore } from '../dist/node/index.js';
import { fmt, gc, report } from './stats.js';

const count = Number(process.env.BENCH_SESSIONS ?? 10_000);
const dir = mkdtempSync(join(tmpdir(), 'agentbox-sessions-'));
const store = SqliteSessionStore.open(join(dir, 's.db'));
const usage = { promptTokens: 30, completionTokens: 12, totalTokens: 42 };

let t0 = performance.now();
for (let i = 0; i < count; i += 1) {
  const id = `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`;
  const base = { sessionId: id, time: 1_700_000_000_000 + i };
  const input = `Question number ${i}: what is ${i} * 2?`;
  await store.append(id, [
    { ...base, seq: 1, type: 'session.created', owner: 'local', metadata: {} },
    { ...base, seq: 2, type: 'turn.started', turn: 1, input },
    { ...base, seq: 3, type: 'state.changed', from: 'idle', to: 'awaiting_llm' },
    { ...base, seq: 4, type: 'llm.started', step: 1, model: 'm' },
    {
      ...base,
      seq: 5,
      type: 'llm.completed',
      step: 1,
      model: 'm',
      text: `The answer is ${i * 2}.`,
      toolCalls: [],
      finishReason: 'stop',
      usage,
      durationMs: 12,
    },
    { ...base, seq: 6, type: 'state.changed', from: 'awaiting_llm', to: 'completed' },
    { ...base, seq: 7, type: 'turn.completed', turn: 1, text: `The answer is ${i * 2}.`, usage, durationMs: 13 },
  ]);
}
const writeMs = performance.now() - t0;

const ids = (await store.list({ limit: count })).map((s) => s.id);
gc();
const before = process.memoryUsage().heapUsed;
t0 = performance.now();
const loaded = [];
for (const id of ids) loaded.push(await store.load(id));
const loadMs = performance.now() - t0;
gc();
const after = process.memoryUsage().heapUsed;

// What the text alone costs in the same heap (V8 one-byte strings: ~length + header).
let textChars = 0;
for (const s of loaded) for (const m of s.messages) textChars += m.content.length;
gc();
const beforeText = process.memoryUsage().heapUsed;
const copies = loaded.flatMap((s) => s.messages.map((m) => ` ${m.content}`.slice(1)));
gc();
const textBytes = process.memoryUsage().heapUsed - beforeText;
const perSession = (after - before - textBytes) / loaded.length;

report(`Sessions (${loaded.length} stored sessions loaded; target ≤ 2 KB heap per session beyond message text)`, {
  'write (7 events per session, one transaction each)': `${fmt(writeMs / count, 3)} ms per session`,
  'load (fold or snapshot) per session': `${fmt((loadMs / count) * 1000, 1)} µs`,
  'heap per session, total': `${fmt((after - before) / loaded.length, 0)} bytes`,
  'message text alone (same strings, same heap)': `${fmt(textBytes / loaded.length, 0)} bytes (${fmt(textChars / loaded.length, 0)} chars)`,
  'heap per session beyond message text': `${fmt(perSession, 0)} bytes`,
});
void copies.length;
await store.close();
rmSync(dir, { recursive: true, force: true });
