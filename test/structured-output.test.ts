/**
 * Prompt files and structured output end to end: the runtime's real OpenAI-compatible client
 * against the loopback server, in each way of asking (json_schema, json_object, tool), with
 * a valid answer, an invalid one fixed on retry, and one that stays invalid.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createOpenAICompatibleModel } from '../src/agent/llm/openai-compatible.js';
import type { StructuredOutputMode } from '../src/agent/structured-output.js';
import { calculatorTool } from '../src/agent/tools/builtin/index.js';
import { AgentboxError } from '../src/errors/agentbox-error.js';
import { startScriptedLlmServer, type ScriptedLlmServer } from '../src/node/testing/scripted-llm-server.js';
import { createMemoryPromptLoader } from '../src/prompt/memory-prompt-loader.js';
import { createPromptRenderer } from '../src/prompt/create-prompt-renderer.js';
import { hashText } from '../src/prompt/hash-text.js';
import { BaseRuntime } from '../src/runtime/base-runtime.js';
import { MemorySessionStore } from '../src/store/memory-session-store.js';
import type { ScriptedEntry } from '../src/testing/scripted-response.js';

const triage = `---
model: triage-model
config:
  temperature: 0
input:
  schema:
    ticket: string
output:
  schema:
    severity(enum): [low, high]
    summary: string
---
{{role "system"}}
You triage support tickets.
{{role "user"}}
{{ticket}}
`;

const schema = {
  type: 'object',
  properties: { severity: { enum: ['low', 'high'] }, summary: { type: 'string' } },
  required: ['severity', 'summary'],
  additionalProperties: false,
};

let llm: ScriptedLlmServer;
beforeAll(async () => {
  llm = await startScriptedLlmServer();
});
afterAll(async () => {
  await llm.close();
});

function runtime(mode: StructuredOutputMode, withTools = false) {
  const store = new MemorySessionStore();
  return new BaseRuntime({
    store,
    model: createOpenAICompatibleModel({ baseUrl: llm.url, model: 'default-model', maxRetries: 0 }),
    tools: withTools ? [calculatorTool] : [],
    system: 'the default system prompt',
    prompts: createPromptRenderer(createMemoryPromptLoader({ triage })),
    structuredOutput: mode,
  });
}

const good = { severity: 'high', summary: 'app crashes' };

/** The answer in the form the mode asks for: text, or a call of the answer tool. */
function answer(mode: StructuredOutputMode, value: unknown): ScriptedEntry {
  const text = typeof value === 'string' ? value : JSON.stringify(value);
  return mode === 'tool' ? { type: 'tool-calls', calls: [{ name: 'final_triage', arguments: text }] } : { type: 'text', text };
}

type WireMessage = { role: string; content: string };
const messagesOf = (body: Record<string, unknown> | undefined): WireMessage[] => (body?.messages as WireMessage[] | undefined) ?? [];

function bodies(from: number) {
  return llm.requests.slice(from).map((r) => r.body as Record<string, unknown>);
}

