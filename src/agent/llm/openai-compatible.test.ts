import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AgentboxError, ConfigError, type LlmError } from '../../errors/index.js';
import { startScriptedLlmServer, type ScriptedLlmServer } from '../../node/testing/index.js';
import type { LanguageModel, ModelRequest, StreamPart } from './language-model.js';
import { createOpenAICompatibleModel, type OpenAICompatibleModelOptions } from './openai-compatible.js';

const API_KEY = 'sk-test-5ecret-abc123';
const hello: ModelRequest = { messages: [{ role: 'user', content: 'hi' }] };

let llm: ScriptedLlmServer;
let sleeps: number[];

beforeEach(async () => {
  llm = await startScriptedLlmServer();
  sleeps = [];
});
afterEach(() => llm.close());

function model(overrides: Partial<OpenAICompatibleModelOptions> = {}): LanguageModel {
  return createOpenAICompatibleModel({
    baseUrl: llm.url,
    apiKey: API_KEY,
    model: 'test-model',
    random: () => 0.5,
    sleep: async (ms) => void sleeps.push(ms),
    ...overrides,
  });
}

async function run(m: LanguageModel, request: ModelRequest = hello): Promise<{ parts: StreamPart[]; error?: unknown }> {
  const parts: StreamPart[] = [];
  try {
    for await (const part of m.stream(request)) parts.push(part);
    return { parts };
  } catch (error) {
    return { parts, error };
  }
}

const textOf = (parts: StreamPart[]): string => parts.map((p) => (p.type === 'text-delta' ? p.text : '')).join('');
const ofType = <T extends StreamPart['type']>(parts: StreamPart[], type: T) => parts.filter((p): p is Extract<StreamPart, { type: T }> => p.type === type);

function expectLlmError(error: unknown, code: string): LlmError {
  expect(AgentboxError.isInstance(error)).toBe(true);
  expect((error as AgentboxError).code).toBe(code);
  const serialized = JSON.stringify({ message: (error as Error).message, details: (error as AgentboxError).details });
  expect(serialized).not.toContain(API_KEY);
  return error as LlmError;
}

