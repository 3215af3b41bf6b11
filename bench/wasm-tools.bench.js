/**
 * WASM tools: a warm call through the worker pool (cached module, fresh instance, JSON in
 * and out, through createWasmTool) beside a bare worker round-trip that instantiates and
 * calls the same module with the same WASI shim; a cold first call beside bare compile +
 * call; the deadline-to-stop and replacement times of a runaway guest; and throughput of
 * 1,000 mixed tool calls (WASM, QuickJS script, calculator) with 8 in flight.
 */
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { BaseRuntime, MemorySessionStore, builtinTools } from '../dist/index.js';
import { createScriptTool, createQuickJsSandbox, createWasmTool, WasmModuleCache } from '../dist/sandbox/index.js';
import { NodeWasmHost } from '../dist/node/index.js';
import { fmt, report, summarize } from './stats.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const manifest = JSON.parse(readFileSync(join(root, 'examples/wasm-tools/text-stats/manifest.json'), 'utf8'));
const bytes = new Uint8Array(readFileSync(join(root, 'examples/wasm-tools/text-stats/text-stats.wasm')));
const shimUrl = new URL('../node_modules/@bjorn3/browser_wasi_shim/dist/index.js', import.meta.url).href;
const args = { text: 'the quick brown fox jumps over the lazy dog the end' };
const runs = Number(process.env.BENCH_RUNS ?? 400);

// The baseline: one worker that instantiates the module with the same shim and runs _start.
const bareWorker = new Worker(
  `
  const { parentPort } = require('node:worker_threads');
  let shim;
  parentPort.on('message', async ({ module, stdin }) => {
    shim ??= await import(${JSON.stringify(shimUrl)});
    const { WASI, File, OpenFile, ConsoleStdout } = shim;
    let out = [];
    const fds = [new OpenFile(new File(stdin)), ConsoleStdout.lineBuffered((l) => out.push(l)), ConsoleStdout.lineBuffered(() => {})];
    const wasi = new WASI([], [], fds, { debug: false });
    const instance = await WebAssembly.instantiate(module, { wasi_snapshot_preview1: wasi.wasiImport });
    try { wasi.start(instance); } catch {}
    parentPort.postMessage(out.join('\\n'));
  });`,
  { eval: true },
);
const bareCall = (module) =>
  new Promise((resolve) => {
    bareWorker.once('message', resolve);
    bareWorker.postMessage({ module, stdin: new TextEncoder().encode(JSON.stringify(args)) });
  });

const pool = new NodeWasmHost({ size: 2 });
const tool = createWasmTool(manifest, bytes, { pool, cache: new WasmModuleCache() });
const context = () => ({ signal: new AbortController().signal, sessionId: 'b', callId: 'c', principal: 'p' });
const compiled = await WebAssembly.compile(bytes);

// Correctness first: both give the same answer.
const viaTool = await tool.execute(args, context());
const viaBare = JSON.parse(await bareCall(compiled));
if (viaTool.words !== viaBare.words) throw new Error('results differ');

for (let i = 0; i < 50; i += 1) {
  await tool.execute(args, context());
  await bareCall(compiled);
}
const warmTool = [];
const warmBare = [];
for (let i = 0; i < runs; i += 1) {
  let t = performance.now();
  await tool.execute(args, context());
  warmTool.push(performance.now() - t);
  t = performance.now();
  await bareCall(compiled);
  warmBare.push(performance.now() - t);
}
const wt = summarize(warmTool);
const wb = summarize(warmBare);

// Cold: a fresh cache (compile + first call) beside bare compile + call.
const coldTool = [];
const coldBare = [];
for (let i = 0; i < 20; i += 1) {
  const fresh = createWasmTool(manifest, bytes, { pool, cache: new WasmModuleCache() });
  let t = performance.now();
  await fresh.execute(args, context());
  coldTool.push(performance.now() - t);
  t = performance.now();
  await bareCall(await WebAssembly.compile(bytes));
  coldBare.push(performance.now() - t);
}
const ct = summarize(coldTool);
const cb = summarize(coldBare);

