import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { isolatedEnv, repoRoot, runCli } from './helpers/run-cli.js';

let dir: string;
let env: Record<string, string>;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'agentbox-cli-tools-'));
  writeFileSync(join(dir, 'notes.txt'), 'hello notes');
  writeFileSync(
    join(dir, 'agentbox.config.json'),
    JSON.stringify({
      tools: {
        wasm: [{ manifest: join(repoRoot, 'examples/wasm-tools/json-query/manifest.json') }],
        fs: { fsRoots: [{ path: '.' }] },
        requireApproval: ['fs_list'],
      },
      auth: {
        roles: { reader: { allow: ['tool:invoke:*'], deny: ['tool:invoke:fs_read'] } },
        principals: { bob: { roles: ['reader'] } },
      },
    }),
  );
  env = isolatedEnv();
});

describe('agentbox tool', () => {
  it('lists built-in and configured tools, marking approval-gated ones', async () => {
    const result = await runCli(['tool', 'list', '--json'], { env, cwd: dir });
    expect(result.code).toBe(0);
    const tools = JSON.parse(result.stdout) as Array<{ name: string; needsApproval: boolean }>;
    expect(tools.map((t) => t.name)).toEqual(['calculator', 'current_time', 'json_query', 'fs_read', 'fs_write', 'fs_list']);
    expect(tools.find((t) => t.name === 'fs_list')?.needsApproval).toBe(true);
  });

  it('runs a WASM tool directly', async () => {
    const result = await runCli(['tool', 'run', 'json_query', '--args', JSON.stringify({ json: '{"a":{"b":[1,2,3]}}', path: '$.a.b[1]' })], { env, cwd: dir });
    expect(result.stderr).toMatch(/ok in/);
    expect(JSON.parse(result.stdout)).toEqual({ found: true, value: 2 });
    expect(result.code).toBe(0);
  });

  it('reads a granted file as the default principal, and refuses it for a principal whose role denies it (exit 3)', async () => {
    const allowed = await runCli(['tool', 'run', 'fs_read', '--args', '{"path":"notes.txt"}'], { env, cwd: dir });
    expect(allowed.code).toBe(0);
    expect(allowed.stdout).toContain('hello notes');
    const denied = await runCli(['tool', 'run', 'fs_read', '--principal', 'bob', '--args', '{"path":"notes.txt"}'], { env, cwd: dir });
    expect(denied.code).toBe(3);
    expect(denied.stderr).toContain('error TOOL_DENIED: permission denied');
    expect(denied.stdout).not.toContain('hello notes');
  });

  it('rejects arguments that do not match the schema (exit 2) and asks approval for gated tools', async () => {
    const bad = await runCli(['tool', 'run', 'calculator', '--args', '{"expression": 1}'], { env, cwd: dir });
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('TOOL_ARGS_INVALID');
    const gated = await runCli(['tool', 'run', 'fs_list', '--args', '{"path":"."}'], { env, cwd: dir });
    expect(gated.code).toBe(3);
    expect(gated.stderr).toContain('no terminal to ask for approval');
    const approved = await runCli(['tool', 'run', 'fs_list', '--yes', '--args', '{"path":"."}'], { env, cwd: dir });
    expect(approved.code).toBe(0);
    expect(approved.stdout).toContain('notes.txt');
  });

  it('inspects a tool: schema, requested and effective capabilities, and the permission rule', async () => {
    const result = await runCli(['tool', 'inspect', 'fs_read', '--principal', 'bob'], { env, cwd: dir });
    expect(result.code).toBe(0);
    const info = JSON.parse(result.stdout) as { parameters: unknown; permission: { allowed: boolean; rule: string } };
    expect(info.permission).toMatchObject({ allowed: false, rule: 'role reader deny tool:invoke:fs_read' });
    expect(info.parameters).toMatchObject({ type: 'object' });
  });
});

describe('agentbox auth, wasm and status', () => {
  it('explains a permission decision with exit codes 0 and 3', async () => {
    const yes = await runCli(['auth', 'check', 'bob', 'tool:invoke:calculator'], { env, cwd: dir });
    expect(yes.code).toBe(0);
    const no = await runCli(['auth', 'check', 'bob', 'tool:invoke:fs_read'], { env, cwd: dir });
    expect(no.code).toBe(3);
    expect(no.stdout).toContain('role reader deny tool:invoke:fs_read');
  });

  it('runs a WASI module with stdin and stdout passed through', async () => {
    const result = await runCli(['wasm', 'run', join(repoRoot, 'examples/wasm-tools/text-stats/text-stats.wasm')], {
      env,
      cwd: dir,
      input: '{"text":"one two two"}',
    });
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout)).toMatchObject({ words: 3 });
  });

  it('reports process figures and the configured tools', async () => {
    const result = await runCli(['status', '--json'], { env, cwd: dir });
    expect(result.code).toBe(0);
    const status = JSON.parse(result.stdout) as { tools: string[]; process: { rssBytes: number; heapUsedBytes: number; eventLoopDelayMs: { p99: number } } };
    expect(status.tools).toContain('json_query');
    expect(status.process.rssBytes).toBeGreaterThan(status.process.heapUsedBytes);
    expect(status.process.eventLoopDelayMs.p99).toBeGreaterThanOrEqual(0);
  });
});
