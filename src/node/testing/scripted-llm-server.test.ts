import { afterEach, describe, expect, it } from 'vitest';
import { startScriptedLlmServer, type ScriptedLlmServer } from './scripted-llm-server.js';

const servers: ScriptedLlmServer[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()));
});

async function start(...args: Parameters<typeof startScriptedLlmServer>): Promise<ScriptedLlmServer> {
  const server = await startScriptedLlmServer(...args);
  servers.push(server);
  return server;
}

function chat(server: ScriptedLlmServer, body: unknown): Promise<Response> {
  return fetch(`${server.url}/chat/completions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
}

const dataLines = (text: string): string[] =>
  text
    .split('\n')
    .filter((line) => line.startsWith('data: '))
    .map((line) => line.slice(6));

describe('startScriptedLlmServer', () => {
  it('listens on 127.0.0.1 with a base URL ending in /v1', async () => {
    const server = await start();
    expect(server.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/v1$/);
    const models = (await (await fetch(`${server.url}/models`)).json()) as { data: Array<{ id: string }> };
    expect(models.data[0]?.id).toBe('scripted-model');
    expect((await fetch(`${server.url}/embeddings`, { method: 'POST', body: '{}' })).status).toBe(404);
  });

  it('streams the real SSE wire format: role chunk, content, finish, usage (when asked), [DONE]', async () => {
    const server = await start({ responses: [{ type: 'text', text: 'abcdef', chunks: 3, usage: { promptTokens: 7 } }] });
    const response = await chat(server, { model: 'm1', messages: [], stream: true, stream_options: { include_usage: true } });
    expect(response.headers.get('content-type')).toBe('text/event-stream');
    const lines = dataLines(await response.text());
    expect(lines.at(-1)).toBe('[DONE]');
    const chunks = lines.slice(0, -1).map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(chunks.map((c) => c.object)).toEqual(Array(6).fill('chat.completion.chunk'));
    expect(chunks[0]).toMatchObject({ model: 'm1', choices: [{ delta: { role: 'assistant', content: '' } }] });
    expect(chunks.slice(1, 4).map((c) => (c as { choices: Array<{ delta: { content: string } }> }).choices[0]?.delta.content)).toEqual(['ab', 'cd', 'ef']);
    expect(chunks[4]).toMatchObject({ choices: [{ delta: {}, finish_reason: 'stop' }] });
    expect(chunks[5]).toMatchObject({ choices: [], usage: { prompt_tokens: 7, completion_tokens: 2, total_tokens: 9 } });
  });

  it('sends no usage chunk unless the request asks for one', async () => {
    const server = await start({ responses: [{ type: 'text', text: 'hi' }] });
    const lines = dataLines(await (await chat(server, { messages: [], stream: true })).text());
    expect(lines.some((line) => line.includes('"usage"'))).toBe(false);
  });

  it('answers a non-streaming request with one ChatCompletion object', async () => {
    const server = await start({ responses: [{ type: 'tool-calls', calls: [{ name: 'f', arguments: { a: 1 } }] }] });
    const response = await chat(server, { messages: [{ role: 'user', content: 'x' }] });
    expect(response.headers.get('content-type')).toBe('application/json');
    expect(await response.json()).toMatchObject({
      object: 'chat.completion',
      choices: [
        {
          finish_reason: 'tool_calls',
          message: { role: 'assistant', content: null, tool_calls: [{ id: 'call_1_0', type: 'function', function: { name: 'f', arguments: '{"a":1}' } }] },
        },
      ],
      usage: { prompt_tokens: expect.any(Number), completion_tokens: expect.any(Number) },
    });
  });

  it('records requests in order with headers and parsed bodies', async () => {
    const server = await start({ fallback: { type: 'text', text: 'ok' } });
    await (await fetch(`${server.url}/chat/completions`, { method: 'POST', headers: { authorization: 'Bearer k' }, body: '{"n":1}' })).text();
    await (await chat(server, { n: 2 })).text();
    expect(server.requests.map((r) => [r.index, r.body.n, r.path])).toEqual([
      [0, 1, '/v1/chat/completions'],
      [1, 2, '/v1/chat/completions'],
    ]);
    expect(server.requests[0]?.headers.authorization).toBe('Bearer k');
  });

  it('says plainly when the queue is empty, with a status a client will not retry', async () => {
    const server = await start({ responses: [{ type: 'text', text: 'only one' }] });
    await (await chat(server, { messages: [] })).text();
    const response = await chat(server, { messages: [] });
    expect(response.status).toBe(400);
    expect(((await response.json()) as { error: { message: string } }).error.message).toBe('scripted LLM server: no scripted response left for request #2');
  });

  it('rejects a body that is not JSON without consuming the queue', async () => {
    const server = await start({ responses: [{ type: 'text', text: 'kept' }] });
    const response = await chat(server, 'not json');
    expect(response.status).toBe(400);
    expect(server.pending).toBe(1);
    expect(server.requestCount).toBe(0);
  });

  it('serves unlimited answers from a responder function, without recording when asked', async () => {
    const server = await start({
      recordRequests: false,
      fallback: (request) => ({ type: 'json', text: `echo ${String(request.body.n)}` }),
    });
    const answers: string[] = [];
    for (let n = 0; n < 50; n++) {
      const body = (await (await chat(server, { n })).json()) as { choices: Array<{ message: { content: string } }> };
      answers.push(body.choices[0]!.message.content);
    }
    expect(answers[0]).toBe('echo 0');
    expect(answers[49]).toBe('echo 49');
    expect(server.requestCount).toBe(50);
    expect(server.requests).toHaveLength(0);
  });

  it('turns a responder that throws into a visible 500', async () => {
    const server = await start({
      responses: [
        () => {
          throw new Error('responder bug');
        },
      ],
    });
    const response = await chat(server, { messages: [] });
    expect(response.status).toBe(500);
    expect(await response.text()).toContain('responder bug');
  });

  it('sends scripted error status, headers and body', async () => {
    const server = await start({ responses: [{ type: 'error', status: 429, message: 'slow down', headers: { 'retry-after': '3' } }] });
    const response = await chat(server, { messages: [] });
    expect(response.status).toBe(429);
    expect(response.headers.get('retry-after')).toBe('3');
    expect(await response.json()).toEqual({ error: { message: 'slow down', type: 'scripted_error', code: null } });
  });

  it('closes promptly even while a request waits in a delay', async () => {
    const server = await startScriptedLlmServer({ responses: [{ type: 'text', text: 'late', delayMs: 10_000 }] });
    const pending = chat(server, { messages: [], stream: true }).catch((error: unknown) => error);
    await new Promise((resolve) => setTimeout(resolve, 50));
    const started = Date.now();
    await server.close();
    expect(Date.now() - started).toBeLessThan(1_000);
    expect(await pending).toBeInstanceOf(Error);
  });
});