report('WASM tool calls (target: warm ≤ 1.5× bare worker round-trip)', {
  'bare worker: instantiate + run (baseline)': `median ${fmt(wb.median)} ms  p95 ${fmt(wb.p95)} ms`,
  'agentbox pool via createWasmTool (warm)': `median ${fmt(wt.median)} ms  p95 ${fmt(wt.p95)} ms  ratio ${fmt(wt.median / wb.median, 2)}×`,
  'bare compile + call (cold baseline)': `median ${fmt(cb.median)} ms`,
  'agentbox cold first call (hash + compile + call)': `median ${fmt(ct.median)} ms  ratio ${fmt(ct.median / cb.median, 2)}×`,
});

// Runaway guest: an infinite loop stopped at its deadline, and its worker replaced.
{
  const loop = new Uint8Array([
    0x00,
    0x61,
    0x73,
    0x6d,
    0x01,
    0x00,
    0x00,
    0x00, // magic, version
    0x01,
    0x04,
    0x01,
    0x60,
    0x00,
    0x00, // type: () -> ()
    0x03,
    0x02,
    0x01,
    0x00, // func 0 of type 0
    0x05,
    0x03,
    0x01,
    0x00,
    0x01, // memory 1 page
    0x07,
    0x13,
    0x02,
    0x06,
    0x5f,
    0x73,
    0x74,
    0x61,
    0x72,
    0x74,
    0x00,
    0x00,
    0x06,
    0x6d,
    0x65,
    0x6d,
    0x6f,
    0x72,
    0x79,
    0x02,
    0x00, // exports _start, memory
    0x0a,
    0x09,
    0x01,
    0x07,
    0x00,
    0x03,
    0x40,
    0x0c,
    0x00,
    0x0b,
    0x0b, // code: loop br 0 end end
  ]);
  const runaway = createWasmTool({ name: 'spin', description: 'spins', parameters: {}, capabilities: { timeoutMs: 100 } }, loop, { pool });
  const stops = [];
  for (let i = 0; i < 10; i += 1) {
    const t = performance.now();
    await runaway.execute({}, context()).catch(() => undefined);
    stops.push(performance.now() - t - 100);
  }
  const stats = pool.stats();
  const s = summarize(stops);
  report('Runaway guest (100 ms deadline; target: stopped < 50 ms after it)', {
    'deadline → caller gets TOOL_TIMEOUT': `median ${fmt(s.median, 1)} ms  max ${fmt(Math.max(...stops), 1)} ms`,
    'deadline → worker terminated (last)': `${fmt(stats.lastTimeout?.stopMs ?? NaN, 1)} ms`,
    'deadline → replacement worker online (last)': `${fmt(stats.lastTimeout?.replaceMs ?? NaN, 1)} ms`,
  });
}

// Throughput: 1,000 mixed calls through the executor (validation, auth hook, events), 8 in flight.
{
  const quickjs = createQuickJsSandbox();
  const script = createScriptTool(
    {
      name: 'slugify',
      description: 'slug',
      parameters: { type: 'object' },
      source: "export default ({ title }) => title.toLowerCase().replace(/[^a-z0-9]+/g, '-')",
    },
    quickjs,
  );
  const runtime = new BaseRuntime({
    store: new MemorySessionStore(),
    model: () => {
      throw new Error('no model');
    },
    tools: [...builtinTools(), tool, script],
  });
  const calls = [
    { name: 'text_stats', arguments: JSON.stringify(args) },
    { name: 'slugify', arguments: '{"title":"Hello World"}' },
    { name: 'calculator', arguments: '{"expression":"17 * 23"}' },
  ];
  let next = 0;
  let failures = 0;
  const t = performance.now();
  await Promise.all(
    Array.from({ length: 8 }, async () => {
      while (next < 1000) {
        const call = calls[next % calls.length];
        next += 1;
        const result = await runtime.invokeTool(call);
        if (!result.ok) failures += 1;
      }
    }),
  );
  const ms = performance.now() - t;
  report('Throughput: 1,000 mixed tool calls (WASM, QuickJS script, calculator), 8 in flight, 2 cores', {
    'calls per second': `${fmt((1000 / ms) * 1000, 0)}`,
    failures: `${failures}`,
  });
  await quickjs.close();
}

await pool.close();
await bareWorker.terminate();