describe('createOpenAICompatibleModel: streaming', () => {
  it('streams text in chunks, then usage and finish, sending the wire request OpenAI expects', async () => {
    llm.enqueue({ type: 'text', text: 'Hello, wonderful world!', chunks: 4, usage: { promptTokens: 12, completionTokens: 5 } });
    const { parts, error } = await run(model(), { ...hello, temperature: 0.2, maxTokens: 64 });
    expect(error).toBeUndefined();
    expect(ofType(parts, 'text-delta')).toHaveLength(4);
    expect(textOf(parts)).toBe('Hello, wonderful world!');
    expect(parts.slice(-2)).toEqual([
      { type: 'usage', usage: { promptTokens: 12, completionTokens: 5, totalTokens: 17 } },
      { type: 'finish', finishReason: 'stop' },
    ]);
    const [request] = llm.requests;
    expect(request?.path).toBe('/v1/chat/completions');
    expect(request?.headers.authorization).toBe(`Bearer ${API_KEY}`);
    expect(request?.body).toEqual({
      model: 'test-model',
      messages: [{ role: 'user', content: 'hi' }],
      temperature: 0.2,
      max_tokens: 64,
      stream: true,
      stream_options: { include_usage: true },
    });
  });

  it('maps assistant tool calls, tool results and tool definitions to the wire format', async () => {
    llm.enqueue({ type: 'text', text: 'done' });
    await run(model(), {
      messages: [
        { role: 'system', content: 'be brief' },
        { role: 'user', content: 'read a.txt' },
        { role: 'assistant', content: '', toolCalls: [{ id: 'call_1', name: 'read_file', arguments: '{"path":"a.txt"}' }] },
        { role: 'tool', toolCallId: 'call_1', name: 'read_file', content: 'hello' },
      ],
      tools: [{ name: 'read_file', description: 'Reads a file', parameters: { type: 'object', properties: { path: { type: 'string' } } } }],
    });
    const body = llm.requests[0]?.body;
    expect(body?.messages).toEqual([
      { role: 'system', content: 'be brief' },
      { role: 'user', content: 'read a.txt' },
      {
        role: 'assistant',
        content: null,
        tool_calls: [{ id: 'call_1', type: 'function', function: { name: 'read_file', arguments: '{"path":"a.txt"}' } }],
      },
      { role: 'tool', tool_call_id: 'call_1', content: 'hello' },
    ]);
    expect(body?.tools).toEqual([
      {
        type: 'function',
        function: { name: 'read_file', description: 'Reads a file', parameters: { type: 'object', properties: { path: { type: 'string' } } } },
      },
    ]);
  });

  it('assembles one tool call whose arguments arrive split across chunks', async () => {
    const args = { path: 'notes/today.md', lines: [1, 2, 3], note: 'ünïcödé ✓' };
    llm.enqueue({ type: 'tool-calls', calls: [{ id: 'call_a', name: 'read_file', arguments: args }], chunks: 7 });
    const { parts, error } = await run(model());
    expect(error).toBeUndefined();
    const deltas = ofType(parts, 'tool-call-delta');
    expect(deltas.length).toBeGreaterThan(5);
    expect(deltas[0]).toMatchObject({ index: 0, id: 'call_a', name: 'read_file' });
    expect(deltas.slice(1).every((d) => d.id === undefined && d.name === undefined)).toBe(true);
    expect(ofType(parts, 'tool-call')).toEqual([{ type: 'tool-call', index: 0, call: { id: 'call_a', name: 'read_file', arguments: JSON.stringify(args) } }]);
    expect(parts.at(-1)).toEqual({ type: 'finish', finishReason: 'tool_calls' });
  });

  it('assembles two parallel tool calls whose fragments interleave, before finish', async () => {
    llm.enqueue({
      type: 'tool-calls',
      text: 'Let me look.',
      interleave: true,
      chunks: 4,
      calls: [
        { name: 'read_file', arguments: { path: 'a.txt' } },
        { name: 'list_dir', arguments: '{"dir":"/tmp","recursive":true}' },
      ],
    });
    const { parts, error } = await run(model());
    expect(error).toBeUndefined();
    expect(textOf(parts)).toBe('Let me look.');
    const calls = ofType(parts, 'tool-call');
    expect(calls.map((c) => c.call)).toEqual([
      { id: 'call_1_0', name: 'read_file', arguments: '{"path":"a.txt"}' },
      { id: 'call_1_1', name: 'list_dir', arguments: '{"dir":"/tmp","recursive":true}' },
    ]);
    const finishAt = parts.findIndex((p) => p.type === 'finish');
    expect(parts.findIndex((p) => p.type === 'tool-call')).toBeLessThan(finishAt);
    expect(finishAt).toBe(parts.length - 1);
  });

  it('accepts a non-streamed JSON answer and emits the same parts', async () => {
    llm.enqueue({ type: 'json', text: 'Plain answer', calls: [{ id: 'c9', name: 'ping', arguments: '{}' }], usage: { promptTokens: 3, completionTokens: 4 } });
    const { parts, error } = await run(model());
    expect(error).toBeUndefined();
    expect(parts).toEqual([
      { type: 'text-delta', text: 'Plain answer' },
      { type: 'tool-call-delta', index: 0, id: 'c9', name: 'ping', argumentsDelta: '{}' },
      { type: 'tool-call', index: 0, call: { id: 'c9', name: 'ping', arguments: '{}' } },
      { type: 'usage', usage: { promptTokens: 3, completionTokens: 4, totalTokens: 7 } },
      { type: 'finish', finishReason: 'tool_calls' },
    ]);
  });

  it('maps finish_reason length and accepts a stream without [DONE] once finish_reason came', async () => {
    llm.enqueue({ type: 'text', text: 'truncated by max tokens', finishReason: 'length', omitDone: true, usage: false });
    const { parts, error } = await run(model());
    expect(error).toBeUndefined();
    expect(ofType(parts, 'usage')).toHaveLength(0);
    expect(parts.at(-1)).toEqual({ type: 'finish', finishReason: 'length' });
  });

  it('stops reading when the consumer breaks off, and the next request still works', async () => {
    llm.enqueue({ type: 'text', text: 'a long answer in many chunks', chunks: 10, chunkDelayMs: 20 }, { type: 'text', text: 'second' });
    for await (const part of model().stream(hello)) {
      if (part.type === 'text-delta') break;
    }
    expect(textOf((await run(model())).parts)).toBe('second');
  });
});

