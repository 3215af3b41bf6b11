import { spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { configSchema } from '../src/config/config-schema.js';
import { sha256Hex } from '../src/node/server/sha256-hex.js';
import { startServer, type RunningServer } from '../src/node/server/start-server.js';
import { cliPath, isolatedEnv, repoRoot } from './helpers/run-cli.js';

// agentbox as an MCP server, driven by the MCP Inspector's CLI (`mcp-inspector --cli`), a
// client agentbox's code had no part in: over stdio (`agentbox mcp serve`) and over HTTP (`/mcp`).
const inspector = join(repoRoot, 'node_modules/@modelcontextprotocol/inspector/cli/build/cli.js');
const textStats = join(repoRoot, 'examples/wasm-tools/text-stats/manifest.json');
let dir: string;
let env: Record<string, string>;

const slugify = {
  name: 'slugify',
  description: 'Turns a title into a URL slug',
  parameters: { type: 'object', properties: { title: { type: 'string' } }, required: ['title'] },
  source: "export default ({ title }) => ({ slug: title.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '') })",
};
const tools = { wasm: [{ manifest: textStats }], scripts: [{ manifest: 'slugify.json' }], fs: { fsRoots: [{ path: '.' }] } };
const auth = {
  roles: { analyst: { allow: ['tool:invoke:*'], deny: ['tool:invoke:fs_*'] } },
  principals: { alice: { roles: ['analyst'] } },
  defaultPrincipal: 'alice',
};

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'agentbox-inspector-'));
  writeFileSync(join(dir, 'slugify.json'), JSON.stringify(slugify));
  writeFileSync(join(dir, 'secret.txt'), 'top secret');
  writeFileSync(join(dir, 'agentbox.config.json'), JSON.stringify({ store: { kind: 'memory' }, tools, auth }));
  env = isolatedEnv();
});

function runInspector(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const child = spawn(process.execPath, [inspector, '--cli', ...args], { cwd: dir, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
  child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
  return new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

/** The Inspector's JSON answer (it prints a deprecation banner on stderr only). */
async function inspect<T>(args: string[]): Promise<T> {
  const result = await runInspector(args);
  expect(result.code, result.stderr).toBe(0);
  return JSON.parse(result.stdout) as T;
}

interface CallResult {
  isError?: boolean;
  content: Array<{ type: string; text: string }>;
  structuredContent?: Record<string, unknown>;
}

const serve = [process.execPath, cliPath, 'mcp', 'serve'];

describe('the MCP Inspector CLI against agentbox mcp serve (stdio)', () => {
  it('lists the WASM and script tools, not the denied file tools', async () => {
    const { tools: listed } = await inspect<{ tools: Array<{ name: string; inputSchema: { type: string } }> }>([...serve, '--method', 'tools/list']);
    const names = listed.map((t) => t.name);
    expect(names).toEqual(expect.arrayContaining(['text_stats', 'slugify', 'calculator']));
    expect(names.filter((n) => n.startsWith('fs_'))).toEqual([]);
    expect(listed.find((t) => t.name === 'text_stats')?.inputSchema.type).toBe('object');
  });

  it('calls the WASM tool', async () => {
    const result = await inspect<CallResult>([...serve, '--method', 'tools/call', '--tool-name', 'text_stats', '--tool-arg', 'text=to be or not to be']);
    expect(result.isError).toBeFalsy();
    expect(result.structuredContent).toMatchObject({ words: 6, uniqueWords: 4 });
  });

  it('calls the script tool', async () => {
    const result = await inspect<CallResult>([...serve, '--method', 'tools/call', '--tool-name', 'slugify', '--tool-arg', 'title=Hello, Inspector!']);
    expect(result.structuredContent).toEqual({ slug: 'hello-inspector' });
  });

  it('gets a denied tool refused as an isError result with TOOL_DENIED, and the file unread', async () => {
    const result = await inspect<CallResult>([...serve, '--method', 'tools/call', '--tool-name', 'fs_read', '--tool-arg', 'path=secret.txt']);
    expect(result.isError).toBe(true);
    expect(result.content[0]?.text).toMatch(/TOOL_DENIED.*role analyst deny tool:invoke:fs_\*/);
    expect(JSON.stringify(result)).not.toContain('top secret');
  });
});

describe('the MCP Inspector CLI against /mcp (Streamable HTTP)', () => {
  const keys = { alice: 'inspector-alice', nobody: 'inspector-nobody' };
  let running: RunningServer;
  beforeAll(async () => {
    const config = configSchema.parse({
      llm: { baseUrl: 'http://127.0.0.1:9/v1', model: 'm', maxRetries: 0 },
      store: { kind: 'memory' },
      tools: { ...tools, scripts: [{ manifest: join(dir, 'slugify.json') }], fs: { fsRoots: [{ path: dir }] } },
      auth: { ...auth, principals: { ...auth.principals, nobody: { roles: [] } } },
      server: {
        apiKeys: [
          { sha256: sha256Hex(keys.alice), principal: 'alice' },
          { sha256: sha256Hex(keys.nobody), principal: 'nobody' },
        ],
      },
    });
    running = await startServer({ config, port: 0 });
  });
  afterAll(() => running?.close({ timeoutMs: 1000 }));

  const over = (key: string) => [`${running.url}/mcp`, '--transport', 'http', '--header', `Authorization: Bearer ${key}`];

  it("lists per principal and calls the WASM tool under the key's roles; a denied tool is refused", async () => {
    const alice = await inspect<{ tools: Array<{ name: string }> }>([...over(keys.alice), '--method', 'tools/list']);
    expect(alice.tools.map((t) => t.name)).toEqual(expect.arrayContaining(['text_stats', 'slugify']));
    const nobody = await inspect<{ tools: unknown[] }>([...over(keys.nobody), '--method', 'tools/list']);
    expect(nobody.tools).toEqual([]);
    const stats = await inspect<CallResult>([...over(keys.alice), '--method', 'tools/call', '--tool-name', 'text_stats', '--tool-arg', 'text=a b a']);
    expect(stats.structuredContent).toMatchObject({ words: 3, uniqueWords: 2 });
    const denied = await inspect<CallResult>([...over(keys.nobody), '--method', 'tools/call', '--tool-name', 'slugify', '--tool-arg', 'title=x']);
    expect(denied.isError).toBe(true);
    expect(denied.content[0]?.text).toMatch(/TOOL_DENIED/);
  });

  it('fails without a key, naming the 401', async () => {
    const result = await runInspector([`${running.url}/mcp`, '--transport', 'http', '--method', 'tools/list']);
    expect(result.code).not.toBe(0);
    expect(result.stderr + result.stdout).toMatch(/401|UNAUTHENTICATED/);
  });
});