describe.each(['json_schema', 'json_object', 'tool'] as const)('structured output in %s mode', (mode) => {
  it('asks for the schema, validates a valid answer and returns it parsed', async () => {
    const rt = runtime(mode);
    const from = llm.requests.length;
    llm.enqueue(answer(mode, good));
    const session = await rt.process({ prompt: { file: 'triage', input: { ticket: 'It crashes on start' } } });
    expect(session.state).toBe('completed');
    expect(session.output).toEqual(good);
    const [body] = bodies(from);
    expect(body).toMatchObject({ model: 'triage-model', temperature: 0 });
    // The prompt is the whole prompt: its system message, not the runtime's default.
    expect(messagesOf(body).slice(0, 2)).toEqual([
      { role: 'system', content: 'You triage support tickets.' },
      { role: 'user', content: 'It crashes on start' },
    ]);
    if (mode === 'json_schema') {
      expect(body?.response_format).toEqual({ type: 'json_schema', json_schema: { name: 'triage', schema, strict: true } });
      expect(body?.tools).toBeUndefined();
    } else if (mode === 'json_object') {
      expect(body?.response_format).toEqual({ type: 'json_object' });
      expect(messagesOf(body).at(-1)?.content).toContain(JSON.stringify(schema));
    } else {
      expect(body?.response_format).toBeUndefined();
      expect(body?.tool_choice).toEqual({ type: 'function', function: { name: 'final_triage' } });
      expect(body?.tools).toEqual([{ type: 'function', function: { name: 'final_triage', description: expect.any(String), parameters: schema } }]);
    }
    const events = await rt.events(session.id);
    const started = events.find((e) => e.type === 'turn.started');
    expect(started).toMatchObject({ prompt: { file: 'triage', hash: await hashText(triage), input: { ticket: 'It crashes on start' } } });
    expect(events.find((e) => e.type === 'turn.completed')).toMatchObject({ output: good });
    // In tool mode the answer call is recorded as the assistant's text: no call without a result.
    expect(session.messages.at(-1)).toEqual({ role: 'assistant', content: JSON.stringify(good) });
  });

  it('feeds the validation errors back once and accepts the fixed answer', async () => {
    const rt = runtime(mode);
    const from = llm.requests.length;
    llm.enqueue(answer(mode, { severity: 'urgent' }), answer(mode, good));
    const session = await rt.process({ prompt: { file: 'triage', input: { ticket: 'Down' } } });
    expect(session.output).toEqual(good);
    const [, second] = bodies(from);
    const feedback = messagesOf(second)
      .filter((m) => m.role === 'user')
      .at(-1)?.content;
    expect(feedback).toContain('severity: does not match any of ["low","high"]');
    expect(feedback).toContain('summary: is required');
    const invalid = (await rt.events(session.id)).filter((e) => e.type === 'output.invalid');
    expect(invalid).toHaveLength(1);
    expect(invalid[0]).toMatchObject({ issues: expect.arrayContaining([{ path: 'summary', message: 'is required' }]) });
  });

  it('fails the turn with OUTPUT_INVALID naming the paths when the retry is still wrong', async () => {
    const rt = runtime(mode);
    const from = llm.requests.length;
    llm.enqueue(answer(mode, 'not json at all'), answer(mode, { severity: 'low', summary: 3 }));
    const error = await rt.process({ prompt: { file: 'triage', input: { ticket: 'Slow' } } }).catch((e: unknown) => e);
    expect(AgentboxError.isInstance(error, 'OUTPUT_INVALID')).toBe(true);
    expect((error as AgentboxError<'OUTPUT_INVALID'>).details.issues).toEqual([{ path: 'summary', message: expect.stringContaining('"string"') }]);
    expect((error as Error).message).toContain('summary');
    expect(bodies(from)).toHaveLength(2);
    const [session] = await rt.listSessions();
    expect(session?.state).toBe('failed');
  });
});

describe('structured output beside tools', () => {
  it('in tool mode with other tools, requires a tool call and ends on the answer tool', async () => {
    const rt = runtime('tool', true);
    const from = llm.requests.length;
    llm.enqueue({ type: 'tool-calls', calls: [{ name: 'calculator', arguments: { expression: '2 + 2' } }] }, answer('tool', good));
    const session = await rt.process({ input: 'Triage: it crashes', output: { schema, name: 'triage' } });
    expect(session.output).toEqual(good);
    const [first] = bodies(from);
    expect(first?.tool_choice).toBe('required');
    expect(((first?.tools as Array<{ function: { name: string } }> | undefined) ?? []).map((t) => t.function.name)).toEqual(['calculator', 'final_triage']);
    expect(session.messages.map((m) => m.role)).toEqual(['system', 'user', 'assistant', 'tool', 'assistant']);
  });

  it('sends strict: false for a schema strict mode would refuse (an optional field)', async () => {
    const rt = runtime('json_schema');
    const from = llm.requests.length;
    llm.enqueue(answer('json_schema', { a: 'x' }));
    const loose = { type: 'object', properties: { a: { type: 'string' }, b: { type: 'number' } }, required: ['a'], additionalProperties: false };
    const session = await rt.process({ input: 'go', output: { schema: loose } });
    expect(session.output).toEqual({ a: 'x' });
    expect(bodies(from)[0]?.response_format).toEqual({ type: 'json_schema', json_schema: { name: 'answer', schema: loose, strict: false } });
  });

  it('refuses bad prompt input before any session or request exists', async () => {
    const rt = runtime('json_schema');
    const from = llm.requests.length;
    const error = await rt.process({ prompt: { file: 'triage', input: { ticket: 5 } } }).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'INVALID_INPUT', details: { issues: [{ path: 'ticket', message: expect.stringContaining('"string"') }] } });
    expect(await rt.listSessions()).toEqual([]);
    expect(llm.requests.length).toBe(from);
  });
});