describe('createOpenAICompatibleModel: retries', () => {
  it('honours Retry-After on 429 and emits a retry part before retrying', async () => {
    llm.enqueue({ type: 'error', status: 429, message: 'Rate limit reached', headers: { 'retry-after': '2' } }, { type: 'text', text: 'ok now' });
    const { parts, error } = await run(model());
    expect(error).toBeUndefined();
    expect(sleeps).toEqual([2000]);
    expect(parts[0]).toEqual({
      type: 'retry',
      attempt: 1,
      delayMs: 2000,
      error: { code: 'LLM_HTTP', status: 429, message: expect.stringContaining('Rate limit reached') },
    });
    expect(textOf(parts)).toBe('ok now');
    expect(llm.requests).toHaveLength(2);
  });

  it('retries a 500 with jittered backoff, then succeeds', async () => {
    llm.enqueue({ type: 'error', status: 500, message: 'upstream exploded' }, { type: 'text', text: 'recovered' });
    const { parts, error } = await run(model());
    expect(error).toBeUndefined();
    // random() = 0.5 → half of the 500 ms base.
    expect(sleeps).toEqual([250]);
    expect(ofType(parts, 'retry')).toHaveLength(1);
    expect(textOf(parts)).toBe('recovered');
  });

  it('gives up after maxRetries with the server message and status', async () => {
    llm.enqueue(...Array.from({ length: 3 }, () => ({ type: 'error' as const, status: 503, message: 'overloaded' })));
    const { parts, error } = await run(model({ maxRetries: 2 }));
    const failure = expectLlmError(error, 'LLM_HTTP');
    expect(failure.status).toBe(503);
    expect(failure.message).toContain('HTTP 503: overloaded');
    expect(sleeps).toEqual([250, 500]);
    expect(ofType(parts, 'retry').map((p) => p.attempt)).toEqual([1, 2]);
    expect(llm.requests).toHaveLength(3);
  });

  it('does not retry a 400 and shows the server message', async () => {
    llm.enqueue({ type: 'error', status: 400, message: "Invalid value for 'messages'" });
    const { parts, error } = await run(model());
    const failure = expectLlmError(error, 'LLM_HTTP');
    expect(failure.retryable).toBe(false);
    expect(failure.message).toContain("HTTP 400: Invalid value for 'messages'");
    expect(parts).toEqual([]);
    expect(llm.requests).toHaveLength(1);
  });

  it('surfaces a Retry-After longer than a minute instead of waiting silently', async () => {
    llm.enqueue({ type: 'error', status: 429, message: 'quota', headers: { 'retry-after': '3600' } });
    const { error } = await run(model());
    expect(expectLlmError(error, 'LLM_HTTP').retryAfterMs).toBe(3_600_000);
    expect(sleeps).toEqual([]);
  });

  it('retries a stream cut before any part was delivered', async () => {
    llm.enqueue({ type: 'cut', text: 'never seen', after: 0 }, { type: 'text', text: 'second try' });
    const { parts, error } = await run(model());
    expect(error).toBeUndefined();
    expect(ofType(parts, 'retry')[0]?.error.code).toBe('LLM_PROTOCOL');
    expect(textOf(parts)).toBe('second try');
  });
});

