/**
 * MCP both ways, each beside its baseline measured in the same run:
 * - client: one tool call to server-everything's `echo` through the agentbox executor
 *   (validation, authorization, deadline, result mapping) beside the same call made directly
 *   with the SDK's `Client`, over stdio and over Streamable HTTP (target ≤ 1.2×);
 * - server: calls per second to a WASM tool over `/mcp` (real socket, SDK client) beside
 *   the same tool through `agentbox tool run`'s code path in process (`runtime.invokeTool`);
 * - memory per open MCP session on `/mcp`.
 */
import { spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { ToolExecutor } from '../dist/agent/tools/tool-executor.js';
import { ToolRegistry } from '../dist/agent/tools/tool-registry.js';
import { configSchema } from '../dist/config/config-schema.js';
import { httpTransports } from '../dist/mcp/http-transports.js';
import { McpToolSource } from '../dist/mcp/mcp-tool-source.js';
import { mcpSourceOptions } from '../dist/node/mcp/load-mcp-tool-sources.js';
import { startServer } from '../dist/node/server/start-server.js';
import { fmt, gc, report, summarize } from './stats.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const everything = join(root, 'node_modules/@modelcontextprotocol/server-everything/dist/index.js');
const rounds = Number(process.env.BENCH_ROUNDS ?? 300);
const args = { message: 'hello' };

async function time(fn, n = rounds) {
  const samples = [];
  for (let r = 0; r < n; r += 1) {
    const t0 = performance.now();
    await fn();
    samples.push(performance.now() - t0);
  }
  return summarize(samples);
}
const best = (runs) => runs.reduce((a, b) => (a.median <= b.median ? a : b));

/** Alternates the two (twice each) and keeps each one's faster run: the first loop pays for JIT warm-up. */
async function compare(title, direct, agentbox) {
  for (let i = 0; i < 20; i += 1) {
    await direct();
    await agentbox();
  }
  const d = [await time(direct)];
  const a = [await time(agentbox)];
  d.push(await time(direct));
  a.push(await time(agentbox));
  report(title, {
    'SDK Client.callTool (median)': fmt(best(d).median),
    'agentbox executor (median)': fmt(best(a).median),
    'ratio agentbox / SDK': `${fmt(best(a).median / best(d).median, 2)}×`,
  });
}

function executorOver(source) {
  const registry = new ToolRegistry();
  registry.replaceSource(source.name, source.tools());
  const executor = new ToolExecutor({ registry, authorize: () => ({ allowed: true, reason: 'bench' }) });
  const signal = new AbortController().signal;
  const calls = [{ id: 'c1', name: `${source.name}_echo`, arguments: JSON.stringify(args) }];
  return async () => {
    const [result] = await executor.execute(calls, { sessionId: 's', principal: 'p', step: 1, signal, emit: () => undefined });
    if (!result.ok) throw new Error(result.output);
  };
}

// Client, stdio: two server processes, one per path, so neither waits on the other.
{
  const sdk = new Client({ name: 'bench', version: '1' });
  await sdk.connect(new StdioClientTransport({ command: process.execPath, args: [everything, 'stdio'], stderr: 'ignore' }));
  const source = await McpToolSource.connect(mcpSourceOptions('ev', { command: process.execPath, args: [everything, 'stdio'], env: {} }));
  await compare('client over stdio: one echo call, ms', () => sdk.callTool({ name: 'echo', arguments: args }), executorOver(source));
  await sdk.close();
  await source.close();
}

// Client, Streamable HTTP: one server-everything process on loopback, both clients on it.
{
  const port = await freePort();
  const child = spawn(process.execPath, [everything, 'streamableHttp'], { env: { ...process.env, PORT: String(port) }, stdio: ['ignore', 'ignore', 'pipe'] });
  await new Promise((resolve, reject) => {
    child.stderr.on('data', (chunk) => /listening|running/i.test(chunk.toString()) && resolve());
    child.once('exit', (code) => reject(new Error(`server-everything exited with ${code}`)));
  });
  const url = new URL(`http://127.0.0.1:${port}/mcp`);
  const sdk = new Client({ name: 'bench', version: '1' });
  await sdk.connect(new StreamableHTTPClientTransport(url));
  const source = await McpToolSource.connect({ name: 'ev', transports: () => httpTransports(url) });
  await compare('client over Streamable HTTP: one echo call, ms', () => sdk.callTool({ name: 'echo', arguments: args }), executorOver(source));
  await sdk.close();
  await source.close();
  child.kill();
}

// Server: a WASM tool over /mcp beside the same tool through `tool run`'s path.
{
  const config = configSchema.parse({
    llm: { baseUrl: 'http://127.0.0.1:9/v1', model: 'm' },
    store: { kind: 'memory' },
    tools: { wasm: [{ manifest: join(root, 'examples/wasm-tools/text-stats/manifest.json') }] },
    server: { rateLimit: { requestsPerMinute: 1_000_000 } },
  });
  const running = await startServer({ config, port: 0 });
  const text = { text: 'to be or not to be, that is the question' };
  const client = new Client({ name: 'bench', version: '1' });
  await client.connect(new StreamableHTTPClientTransport(new URL(`${running.url}/mcp`)));
  const overMcp = async () => {
    const result = await client.callTool({ name: 'text_stats', arguments: text });
    if (result.isError) throw new Error(JSON.stringify(result.content));
  };
  const inProcess = async () => {
    const result = await running.runtime.invokeTool({ name: 'text_stats', arguments: JSON.stringify(text) });
    if (!result.ok) throw new Error(result.output);
  };
  const perSecond = async (fn, ms = 2000) => {
    const end = performance.now() + ms;
    let n = 0;
    while (performance.now() < end) {
      await fn();
      n += 1;
    }
    return (n * 1000) / ms;
  };
  for (let i = 0; i < 30; i += 1) {
    await overMcp();
    await inProcess();
  }
  const local = Math.max(await perSecond(inProcess), await perSecond(inProcess));
  const remote = Math.max(await perSecond(overMcp), await perSecond(overMcp));
  report('server: WASM tool text_stats, calls per second (one client, sequential)', {
    'in process, tool run path (invokeTool)': fmt(local, 0),
    'over /mcp (SDK client, real socket)': fmt(remote, 0),
    'ratio /mcp / in process': `${fmt(remote / local, 2)}×`,
  });
  await client.close();

  // Memory per open MCP session: initialized by hand (no standing GET stream), kept open.
  const sessions = 200;
  const initialize = {
    jsonrpc: '2.0',
    id: 1,
    method: 'initialize',
    params: { protocolVersion: '2025-11-25', capabilities: {}, clientInfo: { name: 'b', version: '1' } },
  };
  const open = () =>
    running.app.fetch(
      new Request(`${running.url}/mcp`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', accept: 'application/json, text/event-stream' },
        body: JSON.stringify(initialize),
      }),
    );
  await (await open()).text();
  gc();
  const before = process.memoryUsage().heapUsed;
  for (let i = 0; i < sessions; i += 1) await (await open()).text();
  gc();
  const after = process.memoryUsage().heapUsed;
  report(`server: memory per open MCP session (${sessions} sessions, heap after gc)`, {
    'open MCP sessions': String(running.app.openMcpSessions),
    'heap per session, KiB': fmt((after - before) / sessions / 1024, 1),
  });
  await running.close({ timeoutMs: 1000 });
}

async function freePort() {
  const server = createServer();
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address();
  await new Promise((resolve) => server.close(resolve));
  return port;
}
