/**
 * Agent-run overhead: a full run (user → tool call → tool → final answer: 2 LLM requests,
 * 1 tool) against a loopback server that answers at once, beside a minimal hand-written
 * fetch loop doing the same requests in the same process. Runs alternate so drift hits both.
 */
import { BaseRuntime, MemorySessionStore, builtinTools, createOpenAICompatibleModel } from '../dist/index.js';
import { evaluateExpression } from '../dist/agent/tools/builtin/evaluate-expression.js';
import { SqliteSessionStore } from '../dist/node/index.js';
import { startScriptedLlmServer } from '../dist/node/testing/index.js';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fmt, report, summarize } from './stats.js';

const runs = Number(process.env.BENCH_RUNS ?? 300);

const server = await startScriptedLlmServer({
  recordRequests: false,
  fallback: (request) => {
    const last = request.body.messages?.at(-1);
    return last?.role === 'tool'
      ? { type: 'text', text: `The answer is ${JSON.parse(String(last.content)).result}.`, chunks: 3 }
      : { type: 'tool-calls', calls: [{ name: 'calculator', arguments: { expression: '17 * 23' } }], chunks: 2 };
  },
});

/** The baseline: what a careful person writes by hand with fetch and no framework. */
async function handWritten() {
  const messages = [{ role: 'user', content: 'What is 17 * 23?' }];
  // The same tool definitions agentbox sends, so both make the same requests.
  const tools = builtinTools().map(({ name, description, parameters }) => ({ type: 'function', function: { name, description, parameters } }));
  for (let step = 0; step < 2; step += 1) {
    const response = await fetch(`${server.url}/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'm', messages, tools, stream: true }),
    });
    const text = await response.text();
    let content = '';
    const calls = [];
    for (const line of text.split('\n')) {
      if (!line.startsWith('data: ') || line === 'data: [DONE]') continue;
      const delta = JSON.parse(line.slice(6)).choices?.[0]?.delta;
      if (!delta) continue;
      if (delta.content) content += delta.content;
      for (const tc of delta.tool_calls ?? []) {
        calls[tc.index] ??= { id: tc.id, name: '', arguments: '' };
        if (tc.function?.name) calls[tc.index].name = tc.function.name;
        if (tc.function?.arguments) calls[tc.index].arguments += tc.function.arguments;
      }
    }
    if (calls.length === 0) return content;
    messages.push({
      role: 'assistant',
      content,
      tool_calls: calls.map((c) => ({ id: c.id, type: 'function', function: { name: c.name, arguments: c.arguments } })),
    });
    for (const c of calls) {
      const result = evaluateExpression(JSON.parse(c.arguments).expression);
      messages.push({ role: 'tool', tool_call_id: c.id, content: JSON.stringify({ result }) });
    }
  }
  throw new Error('no answer');
}

const model = createOpenAICompatibleModel({ baseUrl: server.url, model: 'm' });
const memoryRuntime = new BaseRuntime({ store: new MemorySessionStore(), model, tools: builtinTools() });
const dir = mkdtempSync(join(tmpdir(), 'agentbox-bench-'));
const sqliteRuntime = new BaseRuntime({ store: SqliteSessionStore.open(join(dir, 'bench.db')), model, tools: builtinTools() });

const variants = {
  'hand-written fetch loop (baseline)': handWritten,
  'agentbox, memory store': () => memoryRuntime.process({ input: 'What is 17 * 23?' }),
  'agentbox, SQLite store': () => sqliteRuntime.process({ input: 'What is 17 * 23?' }),
};
const samples = Object.fromEntries(Object.keys(variants).map((k) => [k, []]));

// Warm-up, then interleaved measured runs.
for (let i = 0; i < 30; i += 1) for (const fn of Object.values(variants)) await fn();
for (let i = 0; i < runs; i += 1) {
  for (const [name, fn] of Object.entries(variants)) {
    const t0 = performance.now();
    await fn();
    samples[name].push(performance.now() - t0);
  }
}

const base = summarize(samples['hand-written fetch loop (baseline)']);
const rows = {};
for (const [name, s] of Object.entries(samples)) {
  const st = summarize(s);
  rows[name] = `median ${fmt(st.median)} ms  p95 ${fmt(st.p95)} ms  ratio ${fmt(st.median / base.median, 2)}×`;
}
report(`Agent-run overhead (${runs} runs each; target: median ≤ 1.25× baseline)`, rows);

await memoryRuntime.close();
await sqliteRuntime.close();
await server.close();
rmSync(dir, { recursive: true, force: true });
