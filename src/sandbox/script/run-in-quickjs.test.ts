import { describe, expect, it } from 'vitest';
import { prepareScriptRun } from './prepare-script-run.js';
import { maximumPagesFor, QuickJsInstancePool } from './quickjs-instance-pool.js';
import { createQuickJsSandbox } from './quickjs-sandbox.js';
import { runInQuickJs } from './run-in-quickjs.js';

const MiB = 1_048_576;
const limits = { timeoutMs: 3_000, memoryMb: 24, maxOutputBytes: 65_536, args: {} };

describe('runInQuickJs and the instance pool', () => {
  it('holds an allocation bomb under the memory ceiling, then drops the instance', async () => {
    const pool = new QuickJsInstancePool();
    const instance = await pool.acquire(24);
    const bomb = prepareScriptRun({ ...limits, source: 'export default () => { const a = []; for (;;) a.push({ n: a.length }); }' });
    const outcome = await runInQuickJs(instance, bomb, { maxStackBytes: 192 * 1024 });
    expect(outcome.error?.code).toBe('SANDBOX_MEMORY_LIMIT');
    expect(outcome.reusable).toBe(false);
    expect(instance.memory.buffer.byteLength).toBeLessThanOrEqual(24 * MiB);
    pool.release(instance, outcome.reusable);
    expect(await pool.acquire(24)).not.toBe(instance);
  });

  it('reuses an instance after a clean run, with a fresh context each time', async () => {
    const pool = new QuickJsInstancePool();
    const instance = await pool.acquire(24);
    const leak = prepareScriptRun({ ...limits, source: 'globalThis.leaked = 1; export default () => typeof globalThis.leaked' });
    const first = await runInQuickJs(instance, leak, { maxStackBytes: 192 * 1024 });
    expect(first).toEqual({ json: '"number"', reusable: true });
    pool.release(instance, first.reusable);
    const again = await pool.acquire(24);
    expect(again).toBe(instance);
    const check = prepareScriptRun({ ...limits, source: 'export default () => typeof globalThis.leaked' });
    await expect(runInQuickJs(again, check, { maxStackBytes: 192 * 1024 })).resolves.toEqual({ json: '"undefined"', reusable: true });
  });

  it('makes runs beyond maxInstances wait for a free instance', async () => {
    const sandbox = createQuickJsSandbox({ maxInstances: 1 });
    let inFlight = 0;
    let most = 0;
    const host = {
      hold: async () => {
        inFlight += 1;
        most = Math.max(most, inFlight);
        await new Promise((resolve) => setTimeout(resolve, 30));
        inFlight -= 1;
        return null;
      },
    };
    const source = 'export default async (args, host) => { await host.hold(); return args.id; }';
    const ids = await Promise.all([1, 2, 3].map((id) => sandbox.run({ ...limits, source, args: { id }, host })));
    expect(ids).toEqual([1, 2, 3]);
    expect(most).toBe(1);
    await sandbox.close();
  });

  it('raises a ceiling below the QuickJS floor to 16 MiB, and rounds up to whole pages', () => {
    expect(maximumPagesFor(4)).toBe(256);
    expect(maximumPagesFor(32)).toBe(512);
    expect(maximumPagesFor(16.01)).toBe(257);
  });

  it('reports a host-side stack overflow as a stack overflow and keeps working', async () => {
    // A QuickJS stack limit far above what the host's native stack can hold: the WASM call
    // itself overflows, which must still end as a clean error.
    const sandbox = createQuickJsSandbox({ maxStackBytes: 4 * MiB });
    const run = { ...limits, source: 'export default () => { const f = (n) => f(n + 1) + 1; return f(0); }' };
    await expect(sandbox.run(run)).rejects.toMatchObject({ code: 'TOOL_FAILED', details: { reason: 'stack-overflow' } });
    await expect(sandbox.run({ ...limits, source: 'export default () => 7' })).resolves.toBe(7);
    await sandbox.close();
  });
});
