/**
 * Script tool sandboxes, each beside its bare engine in the same run:
 * - warm QuickJS call (pooled WASM instance, fresh runtime + context, module, JSON in/out)
 *   beside a bare quickjs-emscripten eval in a fresh context; target ≤ 1.5×;
 * - warm V8 call (child process over IPC, fresh context, module, JSON in/out) beside a bare
 *   isolated-vm call in this process (fresh context, eval); target ≤ 1.5×;
 * - the time from a runaway script's deadline to its run ending.
 * Needs `node --no-node-snapshot` (run-all.js passes it) for the in-process isolated-vm.
 */
import ivm from 'isolated-vm';
import { newQuickJSWASMModule } from 'quickjs-emscripten';
import { createIsolateSandbox } from '../dist/node/script/isolate-sandbox.js';
import { createQuickJsSandbox } from '../dist/sandbox/script/quickjs-sandbox.js';
import { fmt, report, summarize } from './stats.js';

const N = Number(process.env.BENCH_SCRIPT_CALLS ?? 2_000);
const WARMUP = 200;
const fn = '(args) => ({ sum: args.values.reduce((a, b) => a + b, 0), n: args.values.length })';
const source = `export default ${fn}`;
const args = { values: Array.from({ length: 100 }, (_, i) => i) };
const argsJson = JSON.stringify(args);
const limits = { timeoutMs: 5_000, memoryMb: 64, maxOutputBytes: 65_536 };
const expected = JSON.stringify({ sum: 4950, n: 100 });

async function time(label, call) {
  const cold = performance.now();
  check(label, await call());
  const coldMs = performance.now() - cold;
  for (let i = 0; i < WARMUP; i += 1) await call();
  const samples = [];
  for (let i = 0; i < N; i += 1) {
    const t0 = performance.now();
    await call();
    samples.push(performance.now() - t0);
  }
  return { coldMs, ...summarize(samples) };
}

function check(label, value) {
  if (JSON.stringify(value) !== expected) throw new Error(`${label} returned ${JSON.stringify(value)}`);
}

const row = (s) => `median ${fmt(s.median * 1000, 0)} µs, p95 ${fmt(s.p95 * 1000, 0)} µs, first call ${fmt(s.coldMs, 1)} ms`;

// QuickJS
const quickjs = createQuickJsSandbox();
const quickjsCall = await time('quickjs sandbox', () => quickjs.run({ source, args, ...limits }));
const bareModule = await newQuickJSWASMModule();
const quickjsBare = await time('bare quickjs', () => {
  const ctx = bareModule.newContext();
  const handle = ctx.unwrapResult(ctx.evalCode(`JSON.stringify((${fn})(${argsJson}))`));
  const value = JSON.parse(ctx.getString(handle));
  handle.dispose();
  ctx.dispose();
  return value;
});

// V8
const v8 = createIsolateSandbox({ maxProcesses: 1 });
const v8Call = await time('v8 sandbox', () => v8.run({ source, args, ...limits }));
const isolate = new ivm.Isolate({ memoryLimit: 64 });
const v8Bare = await time('bare isolated-vm', async () => {
  const context = await isolate.createContext();
  const text = await context.eval(`JSON.stringify((${fn})(${argsJson}))`, { timeout: 5_000 });
  context.release();
  return JSON.parse(text);
});

// Deadline to stop: a runaway loop with a 100 ms deadline.
async function overrun(sandbox) {
  const samples = [];
  for (let i = 0; i < 10; i += 1) {
    const t0 = performance.now();
    await sandbox.run({ source: 'export default () => { for (;;) {} }', args: {}, ...limits, timeoutMs: 100 }).catch(() => {});
    samples.push(performance.now() - t0 - 100);
  }
  return summarize(samples);
}
const quickjsOverrun = await overrun(quickjs);
const v8Overrun = await overrun(v8);

report(`Script sandboxes (${N} warm calls each; sum of 100 numbers, JSON in and out)`, {
  'QuickJS sandbox call': row(quickjsCall),
  'bare quickjs-emscripten eval, fresh context': row(quickjsBare),
  'QuickJS ratio (median; target ≤ 1.5×)': `${fmt(quickjsCall.median / quickjsBare.median, 2)}×`,
  'V8 sandbox call (child process, IPC)': row(v8Call),
  'bare isolated-vm eval in-process, fresh context': row(v8Bare),
  'V8 ratio (median; target ≤ 1.5×)': `${fmt(v8Call.median / v8Bare.median, 2)}×`,
  'deadline → stopped, QuickJS (100 ms loop)': `median ${fmt(quickjsOverrun.median, 1)} ms, max ${fmt(quickjsOverrun.p99, 1)} ms`,
  'deadline → stopped, V8 (100 ms loop)': `median ${fmt(v8Overrun.median, 1)} ms, max ${fmt(v8Overrun.p99, 1)} ms`,
});

isolate.dispose();
await quickjs.close();
await v8.close();