describe('createOpenAICompatibleModel: failures', () => {
  it('reports a closed port as LLM_UNREACHABLE naming the URL and how to configure one', async () => {
    const closed = await startScriptedLlmServer();
    await closed.close();
    const { parts, error } = await run(model({ baseUrl: closed.url, maxRetries: 1 }));
    const failure = expectLlmError(error, 'LLM_UNREACHABLE');
    expect(failure.message).toContain(`${closed.url}/chat/completions`);
    expect(failure.message).toContain('ECONNREFUSED');
    expect(failure.message).toContain('OPENAI_BASE_URL');
    expect(failure.message).toContain('--base-url');
    expect(ofType(parts, 'retry')).toHaveLength(1);
  });

  it('reports an unresolvable host as LLM_UNREACHABLE', async () => {
    // `.invalid` is reserved (RFC 2606) and never resolves.
    const { error } = await run(model({ baseUrl: 'http://agentbox-test.invalid/v1', maxRetries: 0 }));
    const failure = expectLlmError(error, 'LLM_UNREACHABLE');
    expect(failure.message).toContain('http://agentbox-test.invalid/v1/chat/completions');
    expect(failure.message).toMatch(/ENOTFOUND|EAI_AGAIN/);
  });

  it('fails on a malformed SSE data line with LLM_PROTOCOL, after the text before it, without retrying', async () => {
    llm.enqueue({ type: 'malformed', text: 'partial answer', line: 'data: {"choices": [ not json' });
    const { parts, error } = await run(model());
    const failure = expectLlmError(error, 'LLM_PROTOCOL');
    expect(failure.message).toContain('malformed stream event');
    expect(failure.message).toContain('not json');
    expect(textOf(parts)).toBe('partial answer');
    expect(llm.requests).toHaveLength(1);
  });

  it('fails when the socket dies halfway, keeping what arrived and never replaying', async () => {
    llm.enqueue({ type: 'cut', text: 'one two three four', chunks: 4, after: 2 }, { type: 'text', text: 'replayed' });
    const { parts, error } = await run(model());
    expect(expectLlmError(error, 'LLM_PROTOCOL').message).toContain('lost mid-response');
    expect(textOf(parts)).toBe('one two th');
    expect(ofType(parts, 'retry')).toHaveLength(0);
    expect(llm.requests).toHaveLength(1);
  });

  it('fails when the stream ends cleanly without finish_reason or [DONE]', async () => {
    llm.enqueue({ type: 'cut', text: 'abcdef', chunks: 3, after: 2, mode: 'end' });
    const { parts, error } = await run(model());
    expect(expectLlmError(error, 'LLM_PROTOCOL').message).toContain('ended before the model finished');
    expect(textOf(parts)).toBe('abcd');
  });

  it('reports an error object sent inside the stream', async () => {
    llm.enqueue({ type: 'raw', body: 'data: {"error":{"message":"model crashed"}}\n\n' });
    const { error } = await run(model());
    expect(expectLlmError(error, 'LLM_PROTOCOL').message).toContain('model crashed');
  });

  it('times out when the server sends no headers within timeoutMs', async () => {
    llm.enqueue({ type: 'text', text: 'too late', delayMs: 3_000 });
    const started = Date.now();
    const { error } = await run(model({ timeoutMs: 150, maxRetries: 0 }));
    expect(expectLlmError(error, 'LLM_TIMEOUT').message).toContain('150 ms');
    expect(Date.now() - started).toBeLessThan(2_000);
  });

  it('times out when the stream goes silent between chunks', async () => {
    llm.enqueue({ type: 'text', text: 'slow stream here', chunks: 3, chunkDelayMs: 1_000 });
    // Only the role chunk arrives in time: nothing was delivered, so it would be retried; forbid that.
    const { parts, error } = await run(model({ timeoutMs: 200, maxRetries: 0 }));
    expectLlmError(error, 'LLM_TIMEOUT');
    expect(llm.requests).toHaveLength(1);
    expect(parts.some((p) => p.type === 'finish')).toBe(false);
  });

  it('does not count a slow consumer against the timeout', async () => {
    llm.enqueue({ type: 'text', text: 'quick server, slow reader', chunks: 3 });
    const parts: StreamPart[] = [];
    for await (const part of model({ timeoutMs: 250 }).stream(hello)) {
      parts.push(part);
      // Hold the first part well past the timeout while the rest of the stream sits unread.
      if (parts.length === 1) await new Promise((resolve) => setTimeout(resolve, 600));
    }
    expect(textOf(parts)).toBe('quick server, slow reader');
  });

  it('cancels on abort with CANCELLED and no retry', async () => {
    llm.enqueue({ type: 'text', text: 'never', delayMs: 5_000 });
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 50);
    const started = Date.now();
    const { error } = await run(model(), { ...hello, signal: controller.signal });
    expect(AgentboxError.isInstance(error) && error.code).toBe('CANCELLED');
    expect(Date.now() - started).toBeLessThan(2_000);
    expect(sleeps).toEqual([]);
  });

  it('cancels mid-stream, keeping the parts already delivered', async () => {
    llm.enqueue({ type: 'text', text: 'first second third', chunks: 3, chunkDelayMs: 100 });
    const controller = new AbortController();
    const parts: StreamPart[] = [];
    let error: unknown;
    try {
      for await (const part of model().stream({ ...hello, signal: controller.signal })) {
        parts.push(part);
        if (part.type === 'text-delta') controller.abort();
      }
    } catch (caught) {
      error = caught;
    }
    expect(AgentboxError.isInstance(error) && error.code).toBe('CANCELLED');
    expect(textOf(parts)).toBe('first ');
    expect(llm.requests).toHaveLength(1);
  });

  it('cancels during the wait before a retry', async () => {
    llm.enqueue({ type: 'error', status: 429, headers: { 'retry-after': '30' } });
    const controller = new AbortController();
    const m = model({ sleep: undefined });
    const parts: StreamPart[] = [];
    let error: unknown;
    try {
      for await (const part of m.stream({ ...hello, signal: controller.signal })) {
        parts.push(part);
        if (part.type === 'retry') controller.abort();
      }
    } catch (caught) {
      error = caught;
    }
    expect(AgentboxError.isInstance(error) && error.code).toBe('CANCELLED');
    expect(parts.map((p) => p.type)).toEqual(['retry']);
    expect(llm.requests).toHaveLength(1);
  });

  it('sends nothing when the signal is already aborted', async () => {
    const { error } = await run(model(), { ...hello, signal: AbortSignal.abort() });
    expect(AgentboxError.isInstance(error) && error.code).toBe('CANCELLED');
    expect(llm.requests).toHaveLength(0);
  });

  it('keeps the API key out of errors and retry parts even when the server echoes it', async () => {
    llm.enqueue(
      { type: 'error', status: 500, message: `bad key ${API_KEY} upstream` },
      { type: 'error', status: 401, message: `Incorrect API key provided: ${API_KEY}` },
    );
    const { parts, error } = await run(model());
    const failure = expectLlmError(error, 'LLM_HTTP');
    expect(failure.message).toContain('Incorrect API key provided: [redacted]');
    expect(failure.message).toContain('OPENAI_API_KEY');
    expect(JSON.stringify(parts)).not.toContain(API_KEY);
    expect(JSON.stringify(parts)).toContain('[redacted]');
    expect(llm.requests.every((r) => r.headers.authorization === `Bearer ${API_KEY}`)).toBe(true);
  });

  it('rejects a base URL that is not http(s) at creation', () => {
    expect(() => createOpenAICompatibleModel({ baseUrl: 'localhost:11434', model: 'm' })).toThrow(ConfigError);
    expect(() => createOpenAICompatibleModel({ baseUrl: 'http://127.0.0.1:1/v1', model: '' })).toThrow(/AGENTBOX_MODEL/);
  });
});
