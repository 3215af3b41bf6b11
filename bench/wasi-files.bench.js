/**
 * A file-heavy WASI program (bench/wasi-files/wasi-files.c, C with wasi-libc) under agentbox
 * beside the same module under node:wasi, in the same run: create, write, read back and
 * delete 1,000 small files; then read a 200 MiB file (made here, in a temp dir) in 1 MiB
 * pieces. agentbox runs it the real way, on its worker pool over the Node directory
 * adapter (every open walks the grant from its root descriptor); node:wasi (uvwasi) on the
 * main thread. Each timing includes instantiation; runs alternate, medians are compared.
 * Peak memory of the big read is the process RSS sampled every 5 ms, less the RSS just
 * before the run (the worker is already warm), and the guest's own linear memory.
 */
import { closeSync, mkdtempSync, openSync, readFileSync, rmSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { WASI } from 'node:wasi';
import { WasmModuleCache } from '../dist/sandbox/index.js';
import { NodeWasmHost } from '../dist/node/index.js';
import { fmt, report, summarize } from './stats.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const bytes = new Uint8Array(readFileSync(join(root, 'bench/wasi-files/wasi-files.wasm')));
const runs = Number(process.env.BENCH_RUNS ?? 3);
const BIG_MIB = Number(process.env.BENCH_BIG_MIB ?? 200);
const MiB = 1 << 20;

const dir = mkdtempSync(join(tmpdir(), 'agentbox-bench-wasi-files-'));
const out = mkdtempSync(join(tmpdir(), 'agentbox-bench-wasi-out-'));
{
  // Bytes vary per MiB so a dropped or repeated piece changes the sum both hosts print.
  const fd = openSync(join(dir, 'big.bin'), 'w');
  const chunk = Buffer.alloc(MiB);
  for (let i = 0; i < BIG_MIB; i += 1) {
    chunk.fill(i % 251);
    writeSync(fd, chunk);
  }
  closeSync(fd);
}

const pool = new NodeWasmHost({ size: 1 });
const loaded = await new WasmModuleCache().load(bytes, { memoryMb: 16, label: 'wasi-files' });
const compiled = await WebAssembly.compile(bytes);

async function underAgentbox(mode) {
  const started = performance.now();
  const result = await pool.run({
    loaded,
    argv0: 'wasi-files',
    args: [mode],
    dirs: [{ path: dir, guest: '.', write: true }],
    timeoutMs: 300_000,
    maxOutputBytes: 4096,
  });
  const ms = performance.now() - started;
  if (result.exitCode !== 0) throw new Error(`agentbox ${mode}: exit ${result.exitCode} ${new TextDecoder().decode(result.stderr)}`);
  return { ms, stdout: new TextDecoder().decode(result.stdout), memoryBytes: result.memoryBytes };
}

async function underNodeWasi(mode) {
  const stdoutPath = join(out, `${mode}.txt`);
  const stdout = openSync(stdoutPath, 'w');
  const started = performance.now();
  const wasi = new WASI({ version: 'preview1', args: ['wasi-files', mode], preopens: { '.': dir }, stdout, returnOnExit: true });
  const instance = await WebAssembly.instantiate(compiled, { wasi_snapshot_preview1: wasi.wasiImport });
  const code = wasi.start(instance);
  const ms = performance.now() - started;
  closeSync(stdout);
  if (code !== 0) throw new Error(`node:wasi ${mode}: exit ${code}`);
  return { ms, stdout: readFileSync(stdoutPath, 'utf8') };
}

/** Peak RSS growth while `run` goes, sampled every 5 ms (the guest runs on a worker thread). */
async function peakRss(run) {
  const before = process.memoryUsage.rss();
  let peak = before;
  const timer = setInterval(() => {
    peak = Math.max(peak, process.memoryUsage.rss());
  }, 5);
  try {
    const result = await run();
    peak = Math.max(peak, process.memoryUsage.rss());
    return { result, growth: peak - before };
  } finally {
    clearInterval(timer);
  }
}

// Correctness first, and a warm-up for both (the big file lands in the page cache).
for (const mode of ['small', 'big']) {
  const a = await underAgentbox(mode);
  const n = await underNodeWasi(mode);
  if (a.stdout !== n.stdout) throw new Error(`outputs differ for ${mode}: ${a.stdout} vs ${n.stdout}`);
}

const times = { small: { agentbox: [], node: [] }, big: { agentbox: [], node: [] } };
let rssGrowth = 0;
let guestMemory = 0;
let nodeRssGrowth = 0;
for (let i = 0; i < runs; i += 1) {
  times.small.agentbox.push((await underAgentbox('small')).ms);
  times.small.node.push((await underNodeWasi('small')).ms);
  const big = await peakRss(() => underAgentbox('big'));
  times.big.agentbox.push(big.result.ms);
  rssGrowth = Math.max(rssGrowth, big.growth);
  guestMemory = Math.max(guestMemory, big.result.memoryBytes);
  const nodeBig = await peakRss(() => underNodeWasi('big'));
  times.big.node.push(nodeBig.result.ms);
  nodeRssGrowth = Math.max(nodeRssGrowth, nodeBig.growth);
}

const small = { a: summarize(times.small.agentbox).median, n: summarize(times.small.node).median };
const big = { a: summarize(times.big.agentbox).median, n: summarize(times.big.node).median };
report(`WASI file I/O: agentbox (worker pool, Node adapter) vs node:wasi, median of ${runs}`, {
  '1,000 small files: agentbox ms': fmt(small.a, 1),
  '1,000 small files: node:wasi ms': fmt(small.n, 1),
  '1,000 small files: ratio (target ≤ 2×)': `${fmt(small.a / small.n, 2)}×`,
  [`${BIG_MIB} MiB in 1 MiB reads: agentbox ms`]: `${fmt(big.a, 1)} (${fmt((BIG_MIB / big.a) * 1000, 0)} MiB/s)`,
  [`${BIG_MIB} MiB in 1 MiB reads: node:wasi ms`]: `${fmt(big.n, 1)} (${fmt((BIG_MIB / big.n) * 1000, 0)} MiB/s)`,
  [`${BIG_MIB} MiB read: ratio (target ≤ 2×)`]: `${fmt(big.a / big.n, 2)}×`,
  'big read: agentbox peak RSS growth (< 64 MB)': `${fmt(rssGrowth / MiB, 1)} MiB (node:wasi ${fmt(nodeRssGrowth / MiB, 1)} MiB)`,
  'big read: guest linear memory': `${fmt(guestMemory / MiB, 2)} MiB`,
});

await pool.close();
rmSync(dir, { recursive: true, force: true });
rmSync(out, { recursive: true, force: true });
