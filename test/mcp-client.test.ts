import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { httpTransports } from '../src/mcp/http-transports.js';
import { McpToolSource } from '../src/mcp/mcp-tool-source.js';
import { NodeRuntime } from '../src/node/runtime/node-runtime.js';
import { startScriptedLlmServer, type ScriptedLlmServer } from '../src/node/testing/index.js';
import { repoRoot } from './helpers/run-cli.js';

// The reference servers from npm, over stdio, driven by the agent loop against the loopback
// LLM server: what the model asks for runs on a real MCP peer, and what it answered is in the
// model's next request.
const everything = join(repoRoot, 'node_modules/@modelcontextprotocol/server-everything/dist/index.js');
const filesystem = join(repoRoot, 'node_modules/@modelcontextprotocol/server-filesystem/dist/index.js');

let llm: ScriptedLlmServer;
let dir: string;

beforeAll(async () => {
  llm = await startScriptedLlmServer();
  dir = mkdtempSync(join(tmpdir(), 'agentbox-mcp-'));
  writeFileSync(join(dir, 'notes.txt'), 'tides follow the moon');
});
afterAll(() => llm.close());

/** The tool results in the model's latest request, in the order of the calls. */
function toolMessagesOfLastRequest(): Array<{ tool_call_id?: string; content?: unknown }> {
  const messages = (llm.requests.at(-1)?.body.messages ?? []).filter((m) => m.role === 'tool') as Array<{ tool_call_id?: string; content?: unknown }>;
  return messages.sort((a, b) => String(a.tool_call_id).localeCompare(String(b.tool_call_id), 'en', { numeric: true }));
}

