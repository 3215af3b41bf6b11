import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { isolatedEnv, repoRoot, runCli } from './helpers/run-cli.js';

const everything = join(repoRoot, 'node_modules/@modelcontextprotocol/server-everything/dist/index.js');
const fixture = join(repoRoot, 'test/fixtures/mcp/misbehaving-server.mjs');
let dir: string;
let env: Record<string, string>;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'agentbox-cli-mcp-'));
  writeFileSync(
    join(dir, 'agentbox.config.json'),
    JSON.stringify({
      tools: {
        mcp: { servers: { everything: { command: process.execPath, args: [everything, 'stdio'] }, fx: { command: process.execPath, args: [fixture] } } },
      },
      auth: {
        roles: { limited: { allow: ['tool:invoke:everything_echo'] } },
        principals: { bob: { roles: ['limited'] } },
      },
    }),
  );
  env = isolatedEnv();
});

describe('agentbox mcp', () => {
  it('lists a configured server’s tools, and shows them in tool list', async () => {
    const listed = await runCli(['mcp', 'list', 'everything', '--json'], { env, cwd: dir });
    expect(listed.code).toBe(0);
    const tools = JSON.parse(listed.stdout) as Array<{ name: string; annotations?: { readOnlyHint?: boolean } }>;
    expect(tools.map((t) => t.name)).toEqual(expect.arrayContaining(['echo', 'get-sum']));
    const all = await runCli(['tool', 'list', '--json'], { env, cwd: dir });
    const registered = JSON.parse(all.stdout) as Array<{ name: string; server?: string }>;
    expect(registered.find((t) => t.name === 'everything_get-sum')).toMatchObject({ server: 'everything' });
    // A built-in tool has no server.
    expect(registered.find((t) => t.name === 'calculator')).not.toHaveProperty('server');
    const text = await runCli(['tool', 'list'], { env, cwd: dir });
    expect(text.stdout).toMatch(/^everything_echo\s+\[mcp: everything\] /m);
    expect(text.stdout).toMatch(/^calculator\s+(?!\[mcp)/m);
  });

  it('tool inspect shows an MCP tool’s server and its annotations, noting readOnlyHint', async () => {
    const inspected = await runCli(['tool', 'inspect', 'everything_echo'], { env, cwd: dir });
    expect(inspected.code).toBe(0);
    const info = JSON.parse(inspected.stdout) as { server: string; annotations: Record<string, unknown>; notes: string[]; needsApproval: boolean };
    expect(info.server).toBe('everything');
    expect(info.annotations).toMatchObject({ readOnlyHint: true, destructiveHint: false });
    expect(info.notes).toContainEqual(expect.stringMatching(/^readOnlyHint: the server says this tool changes nothing/));
    expect(info.notes.join('\n')).not.toMatch(/destructiveHint/);
    expect(info.needsApproval).toBe(false);
    const wipe = JSON.parse((await runCli(['tool', 'inspect', 'fx_wipe'], { env, cwd: dir })).stdout) as typeof info;
    expect(wipe).toMatchObject({ server: 'fx', annotations: { destructiveHint: true }, needsApproval: true });
    expect(wipe.notes).toEqual([expect.stringMatching(/^destructiveHint: .* calls need approval unless needsApproval is set false/)]);
    const builtin = JSON.parse((await runCli(['tool', 'inspect', 'calculator'], { env, cwd: dir })).stdout) as Record<string, unknown>;
    expect(builtin).not.toHaveProperty('annotations');
  });

  it('calls a tool of a stdio server given after --', async () => {
    const result = await runCli(['mcp', 'call', 'ev', 'get-sum', '--args', '{"a":2,"b":40}', '--', process.execPath, everything, 'stdio'], { env });
    expect(result.code).toBe(0);
    expect(result.stdout.trim()).toBe('The sum of 2 and 40 is 42.');
  });

  it('exit codes as for tool run: bad arguments 2, denied 3, unknown tool 5, unknown server 2', async () => {
    const bad = await runCli(['mcp', 'call', 'everything', 'get-sum', '--args', '{"a":"two"}'], { env, cwd: dir });
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/TOOL_ARGS_INVALID/);
    const denied = await runCli(['mcp', 'call', 'everything', 'get-sum', '--args', '{"a":1,"b":2}', '--principal', 'bob'], { env, cwd: dir });
    expect(denied.code).toBe(3);
    expect(denied.stderr).toMatch(/TOOL_DENIED/);
    const allowed = await runCli(['mcp', 'call', 'everything', 'echo', '--args', '{"message":"hi"}', '--principal', 'bob'], { env, cwd: dir });
    expect(allowed.stdout.trim()).toBe('Echo: hi');
    const unknown = await runCli(['mcp', 'call', 'everything', 'no-such-tool'], { env, cwd: dir });
    expect(unknown.code).toBe(5);
    expect(unknown.stderr).toMatch(/TOOL_NOT_FOUND/);
    const nowhere = await runCli(['mcp', 'list', 'nowhere'], { env, cwd: dir });
    expect(nowhere.code).toBe(2);
  });

  it('a server that cannot start is exit 5 with its name', async () => {
    const result = await runCli(['mcp', 'list', 'dead', '--', process.execPath, '-e', 'process.exit(1)'], { env });
    expect(result.code).toBe(5);
    expect(result.stderr).toMatch(/cannot connect to MCP server 'dead'/);
  });
});
