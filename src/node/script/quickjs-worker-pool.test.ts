import { afterEach, describe, expect, it } from 'vitest';
import { describeScriptSandboxContract } from '../../sandbox/script/script-sandbox-contract.test-support.js';
import type { HostCapabilities, ScriptRunOptions } from '../../sandbox/script/script-sandbox.js';
import { createQuickJsWorkerSandbox, type QuickJsWorkerPool, type QuickJsWorkerSandboxOptions } from './quickjs-worker-pool.js';
import { startLoopbackHttpServer } from './loopback-http-server.test-support.js';

describeScriptSandboxContract('QuickJS in worker threads', () => createQuickJsWorkerSandbox({ perProcess: 2 }), {
  startHttpServer: () => startLoopbackHttpServer(),
});

const MiB = 1_048_576;
const limits = { args: {}, timeoutMs: 3_000, memoryMb: 32, maxOutputBytes: 65_536 };
/**
 * QuickJS checks its interrupt handler only when running bytecode; sorting copies of one
 * 1 MiB string compares them in C for seconds (≈5 s for 1,000 on this machine) without a
 * check. On the calling thread it overran a 100 ms deadline by that much.
 */
const UNINTERRUPTIBLE = "export default () => { const s = 'x'.repeat(1 << 20); const a = new Array(3000).fill(s); a.sort(); return a.length; }";

let pool: QuickJsWorkerPool | undefined;
afterEach(async () => {
  await pool?.close();
  pool = undefined;
});

async function open(options: QuickJsWorkerSandboxOptions): Promise<QuickJsWorkerPool> {
  pool = createQuickJsWorkerSandbox(options);
  await pool.ready();
  return pool;
}

/** The longest gap between ticks of a 10 ms interval while `work` runs: how long this thread was held. */
async function longestStall<T>(work: Promise<T>): Promise<{ stallMs: number; settled: PromiseSettledResult<T> }> {
  let last = performance.now();
  let stallMs = 0;
  const ticker = setInterval(() => {
    const now = performance.now();
    stallMs = Math.max(stallMs, now - last);
    last = now;
  }, 10);
  const [settled] = await Promise.allSettled([work]);
  clearInterval(ticker);
  return { stallMs, settled: settled as PromiseSettledResult<T> };
}

/** A host capability that parks each call until `release()`, counting calls in flight. */
function holdingHost(): { host: HostCapabilities; inFlight: () => number; most: () => number; started: string[]; release: () => void } {
  let inFlight = 0;
  let most = 0;
  const started: string[] = [];
  const parked: Array<() => void> = [];
  const host: HostCapabilities = {
    hold: async ({ args }) => {
      inFlight += 1;
      most = Math.max(most, inFlight);
      started.push(String(args[0]));
      await new Promise<void>((resolve) => parked.push(resolve));
      inFlight -= 1;
      return null;
    },
  };
  return { host, inFlight: () => inFlight, most: () => most, started, release: () => parked.splice(0).forEach((wake) => wake()) };
}

const until = async (check: () => boolean): Promise<void> => {
  for (let i = 0; i < 500 && !check(); i += 1) await new Promise((resolve) => setTimeout(resolve, 10));
  expect(check()).toBe(true);
};