describe('MCP servers as tool sources in the agent loop', () => {
  it('server-everything: echo, get-sum, an unknown tool and a schema mismatch reach the model as results', async () => {
    const runtime = await NodeRuntime.init({
      llm: { baseUrl: llm.url, model: 'test' },
      store: { kind: 'memory' },
      tools: { mcp: { servers: { everything: { command: process.execPath, args: [everything, 'stdio'] } } } },
    });
    try {
      expect(runtime.tools.has('everything_echo')).toBe(true);
      expect(runtime.tools.has('everything_get-sum')).toBe(true);
      llm.enqueue(
        {
          type: 'tool-calls',
          calls: [
            { name: 'everything_echo', arguments: { message: 'hello over stdio' } },
            { name: 'everything_get-sum', arguments: { a: 17, b: 25 } },
            { name: 'everything_no-such-tool', arguments: {} },
            { name: 'everything_get-sum', arguments: { a: 'seventeen', b: 25 } },
          ],
        },
        { type: 'text', text: 'done' },
      );
      const session = await runtime.process({ input: 'use the tools' });
      expect(session.state).toBe('completed');
      const contents = toolMessagesOfLastRequest().map((m) => String(m.content));
      expect(contents[0]).toBe('Echo: hello over stdio');
      expect(contents[1]).toBe('The sum of 17 and 25 is 42.');
      expect(contents[2]).toMatch(/TOOL_NOT_FOUND.*unknown tool 'everything_no-such-tool'/);
      expect(contents[3]).toMatch(/TOOL_ARGS_INVALID/);
    } finally {
      await runtime.close();
    }
  });

  it('server-everything: structured content is the value, and an isError result is a tool error the model reads', async () => {
    const runtime = await NodeRuntime.init({
      llm: { baseUrl: llm.url, model: 'test' },
      store: { kind: 'memory' },
      tools: { mcp: { servers: { ev: { command: process.execPath, args: [everything, 'stdio'] } } } },
    });
    try {
      llm.enqueue(
        {
          type: 'tool-calls',
          calls: [
            { name: 'ev_get-structured-content', arguments: { location: 'New York' } },
            // A scheme it does not fetch: the tool throws, and the server answers isError.
            { name: 'ev_gzip-file-as-resource', arguments: { data: 'ftp://example.com/file.txt' } },
          ],
        },
        { type: 'text', text: 'done' },
      );
      await runtime.process({ input: 'weather' });
      const [structured, failed] = toolMessagesOfLastRequest().map((m) => String(m.content));
      expect(JSON.parse(String(structured))).toHaveProperty('temperature');
      expect(failed).toMatch(/"code":"TOOL_FAILED".*Unsupported URL protocol/);
    } finally {
      await runtime.close();
    }
  });

  it('server-filesystem confined to a temp folder: reads inside, is refused outside', async () => {
    const runtime = await NodeRuntime.init({
      llm: { baseUrl: llm.url, model: 'test' },
      store: { kind: 'memory' },
      tools: { mcp: { servers: { files: { command: process.execPath, args: [filesystem, dir] } } } },
    });
    try {
      llm.enqueue(
        {
          type: 'tool-calls',
          calls: [
            { name: 'files_read_text_file', arguments: { path: join(dir, 'notes.txt') } },
            { name: 'files_read_text_file', arguments: { path: '/etc/passwd' } },
          ],
        },
        { type: 'text', text: 'done' },
      );
      await runtime.process({ input: 'read' });
      const [inside, outside] = toolMessagesOfLastRequest().map((m) => String(m.content));
      expect(inside).toContain('tides follow the moon');
      expect(outside).toMatch(/TOOL_FAILED.*(denied|outside)/i);
      expect(outside).not.toContain('root:');
    } finally {
      await runtime.close();
    }
  });

  it('RBAC names MCP tools: a role denied everything_* cannot call them, and the denial is an event', async () => {
    const runtime = await NodeRuntime.init({
      llm: { baseUrl: llm.url, model: 'test' },
      store: { kind: 'memory' },
      tools: { mcp: { servers: { everything: { command: process.execPath, args: [everything, 'stdio'] } } } },
      auth: {
        roles: { analyst: { allow: ['tool:invoke:*'], deny: ['tool:invoke:everything_get-*'] } },
        principals: { alice: { roles: ['analyst'] } },
      },
    });
    try {
      llm.enqueue(
        {
          type: 'tool-calls',
          calls: [
            { name: 'everything_get-env', arguments: {} },
            { name: 'everything_echo', arguments: { message: 'allowed' } },
          ],
        },
        { type: 'text', text: 'done' },
      );
      const session = await runtime.process({ input: 'try', session: { owner: 'alice' } });
      const [env, echo] = toolMessagesOfLastRequest().map((m) => String(m.content));
      expect(env).toMatch(/TOOL_DENIED/);
      expect(echo).toBe('Echo: allowed');
      const events = await runtime.events(session.id);
      expect(events.some((e) => e.type === 'auth.denied' && e.permission === 'tool:invoke:everything_get-env')).toBe(true);
    } finally {
      await runtime.close();
    }
  });

  it('a server that is down at startup does not stop the runtime; it is reported', async () => {
    const warnings: string[] = [];
    const runtime = await NodeRuntime.init(
      {
        llm: { baseUrl: llm.url, model: 'test' },
        store: { kind: 'memory' },
        tools: { mcp: { servers: { broken: { command: process.execPath, args: ['-e', 'process.exit(2)'] } } } },
      },
      { onWarning: (m) => warnings.push(m) },
    );
    try {
      expect(runtime.tools.has('calculator')).toBe(true);
      expect(warnings.join('\n')).toMatch(/cannot connect to MCP server 'broken'/);
    } finally {
      await runtime.close();
    }
    expect(readFileSync(join(dir, 'notes.txt'), 'utf8')).toBe('tides follow the moon');
  });
});

describe('MCP servers over HTTP (server-everything on loopback)', () => {
  it.each([
    ['streamableHttp', '/mcp'],
    ['sse', '/sse'],
  ])('%s: lists and calls tools (SSE through the fallback)', async (transport, path) => {
    const port = await freePort();
    const child = spawn(process.execPath, [everything, transport], { env: { ...process.env, PORT: String(port) }, stdio: ['ignore', 'ignore', 'pipe'] });
    try {
      await new Promise<void>((resolve, reject) => {
        child.stderr.on('data', (chunk: Buffer) => /listening|running/i.test(chunk.toString()) && resolve());
        child.once('exit', (code) => reject(new Error(`server exited with ${code}`)));
      });
      const source = await McpToolSource.connect({ name: 'remote', transports: () => httpTransports(new URL(`http://127.0.0.1:${port}${path}`)) });
      try {
        expect(source.tools().map((t) => t.name)).toContain('remote_get-sum');
        const result = await source.call('get-sum', { a: 1, b: 2 });
        expect(result.content).toEqual([{ type: 'text', text: 'The sum of 1 and 2 is 3.' }]);
      } finally {
        await source.close();
      }
    } finally {
      child.kill();
    }
  });
});

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}
