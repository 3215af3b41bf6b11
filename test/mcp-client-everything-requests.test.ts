import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EventPayload } from '../src/engine/events.js';
import { NodeRuntime } from '../src/node/runtime/node-runtime.js';
import { repoRoot } from './helpers/run-cli.js';

// server-everything's roots, sampling, elicitation and progress tools against agentbox's MCP client.
const everything = join(repoRoot, 'node_modules/@modelcontextprotocol/server-everything/dist/index.js');
let runtime: NodeRuntime;
let granted: string;

beforeAll(async () => {
  granted = mkdtempSync(join(tmpdir(), 'agentbox-roots-'));
  runtime = await NodeRuntime.init({
    llm: { baseUrl: 'http://127.0.0.1:9/v1', model: 'm' },
    store: { kind: 'memory' },
    tools: { mcp: { servers: { everything: { command: process.execPath, args: [everything, 'stdio'], roots: true } } } },
    auth: {
      roles: { worker: { allow: ['tool:invoke:*'], capabilities: { fsRoots: [{ path: granted }] } } },
      principals: { robot: { roles: ['worker'] } },
      defaultPrincipal: 'robot',
    },
  });
});
afterAll(() => runtime?.close());

describe('server-everything and the requests it makes of its client', () => {
  it('gets the granted directories from roots/list', async () => {
    const result = await runtime.invokeTool({ name: 'everything_get-roots-list', arguments: '{}' });
    expect(result.ok).toBe(true);
    expect(result.output).toContain(pathToFileURL(granted).href);
  });

  it('offers no sampling tools: the client does not declare it (off by default)', () => {
    const names = runtime.tools.list().map((t) => t.name);
    expect(names).toContain('everything_echo');
    expect(names.filter((n) => /sampling/.test(n))).toEqual([]);
  });

  it('offers the elicitation tools, form and URL mode (declared by default), and refuses their requests when nobody can be asked', async () => {
    const names = runtime.tools.list().map((t) => t.name);
    expect(names).toContain('everything_trigger-elicitation-request');
    expect(names).toContain('everything_trigger-url-elicitation');
    const result = await runtime.invokeTool({ name: 'everything_trigger-elicitation-request', arguments: '{}' });
    expect(result.ok).toBe(false);
    expect(result.output).toContain("agentbox refuses elicitation from MCP server 'everything': no front end that can ask a person is attached");
  });

  it("reports a long operation's progress as tool.progress events", async () => {
    const events: EventPayload[] = [];
    const result = await runtime.invokeTool({
      name: 'everything_trigger-long-running-operation',
      arguments: JSON.stringify({ duration: 0.3, steps: 3 }),
      events: (e) => void events.push(e),
    });
    expect(result.ok).toBe(true);
    const progress = events.filter((e) => e.type === 'tool.progress');
    // The server does not await its notifications: the last may land after the result (and is dropped then).
    const seen = progress.map((e) => e.type === 'tool.progress' && [e.progress, e.total]);
    expect(seen.slice(0, 2)).toEqual([
      [1, 3],
      [2, 3],
    ]);
  });
});
