/**
 * Script tool sandboxes, each beside its bare engine in the same run:
 * - warm QuickJS call in Node's worker pool (a message hop to a worker with a warm QuickJS,
 *   fresh runtime + context, module, JSON in/out) beside a bare quickjs-emscripten eval in
 *   a fresh context behind a bare worker round-trip; target ≤ 1.5×;
 * - the same on the calling thread (the browser's path: the agent's worker runs it) beside
 *   a bare eval on the calling thread;
 * - warm V8 call (child process over IPC, fresh context, module, JSON in/out) beside a bare
 *   isolated-vm call in this process (fresh context, eval); target ≤ 1.5×;
 * - the time from a runaway script's deadline to its run ending.
 * Needs `node --no-node-snapshot` (run-all.js passes it) for the in-process isolated-vm.
 */
import { Worker } from 'node:worker_threads';
import ivm from 'isolated-vm';
import { newQuickJSWASMModule } from 'quickjs-emscripten';
import { createIsolateSandbox } from '../dist/node/script/isolate-sandbox.js';
import { createQuickJsWorkerSandbox } from '../dist/node/script/quickjs-worker-pool.js';
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

/**
 * Times calls in turn, one of each per round, so a noisy neighbour slows both sides of a
 * ratio alike (timed one after the other, a burst of load lands on one side only).
 */
async function timeInTurn(calls) {
  const labels = Object.keys(calls);
  const coldMs = {};
  for (const label of labels) {
    const cold = performance.now();
    check(label, await calls[label]());
    coldMs[label] = performance.now() - cold;
  }
  const samples = Object.fromEntries(labels.map((label) => [label, []]));
  for (let i = 0; i < WARMUP + N; i += 1) {
    for (const label of labels) {
      const t0 = performance.now();
      await calls[label]();
      if (i >= WARMUP) samples[label].push(performance.now() - t0);
    }
  }
  return Object.fromEntries(labels.map((label) => [label, { coldMs: coldMs[label], ...summarize(samples[label]) }]));
}

function check(label, value) {
  if (JSON.stringify(value) !== expected) throw new Error(`${label} returned ${JSON.stringify(value)}`);
}

const row = (s) => `median ${fmt(s.median * 1000, 0)} µs, p95 ${fmt(s.p95 * 1000, 0)} µs, first call ${fmt(s.coldMs, 1)} ms`;

// QuickJS in Node's worker pool, beside a bare eval behind a bare worker round-trip.
const pooled = createQuickJsWorkerSandbox({ perProcess: 1 });
await pooled.ready();
const bareWorker = new Worker(new URL('./quickjs-bare-worker.js', import.meta.url));
let answer;
bareWorker.on('message', (value) => answer(value));
const viaBareWorker = (message) =>
  new Promise((resolve) => {
    answer = resolve;
    bareWorker.postMessage(message);
  });
await viaBareWorker({ warm: true });

// QuickJS on the calling thread (the browser's path), beside a bare eval here.
const quickjs = createQuickJsSandbox();
const bareModule = await newQuickJSWASMModule();
const bareEval = () => {
  const ctx = bareModule.newContext();
  const handle = ctx.unwrapResult(ctx.evalCode(`JSON.stringify((${fn})(${argsJson}))`));
  const value = JSON.parse(ctx.getString(handle));
  handle.dispose();
  ctx.dispose();
  return value;
};

const quickjsTimes = await timeInTurn({
  pooled: () => pooled.run({ source, args, ...limits }),
  bareWorker: async () => JSON.parse(await viaBareWorker({ code: `JSON.stringify((${fn})(${argsJson}))` })),
  hop: async () => JSON.parse(await viaBareWorker({ echo: expected })),
  calling: () => quickjs.run({ source, args, ...limits }),
  bare: bareEval,
});
const { pooled: pooledCall, bareWorker: quickjsBareWorker, hop, calling: quickjsCall, bare: quickjsBare } = quickjsTimes;

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
const quickjsOverrun = await overrun(pooled);
const v8Overrun = await overrun(v8);

report(`Script sandboxes (${N} warm calls each; sum of 100 numbers, JSON in and out)`, {
  'QuickJS call, worker pool (Node)': row(pooledCall),
  'bare quickjs-emscripten eval in a bare worker': row(quickjsBareWorker),
  'QuickJS worker ratio (median; target ≤ 1.5×)': `${fmt(pooledCall.median / quickjsBareWorker.median, 2)}×`,
  'bare worker round-trip (the hop alone)': row(hop),
  'QuickJS call, calling thread (browser path)': row(quickjsCall),
  'bare quickjs-emscripten eval, fresh context': row(quickjsBare),
  'QuickJS calling-thread ratio (median)': `${fmt(quickjsCall.median / quickjsBare.median, 2)}×`,
  'V8 sandbox call (child process, IPC)': row(v8Call),
  'bare isolated-vm eval in-process, fresh context': row(v8Bare),
  'V8 ratio (median; target ≤ 1.5×)': `${fmt(v8Call.median / v8Bare.median, 2)}×`,
  'deadline → stopped, QuickJS worker (100 ms loop)': `median ${fmt(quickjsOverrun.median, 1)} ms, max ${fmt(quickjsOverrun.p99, 1)} ms`,
  'deadline → stopped, V8 (100 ms loop)': `median ${fmt(v8Overrun.median, 1)} ms, max ${fmt(v8Overrun.p99, 1)} ms`,
});

isolate.dispose();
await bareWorker.terminate();
await pooled.close();
await quickjs.close();
await v8.close();
