import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { NodeRuntime } from '../src/node/runtime/node-runtime.js';
import { startScriptedLlmServer, type ScriptedLlmServer } from '../src/node/testing/index.js';
import { repoRoot } from './helpers/run-cli.js';

let llm: ScriptedLlmServer;
let dir: string;

beforeAll(async () => {
  llm = await startScriptedLlmServer();
  dir = mkdtempSync(join(tmpdir(), 'agentbox-e2e-'));
  writeFileSync(join(dir, 'secret.txt'), 'top secret');
  writeFileSync(
    join(dir, 'slugify.json'),
    JSON.stringify({
      name: 'slugify',
      description: 'Turns a title into a URL slug',
      parameters: { type: 'object', properties: { title: { type: 'string' } }, required: ['title'] },
      source: "export default ({ title }) => ({ slug: title.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '') })",
    }),
  );
});
afterAll(() => llm.close());

describe('the agent loop with sandboxed tools and permissions', () => {
  it('calls a WASM tool, a script tool and a denied tool, and the model reads every result', async () => {
    const runtime = await NodeRuntime.init({
      llm: { baseUrl: llm.url, model: 'test' },
      store: { kind: 'memory' },
      tools: {
        wasm: [{ manifest: join(repoRoot, 'examples/wasm-tools/text-stats/manifest.json') }],
        scripts: [{ manifest: join(dir, 'slugify.json') }],
        fs: { fsRoots: [{ path: dir }] },
      },
      auth: {
        roles: { analyst: { allow: ['tool:invoke:*'], deny: ['tool:invoke:fs_*'] } },
        principals: { alice: { roles: ['analyst'] } },
      },
    });
    try {
      llm.enqueue(
        {
          type: 'tool-calls',
          calls: [
            { name: 'text_stats', arguments: { text: 'to be or not to be' } },
            { name: 'slugify', arguments: { title: 'Hello, Sandboxed World!' } },
            { name: 'fs_read', arguments: { path: 'secret.txt' } },
          ],
        },
        { type: 'text', text: 'done' },
      );
      const session = await runtime.process({ input: 'analyse', session: { owner: 'alice' } });
      expect(session.state).toBe('completed');
      const results = Object.fromEntries(session.messages.filter((m) => m.role === 'tool').map((m) => [m.name, JSON.parse(m.content)]));
      expect(results.text_stats).toMatchObject({ words: 6, uniqueWords: 4 });
      expect(results.text_stats.topWords.slice(0, 2).map((w: { count: number }) => w.count)).toEqual([2, 2]);
      expect(results.slugify).toEqual({ slug: 'hello-sandboxed-world' });
      expect(results.fs_read.error.code).toBe('TOOL_DENIED');
      expect(results.fs_read.error.message).toContain('permission denied');
      expect(JSON.stringify(session.messages)).not.toContain('top secret');

      // The model's second request carried all three results.
      const toolMessages = llm.requests.at(-1)!.body.messages!.filter((m) => m.role === 'tool');
      expect(toolMessages).toHaveLength(3);

      // Every decision is an audit event; the sandboxed call records its resources.
      const events = await runtime.events(session.id);
      const denied = events.filter((e) => e.type === 'auth.denied');
      expect(denied).toHaveLength(1);
      expect(denied[0]).toMatchObject({ permission: 'tool:invoke:fs_read', principal: 'alice', rule: 'role analyst deny tool:invoke:fs_*' });
      expect(events.filter((e) => e.type === 'auth.allowed')).toHaveLength(2);
      const wasmCall = events.find((e) => e.type === 'tool.completed' && e.name === 'text_stats');
      expect(wasmCall?.type === 'tool.completed' && wasmCall.resources?.peakMemoryBytes).toBeGreaterThan(0);
      expect(wasmCall?.type === 'tool.completed' && wasmCall.resources?.cpuMs).toBeGreaterThanOrEqual(0);
      const scriptCall = events.find((e) => e.type === 'tool.completed' && e.name === 'slugify');
      // QuickJS's linear memory starts at 16 MiB: its peak is at least that.
      expect(scriptCall?.type === 'tool.completed' && scriptCall.resources?.peakMemoryBytes).toBeGreaterThanOrEqual(16 * 1024 * 1024);
      expect(scriptCall?.type === 'tool.completed' && scriptCall.resources?.cpuMs).toBeGreaterThanOrEqual(0);
      expect(readFileSync(join(dir, 'secret.txt'), 'utf8')).toBe('top secret');
    } finally {
      await runtime.close();
    }
  });

  it('fails at startup, naming the file, for a broken tool manifest', async () => {
    const bad = join(dir, 'bad.json');
    writeFileSync(bad, JSON.stringify({ name: 'x', description: 'y', parameters: {}, source: '' }));
    await expect(NodeRuntime.init({ store: { kind: 'memory' }, tools: { scripts: [{ manifest: bad }] } })).rejects.toThrow(bad);
  });
});
