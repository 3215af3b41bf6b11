import { describe, it, expect, afterAll } from 'vitest';
import { getEventListeners } from 'node:events';
import { AgentboxError } from '../../errors/index.js';
import { WasmModuleCache, type WasmJob } from '../../sandbox/wasm/index.js';
import { echoGuest, infiniteLoopGuest, memoryBombGuest, outputBombGuest, writeGuest } from '../../sandbox/wasm/testing/wasi-test-guests.js';
import { NodeWasmHost } from './node-wasm-host.js';

const cache = new WasmModuleCache();
const pool = new NodeWasmHost({ size: 2 });
afterAll(() => pool.close());

async function job(bytes: Uint8Array, overrides: Partial<WasmJob> = {}, memoryMb = 4): Promise<WasmJob> {
  return { loaded: await cache.load(bytes, { memoryMb }), timeoutMs: 5_000, maxOutputBytes: 1 << 20, ...overrides };
}

async function rejection(promise: Promise<unknown>): Promise<AgentboxError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!AgentboxError.isInstance(error)) throw new Error(`expected an AgentboxError, got ${String(error)}`);
  return error;
}

const text = (bytes: Uint8Array): string => new TextDecoder().decode(bytes);

describe('NodeWasmHost', () => {
  it('runs a guest in a worker and returns its output', async () => {
    await pool.ready();
    const result = await pool.run(await job(echoGuest(), { stdin: new TextEncoder().encode('ping') }));
    expect(result.exitCode).toBe(0);
    expect(text(result.stdout)).toBe('ping');
  });

  it('stops an infinite loop at the deadline, replaces the worker and keeps serving', async () => {
    const started = performance.now();
    const error = await rejection(pool.run(await job(infiniteLoopGuest(), { timeoutMs: 200 })));
    const elapsed = performance.now() - started;
    expect(error.code).toBe('TOOL_TIMEOUT');
    expect(error.details).toMatchObject({ limit: 'timeout', timeoutMs: 200 });
    expect(error.details?.stopMs as number).toBeLessThan(1_000);
    expect(elapsed).toBeGreaterThanOrEqual(195);
    // The next call works (on the replacement or the other worker).
    const next = await pool.run(await job(writeGuest({ text: 'alive' })));
    expect(text(next.stdout)).toBe('alive');
    await pool.ready();
    await new Promise((resolve) => setTimeout(resolve, 200));
    const stats = pool.stats();
    expect(stats.timeouts).toBe(1);
    expect(stats.workers).toBe(2);
    expect(stats.lastTimeout?.replaceMs).toBeGreaterThanOrEqual(stats.lastTimeout?.stopMs ?? Infinity);
  });

  it('reports the memory limit of a memory bomb and survives it', async () => {
    const error = await rejection(pool.run(await job(memoryBombGuest(), {}, 16)));
    expect(error.code).toBe('SANDBOX_MEMORY_LIMIT');
    expect(error.details).toMatchObject({ limit: 'memory', limitBytes: 16 * 1048576 });
    expect((await pool.run(await job(writeGuest({ text: 'ok' })))).exitCode).toBe(0);
  });

  it('reports the output limit of an output bomb', async () => {
    const error = await rejection(pool.run(await job(outputBombGuest(), { maxOutputBytes: 64 * 1024 })));
    expect(error.code).toBe('SANDBOX_OUTPUT_LIMIT');
    expect(error.details).toMatchObject({ limit: 'output', stream: 'stdout', limitBytes: 65536 });
  });

  it('cancels a running call through its signal', async () => {
    const controller = new AbortController();
    const pending = pool.run(await job(infiniteLoopGuest(), { signal: controller.signal, timeoutMs: 10_000 }));
    setTimeout(() => controller.abort(), 50);
    expect((await rejection(pending)).code).toBe('CANCELLED');
    expect((await pool.run(await job(writeGuest({ text: 'ok' })))).exitCode).toBe(0);
  });

  it('shares one abort listener per signal and cancels every call on it', async () => {
    const shared = new AbortController();
    const quick = await Promise.all(Array.from({ length: 12 }, () => job(writeGuest({ text: 'q' }), { signal: shared.signal })));
    const runs = quick.map((j) => pool.run(j));
    expect(getEventListeners(shared.signal, 'abort')).toHaveLength(1);
    await Promise.all(runs);
    expect(getEventListeners(shared.signal, 'abort')).toHaveLength(0);
    const loops = await Promise.all(Array.from({ length: 3 }, () => job(infiniteLoopGuest(), { signal: shared.signal, timeoutMs: 10_000 })));
    const pending = loops.map((j) => rejection(pool.run(j)));
    setTimeout(() => shared.abort(), 50);
    expect((await Promise.all(pending)).map((e) => e.code)).toEqual(['CANCELLED', 'CANCELLED', 'CANCELLED']);
    expect((await pool.run(await job(writeGuest({ text: 'ok' })))).exitCode).toBe(0);
  });

  it('queues more calls than workers and runs them all', async () => {
    const jobs = await Promise.all(Array.from({ length: 8 }, (_, i) => job(writeGuest({ text: `n${i}` }))));
    const results = await Promise.all(jobs.map((j) => pool.run(j)));
    expect(results.map((r) => text(r.stdout))).toEqual(jobs.map((_, i) => `n${i}`));
  });

  it('streams output live when asked', async () => {
    const chunks: string[] = [];
    const result = await pool.run(await job(writeGuest({ text: 'live' }), { onOutput: (stream, chunk) => chunks.push(`${stream}:${text(chunk)}`) }));
    expect(chunks).toEqual(['stdout:live']);
    expect(result.stdout.byteLength).toBe(0);
  });

  it('refuses calls after close', async () => {
    const closing = new NodeWasmHost({ size: 1 });
    await closing.ready();
    await closing.close();
    expect((await rejection(closing.run(await job(writeGuest({ text: 'x' }))))).code).toBe('CANCELLED');
  });
});
