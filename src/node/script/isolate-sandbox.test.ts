import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { describeScriptSandboxContract } from '../../sandbox/script/script-sandbox-contract.test-support.js';
import type { ScriptSandbox } from '../../sandbox/script/script-sandbox.js';
import { buildIsolateChildEntry } from './isolate-child-entry.test-support.js';
import { START_GLOBAL, START_MODULE } from './isolate-guest-bridge.js';
import { createIsolateSandbox } from './isolate-sandbox.js';
import { startLoopbackHttpServer } from './loopback-http-server.test-support.js';

describeScriptSandboxContract('V8 isolate', async () => createIsolateSandbox({ childEntry: await buildIsolateChildEntry() }), {
  startHttpServer: () => startLoopbackHttpServer(),
});

// A run is one async call into an entry module that imports a start module, then the tool.
describe('the V8 entry module', () => {
  let sandbox: ScriptSandbox;
  const limits = { args: {}, timeoutMs: 2_000, memoryMb: 32, maxOutputBytes: 65_536 };
  beforeAll(async () => {
    sandbox = createIsolateSandbox({ maxProcesses: 1, childEntry: await buildIsolateChildEntry() });
  });
  afterAll(() => sandbox.close());

  it('takes the start function away before the tool runs, and refuses an import of it', async () => {
    const source = `const atTop = typeof globalThis.${START_GLOBAL};
      export default () => [atTop, typeof globalThis.${START_GLOBAL}, Object.getOwnPropertyNames(globalThis).includes('${START_GLOBAL}')]`;
    await expect(sandbox.run({ ...limits, source })).resolves.toEqual(['undefined', 'undefined', false]);
    await expect(sandbox.run({ ...limits, source: `import { start } from '${START_MODULE}'; export default () => typeof start` })).rejects.toMatchObject({
      code: 'TOOL_FAILED',
      message: expect.stringMatching(/imports are not allowed/),
    });
  });

  it('fails a module whose top-level await never settles as a load failure, without waiting for the deadline', async () => {
    const started = Date.now();
    await expect(sandbox.run({ ...limits, source: 'await new Promise(() => {}); export default () => 1' })).rejects.toMatchObject({
      code: 'TOOL_FAILED',
      message: expect.stringMatching(/failed to load: .*top-level await never settles/),
    });
    expect(Date.now() - started).toBeLessThan(limits.timeoutMs);
    await expect(sandbox.run({ ...limits, source: 'export default () => "healthy"' })).resolves.toBe('healthy');
  });

  it('runs a tool whose top level awaits, then its default export, in one call', async () => {
    const source = 'const base = await Promise.resolve(20); export default async (args) => base + (await args.n)';
    await expect(sandbox.run({ ...limits, source, args: { n: 22 } })).resolves.toBe(42);
  });
});
