import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ToolExecutor } from '../../agent/tools/tool-executor.js';
import { ToolRegistry } from '../../agent/tools/tool-registry.js';
import type { ToolContext } from '../../agent/tools/tool.js';
import type { Capabilities } from '../../auth/capabilities.js';
import type { EventPayload } from '../../engine/events.js';
import { AgentboxError } from '../../errors/index.js';
import { startLoopbackHttpServer, type LoopbackHttpServer } from '../../node/script/loopback-http-server.test-support.js';
import { createScriptTool } from './create-script-tool.js';
import { createQuickJsSandbox } from './quickjs-sandbox.js';
import type { ScriptSandbox } from './script-sandbox.js';

const base = {
  name: 'word_count',
  description: 'Counts the words of a text',
  parameters: { type: 'object', properties: { text: { type: 'string' } }, required: ['text'] },
  source: 'export default ({ text }) => ({ words: text.split(/\\s+/).filter(Boolean).length })',
};

function context(signal = new AbortController().signal): ToolContext {
  return { signal, sessionId: 's1', callId: 'c1', principal: 'tester' };
}

describe('createScriptTool', () => {
  let sandbox: ScriptSandbox;
  let server: LoopbackHttpServer;
  beforeAll(async () => {
    sandbox = createQuickJsSandbox();
    server = await startLoopbackHttpServer();
  });
  afterAll(async () => {
    await sandbox.close();
    await server.close();
  });

  it('turns a manifest into a Tool whose execute runs the source in the sandbox', async () => {
    const tool = createScriptTool({ ...base, capabilities: { timeoutMs: 2_000 } }, sandbox);
    expect(tool).toMatchObject({ name: 'word_count', description: base.description, parameters: base.parameters, timeoutMs: 3_000 });
    expect(tool.capabilities).toEqual({ hosts: [], timeoutMs: 2_000, memoryMb: 64 });
    await expect(tool.execute({ text: 'one two  three' }, context())).resolves.toEqual({ words: 3 });
  });

  it('refuses an invalid manifest, naming every bad field', () => {
    const bad = { ...base, name: 'has space', capabilities: { memoryMb: -1, hosts: ['http://x.com/path'], disk: true } };
    let error: unknown;
    try {
      createScriptTool(bad, sandbox);
    } catch (caught) {
      error = caught;
    }
    expect(AgentboxError.isInstance(error) && error.code).toBe('INVALID_INPUT');
    const message = (error as Error).message;
    expect(message).toMatch(/name: must be 1–64 letters/);
    expect(message).toMatch(/capabilities\.memoryMb/);
    expect(message).toMatch(/capabilities\.hosts\.0: must be host, host:port or \*\.domain/);
    expect(message).toMatch(/capabilities: Unrecognized key: "disk"/);
  });

  it('refuses the old `fetchHosts` spelling, naming the new key', () => {
    expect(() => createScriptTool({ ...base, capabilities: { fetchHosts: ['example.com'] } }, sandbox)).toThrow(
      /capabilities\.fetchHosts: `fetchHosts` was renamed to `hosts`/,
    );
  });

  it('refuses a manifest asking for a backend that is not available', () => {
    expect(() => createScriptTool({ ...base, backend: 'v8' }, [sandbox])).toThrow(/asks for the v8 backend.*available: quickjs/);
  });

  it('grants host.fetch exactly when the manifest names hosts, and only to those hosts', async () => {
    const source = `export default async ({ path }, host) => {
      if (!host.fetch) return 'no fetch';
      try { return (await host.fetch(path)).body; } catch (e) { return e.message; }
    }`;
    const parameters = { type: 'object' };
    const without = createScriptTool({ ...base, parameters, source }, sandbox);
    await expect(without.execute({ path: `${server.origin}/hello` }, context())).resolves.toBe('no fetch');
    const granted = createScriptTool({ ...base, parameters, source, capabilities: { hosts: [`127.0.0.1:${server.port}`] } }, sandbox);
    await expect(granted.execute({ path: `${server.origin}/hello` }, context())).resolves.toBe('hello from the host');
    await expect(granted.execute({ path: `http://localhost:${server.port}/private` }, context())).resolves.toMatch(
      /host denied: localhost:\d+ is not among the granted hosts/,
    );
    expect(server.requests).not.toContain('GET /private');
  });

  it("narrows host.fetch to the hosts the caller's roles grant", async () => {
    const source = `export default async ({ path }, host) => {
      if (!host.fetch) return 'no fetch';
      try { return (await host.fetch(path)).body; } catch (e) { return e.message; }
    }`;
    const tool = createScriptTool({ ...base, parameters: { type: 'object' }, source, capabilities: { hosts: [`127.0.0.1:${server.port}`] } }, sandbox);
    expect(tool.capabilities).toMatchObject({ hosts: [`127.0.0.1:${server.port}`] });
    const before = server.requests.length;
    // The roles grant no host: the intersection is empty, so host.fetch is not there at all.
    await expect(tool.execute({ path: `${server.origin}/hello` }, { ...context(), capabilities: { hosts: [] } })).resolves.toBe('no fetch');
    await expect(tool.execute({ path: `${server.origin}/hello` }, { ...context(), capabilities: { hosts: [`127.0.0.1:${server.port}`] } })).resolves.toBe(
      'hello from the host',
    );
    expect(server.requests.length).toBe(before + 1);
  });

  it("never reaches beyond the manifest, even when the call's capabilities grant more", async () => {
    const source = `export default async ({ path }, host) => {
      if (!host.fetch) return 'no fetch';
      try { return (await host.fetch(path)).body; } catch (e) { return e.message; }
    }`;
    const tool = createScriptTool({ ...base, parameters: { type: 'object' }, source, capabilities: { hosts: ['example.com'] } }, sandbox);
    const before = server.requests.length;
    // A custom `authorize` hands back every host: the manifest still asked for example.com only.
    const everything = { ...context(), capabilities: { hosts: ['*'] } };
    await expect(tool.execute({ path: `${server.origin}/hello` }, everything)).resolves.toMatch(/host denied: 127\.0\.0\.1:\d+ is not among the granted hosts/);
    // A malformed grant (plain JavaScript) narrows to nothing: no host.fetch at all.
    const malformed = { ...context(), capabilities: { hosts: 'all' } as unknown as Capabilities };
    await expect(tool.execute({ path: `${server.origin}/hello` }, malformed)).resolves.toBe('no fetch');
    expect(server.requests.length).toBe(before);
  });

  it('applies the manifest memory limit', async () => {
    const tool = createScriptTool(
      { ...base, source: 'export default () => { const a = []; for (;;) a.push([a.length]); }', capabilities: { memoryMb: 20 } },
      sandbox,
    );
    await expect(tool.execute({ text: '' }, context())).rejects.toMatchObject({ code: 'SANDBOX_MEMORY_LIMIT' });
  });

  it('runs under the tool executor, which turns a runaway script into a result the model can read', async () => {
    const loop = createScriptTool({ ...base, name: 'spin', source: 'export default () => { for (;;) {} }', capabilities: { timeoutMs: 200 } }, sandbox);
    const executor = new ToolExecutor({ registry: new ToolRegistry([createScriptTool(base, sandbox), loop]) });
    const events: EventPayload[] = [];
    const results = await executor.execute(
      [
        { id: 'a', name: 'word_count', arguments: '{"text":"a b c d"}' },
        { id: 'b', name: 'spin', arguments: '{"text":""}' },
      ],
      { sessionId: 's1', principal: 'tester', step: 1, signal: new AbortController().signal, emit: (e) => void events.push(e) },
    );
    expect(results[0]).toMatchObject({ ok: true, value: { words: 4 } });
    expect(results[1]).toMatchObject({ ok: false, error: { code: 'TOOL_TIMEOUT', message: 'script did not finish within 200 ms' } });
    expect(events.filter((e) => e.type === 'tool.completed')).toHaveLength(2);
  });
});
