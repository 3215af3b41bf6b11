import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { ToolListChangedNotificationSchema, type CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cliPath, isolatedEnv, repoRoot } from './helpers/run-cli.js';

// `agentbox mcp serve` proxying another MCP server whose tool list changes: its clients are told.
const fixture = join(repoRoot, 'test/fixtures/mcp/misbehaving-server.mjs');
let client: Client;
let changes = 0;

beforeAll(async () => {
  const dir = mkdtempSync(join(tmpdir(), 'agentbox-mcp-changed-'));
  writeFileSync(
    join(dir, 'agentbox.config.json'),
    JSON.stringify({ store: { kind: 'memory' }, tools: { mcp: { servers: { fx: { command: process.execPath, args: [fixture] } } } } }),
  );
  client = new Client({ name: 'test', version: '1.0.0' });
  client.setNotificationHandler(ToolListChangedNotificationSchema, () => {
    changes += 1;
  });
  await client.connect(new StdioClientTransport({ command: process.execPath, args: [cliPath, 'mcp', 'serve'], cwd: dir, env: isolatedEnv(), stderr: 'pipe' }));
});
afterAll(() => client?.close());

describe('agentbox mcp serve: tools/list_changed', () => {
  it('tells its client when a proxied server adds a tool, which it then lists and calls', async () => {
    expect((await client.listTools()).tools.map((t) => t.name)).not.toContain('fx_late');
    const added = (await client.callTool({ name: 'fx_add-tool', arguments: { name: 'late' } })) as CallToolResult;
    expect(added.isError).toBeFalsy();
    await expect.poll(() => changes, { timeout: 5000 }).toBeGreaterThan(0);
    expect((await client.listTools()).tools.map((t) => t.name)).toContain('fx_late');
    const late = (await client.callTool({ name: 'fx_late', arguments: {} })) as CallToolResult;
    expect(JSON.stringify(late.content)).toContain('late here');
  });
});