/** Lets parked host calls go, again and again, until every run has settled. */
async function releaseUntilSettled<T>(runs: Array<Promise<T>>, release: () => void): Promise<T[]> {
  let settled = false;
  const all = Promise.all(runs).finally(() => (settled = true));
  while (!settled) {
    release();
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  return all;
}

describe('the QuickJS worker pool', () => {
  it('terminates and replaces a worker whose guest QuickJS cannot interrupt, while this thread stays free', async () => {
    const sandbox = await open({ perProcess: 1 });
    const started = performance.now();
    const { stallMs, settled } = await longestStall(sandbox.run({ ...limits, source: UNINTERRUPTIBLE, timeoutMs: 300 }));
    expect(settled.status).toBe('rejected');
    expect((settled as PromiseRejectedResult).reason).toMatchObject({
      code: 'TOOL_TIMEOUT',
      message: expect.stringMatching(/did not finish within 300 ms \(its worker was stopped and replaced\)/),
    });
    expect(performance.now() - started).toBeLessThan(300 + 2_500);
    // On this thread the sort would have held it for seconds; a loaded machine may add a little.
    expect(stallMs).toBeLessThan(1_000);
    expect(sandbox.stats()).toMatchObject({ terminated: 1 });
    await expect(sandbox.run({ ...limits, source: 'export default () => "fresh worker"' })).resolves.toBe('fresh worker');
    expect(sandbox.stats()).toMatchObject({ workers: 1, busy: 0, queued: 0 });
  });

  it('cancels a run stuck in synchronous code by terminating its worker, with the caller’s reason', async () => {
    const sandbox = await open({ perProcess: 1 });
    const controller = new AbortController();
    setTimeout(() => controller.abort(new Error('turn cancelled')), 100);
    const started = performance.now();
    const run = sandbox.run({ ...limits, source: 'export default () => { for (;;) {} }', timeoutMs: 10_000, signal: controller.signal });
    await expect(run).rejects.toMatchObject({ code: 'CANCELLED' });
    expect(performance.now() - started).toBeLessThan(2_500);
    expect(sandbox.stats().terminated).toBe(1);
  });

  it('cancels a run waiting on a host call without losing its worker', async () => {
    const sandbox = await open({ perProcess: 1 });
    const { host, inFlight } = holdingHost();
    const controller = new AbortController();
    const run = sandbox.run({ ...limits, source: 'export default (args, host) => host.hold(1)', host, signal: controller.signal });
    await until(() => inFlight() === 1);
    controller.abort(new Error('stop'));
    await expect(run).rejects.toMatchObject({ code: 'CANCELLED' });
    expect(sandbox.stats()).toMatchObject({ terminated: 0, completed: 1 });
  });

  it('runs at most perProcess scripts at once and queues the rest, failing none', async () => {
    const sandbox = await open({ perProcess: 2, perSession: 10 });
    const { host, most, inFlight, release } = holdingHost();
    const source = 'export default async (args, host) => { await host.hold(args.id); return args.id; }';
    const runs = [1, 2, 3, 4, 5].map((id) => sandbox.run({ ...limits, source, args: { id }, host, sessionId: 's' }));
    for (const run of runs) run.catch(() => undefined); // a failing assertion must not leave them unhandled
    await until(() => inFlight() === 2);
    expect(sandbox.stats()).toMatchObject({ busy: 2, queued: 3 });
    await expect(releaseUntilSettled(runs, release)).resolves.toEqual([1, 2, 3, 4, 5]);
    expect(most()).toBe(2);
  });

  it('runs at most perSession scripts of one session at once; other sessions go ahead of its queue', async () => {
    const sandbox = await open({ perProcess: 3, perSession: 1 });
    const { host, started, inFlight, release } = holdingHost();
    const source = 'export default async (args, host) => { await host.hold(args.tag); return args.tag; }';
    const run = (tag: string, sessionId: string): Promise<unknown> => sandbox.run({ ...limits, source, args: { tag }, host, sessionId });
    const runs = [run('a1', 'a'), run('a2', 'a'), run('a3', 'a'), run('b1', 'b')];
    for (const pending of runs) pending.catch(() => undefined); // a failing assertion must not leave them unhandled
    await until(() => inFlight() === 2);
    // Three workers, but session a holds only one: b1 overtook a2 and a3.
    expect([...started].sort()).toEqual(['a1', 'b1']);
    expect(sandbox.stats()).toMatchObject({ busy: 2, queued: 2 });
    await expect(releaseUntilSettled(runs, release)).resolves.toEqual(['a1', 'a2', 'a3', 'b1']);
    expect(started.slice(2)).toEqual(['a2', 'a3']);
  });

  it('starts a queued run’s deadline when it starts, and says so through onStart', async () => {
    const sandbox = await open({ perProcess: 1 });
    // Each run computes for ~250 ms of its 400 ms: the second would fail if its wait counted.
    const source = 'export default () => { const end = Date.now() + 250; while (Date.now() < end) {} return "done"; }';
    const startedAt: number[] = [];
    const options = (): ScriptRunOptions => ({ ...limits, source, timeoutMs: 400, onStart: () => startedAt.push(performance.now()) });
    const submitted = performance.now();
    await expect(Promise.all([sandbox.run(options()), sandbox.run(options())])).resolves.toEqual(['done', 'done']);
    expect(startedAt).toHaveLength(2);
    expect(startedAt[1]! - submitted).toBeGreaterThan(200);
  });

  it('reports the instance’s peak memory, which grows with what the guest allocated', async () => {
    const sandbox = await open({ perProcess: 1 });
    const peaks: Array<number | undefined> = [];
    const onResources = (usage: { peakMemoryBytes?: number }): void => void peaks.push(usage.peakMemoryBytes);
    await sandbox.run({ ...limits, source: 'export default () => 1', onResources });
    await sandbox.run({ ...limits, memoryMb: 64, source: 'export default () => new Uint8Array(40 * 1024 * 1024).length', onResources });
    expect(peaks[0]).toBeGreaterThanOrEqual(16 * MiB);
    expect(peaks[1]).toBeGreaterThan(40 * MiB);
    expect(peaks[1]).toBeLessThanOrEqual(64 * MiB);
  });
});
