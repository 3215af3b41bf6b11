/**
 * MCP sampling, beside its baseline measured in the same run: server-everything's
 * `trigger-sampling-request` over stdio, whose `sampling/createMessage` is answered by the
 * loopback LLM server,
 * - baseline: the SDK's `Client` with a bare sampling handler that streams the completion
 *   from the same model and answers (no budget, no record, no bounds);
 * - agentbox: the call through the executor, the source's handler, the request mapping and
 *   bounds, the session sampler (token count, budget, reservation) and the `mcp.sampled` event.
 */
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { CreateMessageRequestSchema } from '@modelcontextprotocol/sdk/types.js';
import { createOpenAICompatibleModel } from '../dist/agent/llm/openai-compatible.js';
import { createSessionSampler } from '../dist/agent/tools/create-session-sampler.js';
import { ToolExecutor } from '../dist/agent/tools/tool-executor.js';
import { ToolRegistry } from '../dist/agent/tools/tool-registry.js';
import { McpToolSource } from '../dist/mcp/mcp-tool-source.js';
import { mcpSourceOptions } from '../dist/node/mcp/load-mcp-tool-sources.js';
import { startScriptedLlmServer } from '../dist/node/testing/scripted-llm-server.js';
import { alternateBest, fmt, report } from './stats.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const everything = join(root, 'node_modules/@modelcontextprotocol/server-everything/dist/index.js');
const rounds = Number(process.env.BENCH_ROUNDS ?? 200);
const args = { prompt: 'name a colour', maxTokens: 20 };

const llm = await startScriptedLlmServer({
  fallback: { type: 'text', text: 'teal', chunks: 1, usage: { promptTokens: 20, completionTokens: 1 } },
  recordRequests: false,
});
const model = createOpenAICompatibleModel({ baseUrl: llm.url, model: 'bench' });

// Baseline: a client that answers sampling with the model and nothing else.
const sdk = new Client({ name: 'bench', version: '1' }, { capabilities: { sampling: {} } });
sdk.setRequestHandler(CreateMessageRequestSchema, async (request) => {
  let text = '';
  const messages = request.params.messages.map((m) => ({ role: m.role, content: m.content.type === 'text' ? m.content.text : '' }));
  for await (const part of model.stream({ messages, maxTokens: request.params.maxTokens })) if (part.type === 'text-delta') text += part.text;
  return { role: 'assistant', content: { type: 'text', text }, model: 'bench', stopReason: 'endTurn' };
});
await sdk.connect(new StdioClientTransport({ command: process.execPath, args: [everything, 'stdio'], stderr: 'ignore' }));
const direct = async () => {
  const result = await sdk.callTool({ name: 'trigger-sampling-request', arguments: args });
  if (result.isError) throw new Error(JSON.stringify(result.content));
};

const source = await McpToolSource.connect(
  mcpSourceOptions('ev', { command: process.execPath, args: [everything, 'stdio'], env: {}, sampling: { maxTokens: 1_000_000 } }),
);
const registry = new ToolRegistry();
registry.replaceSource(source.name, source.tools());
const executor = new ToolExecutor({ registry, authorize: () => ({ allowed: true, reason: 'bench' }) });
const sample = createSessionSampler({ model, used: () => 0 });
const signal = new AbortController().signal;
const calls = [{ id: 'c1', name: 'ev_trigger-sampling-request', arguments: JSON.stringify(args) }];
let recorded = 0;
const agentbox = async () => {
  const [result] = await executor.execute(calls, {
    sessionId: 's',
    principal: 'p',
    step: 1,
    signal,
    sample,
    emit: (e) => void (e.type === 'mcp.sampled' && (recorded += 1)),
  });
  if (!result.ok) throw new Error(result.output);
};

const timed = await alternateBest(direct, agentbox, rounds);
report('sampling over stdio: one trigger-sampling-request call, ms', {
  'SDK Client + bare sampling handler (median)': fmt(timed.direct.median),
  'agentbox executor + session sampler (median)': fmt(timed.agentbox.median),
  'ratio agentbox / SDK': `${fmt(timed.agentbox.median / timed.direct.median, 2)}×`,
  'mcp.sampled events recorded': String(recorded),
});
await sdk.close();
await source.close();
await llm.close();
