import { describe, expect, it } from 'vitest';
import { createWorkerRuntimeFactory } from './create-worker-runtime.js';

describe('createWorkerRuntimeFactory', () => {
  it('says script tools are not available when the build has no script backend', async () => {
    const factory = createWorkerRuntimeFactory();
    const script = { name: 'echo', description: 'echo', parameters: {}, source: 'export default (a) => a' };
    await expect(factory({ store: { kind: 'memory' }, tools: { scripts: [script] } })).rejects.toMatchObject({
      code: 'CONFIG_INVALID',
      message: 'script tools are not available in this build',
    });
  });

  it('builds without an LLM endpoint, and every turn then fails saying how to configure one', async () => {
    const { runtime, info } = await createWorkerRuntimeFactory()({ store: { kind: 'memory' }, tools: { requireApproval: ['calculator'] } });
    expect(info.llm).toBeUndefined();
    expect(info.scriptTools).toBe(false);
    expect(info.tools).toContainEqual(expect.objectContaining({ name: 'calculator', needsApproval: true }));
    await expect(runtime.process({ input: 'hi' })).rejects.toMatchObject({ code: 'CONFIG_INVALID', message: expect.stringMatching(/baseUrl=/) });
    const [summary] = await runtime.listSessions();
    expect(summary?.state).toBe('failed');
    await runtime.close();
  });

  it('rejects unknown built-in tool names and WASM tools without bytes or url', async () => {
    const factory = createWorkerRuntimeFactory();
    await expect(factory({ store: { kind: 'memory' }, agent: { tools: ['calculater'] } })).rejects.toMatchObject({ code: 'CONFIG_INVALID' });
    await expect(
      factory({ store: { kind: 'memory' }, tools: { wasm: [{ manifest: { name: 'x', description: 'x', parameters: {} } }] } }),
    ).rejects.toMatchObject({ code: 'CONFIG_INVALID' });
  });
});
