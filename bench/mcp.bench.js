/**
 * MCP both ways, each beside its baseline measured in the same run:
 * - client: one tool call to server-everything's `echo` through the agentbox executor
 *   (validation, authorization, deadline, result mapping) beside the same call made directly
 *   with the SDK's `Client` (bare, and making the same request: progress token and a
 *   cancellation signal per call), over stdio and over Streamable HTTP (target ≤ 1.2×);
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
const rounds = Number(process.env.BENCH_ROUNDS ?? 1500);
const args = { message: 'hello' };

/**
 * Interleaves the paths call by call (each round in a new order) and reports each one's
 * median: a stdio call is a round trip through another process, and a machine shared with
 * other work speeds and slows both halves together only when they alternate this finely.
 */
async function compare(title, paths, n = rounds) {
  const names = Object.keys(paths);
  const samples = Object.fromEntries(names.map((name) => [name, []]));
  for (let i = 0; i < 50; i += 1) for (const name of names) await paths[name]();
  for (let r = 0; r < n; r += 1) {
    const order = r % 2 === 0 ? names : [...names].reverse();
    for (const name of order) {
      const t0 = performance.now();
      await paths[name]();
      samples[name].push(performance.now() - t0);
    }
  }
  const medians = Object.fromEntries(names.map((name) => [name, summarize(samples[name]).median]));
  const [bare, same, agentbox] = names;
  report(title, {
    [`${bare} (median)`]: fmt(medians[bare]),
    [`${same} (median)`]: fmt(medians[same]),
    [`${agentbox} (median)`]: fmt(medians[agentbox]),
    'ratio agentbox / SDK, same request': `${fmt(medians[agentbox] / medians[same], 2)}×`,
    'ratio agentbox / SDK, bare callTool': `${fmt(medians[agentbox] / medians[bare], 2)}×`,
  });
}

/**
 * The three paths of one comparison: the SDK's `callTool` bare; the SDK making the request
 * agentbox makes (a progress token, so the server may report, and a cancellation signal of
 * the call's own, so a deadline or a cancelled turn reaches the server as
 * `notifications/cancelled`); and the call through the agentbox executor.
 */
function paths(bare, same, source) {
  return {
    'SDK Client.callTool, bare': () => bare.callTool({ name: 'echo', arguments: args }),
    'SDK Client.callTool, same request': () =>
      same.callTool({ name: 'echo', arguments: args }, undefined, { signal: new AbortController().signal, onprogress: () => {} }),
    'agentbox executor': executorOver(source),
  };
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

// Client, stdio: one server process per path (a stdio server has one client).
{
  const spawnEverything = () => new StdioClientTransport({ command: process.execPath, args: [everything, 'stdio'], stderr: 'ignore' });
  const bare = new Client({ name: 'bench', version: '1' });
  await bare.connect(spawnEverything());
  const same = new Client({ name: 'bench', version: '1' });
  await same.connect(spawnEverything());
  const source = await McpToolSource.connect(mcpSourceOptions('ev', { command: process.execPath, args: [everything, 'stdio'], env: {} }));
  await compare('client over stdio: one echo call, ms', paths(bare, same, source));
  await bare.close();
  await same.close();
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
  const bare = new Client({ name: 'bench', version: '1' });
  await bare.connect(new StreamableHTTPClientTransport(url));
  const same = new Client({ name: 'bench', version: '1' });
  await same.connect(new StreamableHTTPClientTransport(url));
  const source = await McpToolSource.connect({ name: 'ev', transports: () => httpTransports(url) });
  await compare('client over Streamable HTTP: one echo call, ms', paths(bare, same, source), Math.min(rounds, 300));
  await bare.close();
  await same.close();
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
