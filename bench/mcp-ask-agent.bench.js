/**
 * An agent as an MCP tool (`ask_agent`), each beside its baseline measured in the same run:
 * - in process: one turn asked through the SDK's `Client` over a linked in-memory transport
 *   (argument check, permission, a new session, the answer mapped) beside the same turn by
 *   `runtime.process` directly, the model an in-process scripted one (no network);
 * - over a real socket: `ask_agent` on `/mcp` (SDK Streamable HTTP client) beside the same
 *   turn through the sessions API (`POST /v1/sessions` then `POST /v1/sessions/:id/messages`),
 *   both answered by the loopback OpenAI-compatible server.
 */
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { InMemoryTransport } from '@modelcontextprotocol/sdk/inMemory.js';
import { builtinTools } from '../dist/agent/tools/builtin/index.js';
import { createAuthorizer } from '../dist/auth/authorizer.js';
import { createToolCallAuthorizer, toolPermission } from '../dist/auth/create-tool-call-authorizer.js';
import { configSchema } from '../dist/config/config-schema.js';
import { createMcpServer } from '../dist/mcp/create-mcp-server.js';
import { McpAgentTools } from '../dist/mcp/mcp-agent-tools.js';
import { startServer } from '../dist/node/server/start-server.js';
import { sha256Hex } from '../dist/node/server/sha256-hex.js';
import { startScriptedLlmServer } from '../dist/node/testing/index.js';
import { BaseRuntime } from '../dist/runtime/base-runtime.js';
import { accessSession } from '../dist/server/session-access.js';
import { MemorySessionStore } from '../dist/store/memory-session-store.js';
import { createScriptedModel } from '../dist/testing/scripted-model.js';
import { alternateBest, fmt, report, timeRounds } from './stats.js';

const rounds = Number(process.env.BENCH_ROUNDS ?? 300);

const time = (fn, n = rounds) => timeRounds(fn, n);

/** Alternates the two (twice each) and keeps each one's faster run: the first loop pays for JIT warm-up. */
async function compare(title, labels, direct, agentbox) {
  const timed = await alternateBest(direct, agentbox, rounds);
  report(title, {
    [`${labels[0]} (median)`]: fmt(timed.direct.median),
    [`${labels[1]} (median)`]: fmt(timed.agentbox.median),
    [`${labels[1]} (p95)`]: fmt(timed.agentbox.p95),
    'ratio ask_agent / baseline': `${fmt(timed.agentbox.median / timed.direct.median, 2)}×`,
  });
}

// In process.
{
  const authorizer = createAuthorizer({ principals: { ann: { roles: ['user'] } } });
  const runtime = new BaseRuntime({
    store: new MemorySessionStore(),
    model: createScriptedModel(() => ({ text: 'The answer.' })),
    tools: builtinTools(),
    authorize: createToolCallAuthorizer(authorizer),
  });
  const agents = new McpAgentTools({
    agents: [{ name: 'agent' }],
    runtime,
    decide: (principal, permission) => authorizer.decide(principal, permission),
    writableSession: (principal, id) => accessSession({ runtime, authorizer }, principal, id, 'write'),
  });
  const server = createMcpServer({ runtime, principal: 'ann', agents, mayInvoke: (p, t) => authorizer.decide(p, toolPermission(t)).allowed });
  const [a, b] = InMemoryTransport.createLinkedPair();
  await server.connect(a);
  const client = new Client({ name: 'bench', version: '1' });
  await client.connect(b);
  await compare(
    'one turn in a new session, in process (scripted model), ms per turn',
    ['runtime.process directly', 'ask_agent over an in-memory MCP transport'],
    () => runtime.process({ input: 'A question?', session: { owner: 'ann' }, principal: 'ann' }),
    () => client.callTool({ name: 'ask_agent', arguments: { message: 'A question?' } }),
  );
  // The protocol's own floor on this transport: a bare tool call (calculator) through the same server.
  const floor = await time(() => client.callTool({ name: 'calculator', arguments: { expression: '1 + 1' } }));
  report('the MCP floor on this transport, ms per call', { 'calculator over the in-memory transport (median)': fmt(floor.median) });
  await client.close();
  await runtime.close();
}

// Over a real socket.
{
  const llm = await startScriptedLlmServer({ recordRequests: false, fallback: { type: 'text', text: 'The answer.', chunks: 1 } });
  const key = 'bench-ask-agent-key';
  const config = configSchema.parse({
    llm: { baseUrl: llm.url, apiKey: 'sk-bench', model: 'bench-model', maxRetries: 0 },
    store: { kind: 'memory' },
    server: { apiKeys: [{ sha256: sha256Hex(key), principal: 'ann' }], rateLimit: { requestsPerMinute: 1_000_000 }, mcp: { agents: ['agent'] } },
    auth: { principals: { ann: { roles: ['user'] } } },
  });
  const running = await startServer({ config, port: 0 });
  const headers = { authorization: `Bearer ${key}`, 'content-type': 'application/json' };
  const client = new Client({ name: 'bench', version: '1' });
  await client.connect(new StreamableHTTPClientTransport(new URL(`${running.url}/mcp`), { requestInit: { headers: { authorization: `Bearer ${key}` } } }));
  const viaApi = async () => {
    const created = await fetch(`${running.url}/v1/sessions`, { method: 'POST', headers, body: '{}' });
    const { id } = await created.json();
    const answered = await fetch(`${running.url}/v1/sessions/${id}/messages`, { method: 'POST', headers, body: JSON.stringify({ input: 'A question?' }) });
    await answered.json();
  };
  await compare(
    'one turn in a new session over HTTP (loopback LLM server), ms per turn',
    ['sessions API: POST /v1/sessions + /messages', 'ask_agent on /mcp (SDK client)'],
    viaApi,
    () => client.callTool({ name: 'ask_agent', arguments: { message: 'A question?' } }),
  );
  await client.close();
  await running.close({ timeoutMs: 1000 });
  await llm.close();
}
