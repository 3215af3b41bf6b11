import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MCP_SESSION_META_KEY } from '../src/mcp/create-mcp-server.js';
import { SqliteSessionStore } from '../src/node/store/sqlite-session-store.js';
import { cliPath, isolatedEnv } from './helpers/run-cli.js';

// `agentbox mcp serve` against the SDK's own Client over stdio: what a real MCP client sees.
let dir: string;
let client: Client;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'agentbox-mcp-serve-'));
  writeFileSync(join(dir, 'notes.txt'), 'served notes');
  writeFileSync(
    join(dir, 'agentbox.config.json'),
    JSON.stringify({
      store: { kind: 'sqlite', path: join(dir, 'sessions.db') },
      tools: { fs: { fsRoots: [{ path: '.' }] } },
      auth: {
        roles: { reader: { allow: ['tool:invoke:*'], deny: ['tool:invoke:fs_write', 'tool:invoke:current_time'], capabilities: { fsRoots: [{ path: dir }] } } },
        principals: { robot: { roles: ['reader'] } },
        defaultPrincipal: 'robot',
      },
    }),
  );
  const env = isolatedEnv();
  client = new Client({ name: 'test', version: '1.0.0' });
  await client.connect(new StdioClientTransport({ command: process.execPath, args: [cliPath, 'mcp', 'serve'], cwd: dir, env, stderr: 'pipe' }));
});
afterAll(() => client?.close());

describe('agentbox mcp serve', () => {
  it("lists only the tools the principal's roles allow", async () => {
    const { tools } = await client.listTools();
    const names = tools.map((t) => t.name);
    expect(names).toEqual(expect.arrayContaining(['calculator', 'fs_read', 'fs_list']));
    expect(names).not.toContain('fs_write');
    expect(names).not.toContain('current_time');
    // No server.mcp.agents: no agent is served as a tool.
    expect(names.filter((n) => n.startsWith('ask_'))).toEqual([]);
    expect(tools.find((t) => t.name === 'calculator')?.inputSchema).toMatchObject({ type: 'object' });
  });

  it('calls a tool through the executor: built-in and file tools', async () => {
    const sum = (await client.callTool({ name: 'calculator', arguments: { expression: '17 * 23' } })) as CallToolResult;
    expect(sum.isError).toBeFalsy();
    expect(sum.structuredContent).toEqual({ result: 391 });
    const read = (await client.callTool({ name: 'fs_read', arguments: { path: 'notes.txt' } })) as CallToolResult;
    expect(JSON.stringify(read.content)).toContain('served notes');
  });

  it('refuses a denied tool, an unknown tool and bad arguments as isError results with the code', async () => {
    const denied = (await client.callTool({ name: 'fs_write', arguments: { path: 'x.txt', content: 'no' } })) as CallToolResult;
    expect(denied.isError).toBe(true);
    expect(JSON.stringify(denied.content)).toMatch(/TOOL_DENIED/);
    const unknown = (await client.callTool({ name: 'nope', arguments: {} })) as CallToolResult;
    expect(JSON.stringify(unknown.content)).toMatch(/TOOL_NOT_FOUND/);
    const bad = (await client.callTool({ name: 'calculator', arguments: { expression: 5 } })) as CallToolResult;
    expect(JSON.stringify(bad.content)).toMatch(/TOOL_ARGS_INVALID/);
  });

  it('records every call in one session log owned by the principal, a denied call as denied', async () => {
    const first = (await client.callTool({ name: 'calculator', arguments: { expression: '1 + 1' } })) as CallToolResult;
    const denied = (await client.callTool({ name: 'current_time', arguments: {} })) as CallToolResult;
    const sessionId = String(first._meta?.[MCP_SESSION_META_KEY]);
    expect(denied._meta?.[MCP_SESSION_META_KEY]).toBe(sessionId);
    // The serving process still runs: read its SQLite file as another process would.
    const store = SqliteSessionStore.open(join(dir, 'sessions.db'));
    try {
      const session = await store.load(sessionId);
      expect(session).toMatchObject({ owner: 'robot', metadata: { source: 'mcp', transport: 'stdio', client: { name: 'test', version: '1.0.0' } } });
      const events = await store.events(sessionId);
      const started = events.filter((e) => e.type === 'tool.started').map((e) => e.name);
      // The earlier tests' calls are in the same log, in order.
      expect(started.slice(-2)).toEqual(['calculator', 'current_time']);
      const clock = events.filter((e) => e.type === 'auth.denied');
      expect(clock.at(-1)).toMatchObject({ principal: 'robot', permission: 'tool:invoke:current_time' });
      const last = events.at(-1);
      expect(last).toMatchObject({ type: 'tool.completed', name: 'current_time', ok: false, error: { code: 'TOOL_DENIED' } });
      expect(events.filter((e) => e.type === 'tool.completed' && e.name === 'calculator').at(-1)).toMatchObject({ ok: true, output: '{"result":2}' });
    } finally {
      await store.close();
    }
  });
});
