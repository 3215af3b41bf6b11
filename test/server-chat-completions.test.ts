import { afterEach, describe, expect, it } from 'vitest';
import { expectValid, openAiValidator } from './helpers/openai-spec.js';
import { collectSse, startHarness, type ServerHarness } from './helpers/server-harness.js';

let h: ServerHarness;
afterEach(async () => h?.close());

const responseValidator = openAiValidator('CreateChatCompletionResponse');
const chunkValidator = openAiValidator('CreateChatCompletionStreamResponse');
const requestValidator = openAiValidator('CreateChatCompletionRequest');

const chat = (body: unknown, headers: Record<string, string> = {}): Promise<Response> =>
  h.call('/v1/chat/completions', { method: 'POST', json: body, headers });

const request = {
  model: 'agentbox-agent',
  messages: [
    { role: 'system', content: 'You are terse.' },
    { role: 'user', content: 'What is 2+2?' },
    { role: 'assistant', content: '4' },
    {
      role: 'user',
      content: [
        { type: 'text', text: 'And 17 * 23? ' },
        { type: 'text', text: 'Use the calculator.' },
      ],
    },
  ],
};

describe('POST /v1/chat/completions', () => {
  it('the test request itself conforms to CreateChatCompletionRequest', () => {
    expectValid(requestValidator, request);
    expect(requestValidator.validate({ model: 'x' }).valid).toBe(false);
  });

  it('answers with a spec-conformant chat.completion: tools run server-side, only the final text returns, usage summed', async () => {
    h = await startHarness();
    h.llm.enqueue(
      { type: 'tool-calls', calls: [{ name: 'calculator', arguments: { expression: '17 * 23' } }], usage: { promptTokens: 10, completionTokens: 5 } },
      { type: 'text', text: '391', usage: { promptTokens: 20, completionTokens: 1 } },
    );
    const res = await chat(request);
    expect(res.status).toBe(200);
    const body = (await res.json()) as {
      model: string;
      object: string;
      choices: Array<{ message: { content: string }; finish_reason: string }>;
      usage: unknown;
    };
    expectValid(responseValidator, body);
    expect(responseValidator.validate({ ...body, choices: [{ index: 0 }] }).valid).toBe(false);
    expect(body).toMatchObject({
      object: 'chat.completion',
      model: 'agentbox-agent',
      choices: [{ message: { role: 'assistant', content: '391' }, finish_reason: 'stop' }],
    });
    expect(body.usage).toEqual({ prompt_tokens: 30, completion_tokens: 6, total_tokens: 36 });
    // The model saw the history, the joined input, and the tool result.
    const first = h.llm.requests[0]!.body.messages!;
    expect(first.map((m) => m.role)).toEqual(['system', 'user', 'assistant', 'user']);
    expect(first.at(-1)?.content).toBe('And 17 * 23? Use the calculator.');
    expect(h.llm.requests[1]!.body.messages!.at(-1)).toMatchObject({ role: 'tool', content: '{"result":391}' });
    // Ephemeral: nothing is left in the sessions API.
    expect(((await (await h.call('/v1/sessions')).json()) as { data: unknown[] }).data).toEqual([]);
  });

  it('streams spec-conformant chat.completion.chunk events, a usage chunk when asked, then [DONE]', async () => {
    h = await startHarness();
    h.llm.enqueue(
      { type: 'tool-calls', calls: [{ name: 'calculator', arguments: { expression: '1+1' } }] },
      { type: 'text', text: 'Two, exactly.', chunks: 4, usage: { promptTokens: 3, completionTokens: 4 } },
    );
    const res = await chat({ ...request, stream: true, stream_options: { include_usage: true } });
    expect(res.headers.get('content-type')).toContain('text/event-stream');
    const messages = await collectSse(res);
    expect(messages.at(-1)?.data).toBe('[DONE]');
    const chunks = messages
      .slice(0, -1)
      .map(
        (m) =>
          JSON.parse(m.data) as { id: string; choices: Array<{ delta: { content?: string; role?: string }; finish_reason: string | null }>; usage?: unknown },
      );
    for (const chunk of chunks) expectValid(chunkValidator, chunk);
    expect(new Set(chunks.map((c) => c.id)).size).toBe(1);
    expect(chunks[0]!.choices[0]!.delta.role).toBe('assistant');
    expect(chunks.flatMap((c) => c.choices.map((x) => x.delta.content ?? '')).join('')).toBe('Two, exactly.');
    expect(chunks.at(-2)!.choices[0]!.finish_reason).toBe('stop');
    expect(chunks.at(-1)).toMatchObject({ choices: [], usage: { prompt_tokens: expect.any(Number), completion_tokens: expect.any(Number) } });
  });

  it('streams without a usage chunk unless asked', async () => {
    h = await startHarness();
    h.llm.enqueue({ type: 'text', text: 'hi' });
    const messages = await collectSse(await chat({ model: 'm', stream: true, messages: [{ role: 'user', content: 'hello' }] }));
    expect(messages.some((m) => m.data.includes('"usage"'))).toBe(false);
    expect(messages.at(-1)?.data).toBe('[DONE]');
  });

  it('rejects bad requests with 400 naming the field', async () => {
    h = await startHarness();
    const cases: Array<[unknown, string]> = [
      [{ messages: [{ role: 'user', content: 'x' }] }, 'body.model'],
      [{ model: 'm', messages: [] }, 'body.messages'],
      [{ model: 'm', messages: [{ role: 'robot', content: 'x' }] }, 'body.messages.0.role'],
      [
        {
          model: 'm',
          messages: [
            { role: 'user', content: 'x' },
            { role: 'assistant', content: 'y' },
          ],
        },
        'body.messages.1',
      ],
      [{ model: 'm', messages: [{ role: 'user', content: [{ type: 'image_url', image_url: { url: 'x' } }] }] }, 'body.messages.0.content'],
      [
        {
          model: 'm',
          messages: [
            { role: 'user', content: 'x' },
            { role: 'tool', tool_call_id: 'call_nowhere', content: '{}' },
            { role: 'user', content: 'y' },
          ],
        },
        'body.messages: the tool message for call_nowhere answers no tool call',
      ],
      [{ model: 'm', n: 2, messages: [{ role: 'user', content: 'x' }] }, 'body.n'],
      [{ model: 'm', stream: 'yes', messages: [{ role: 'user', content: 'x' }] }, 'body.stream'],
    ];
    for (const [body, field] of cases) {
      const res = await chat(body);
      expect(res.status, JSON.stringify(body)).toBe(400);
      const { error } = (await res.json()) as { error: { code: string; message: string } };
      expect(error.code).toBe('INVALID_INPUT');
      expect(error.message.startsWith(field), `${error.message} should name ${field}`).toBe(true);
    }
    expect(h.llm.requestCount).toBe(0);
  });

  it('maps an LLM failure to 502 (non-streaming) and to an error chunk (streaming)', async () => {
    h = await startHarness();
    h.llm.enqueue({ type: 'error', status: 400, message: 'nope' }, { type: 'error', status: 400, message: 'nope' });
    const res = await chat({ model: 'm', messages: [{ role: 'user', content: 'x' }] });
    expect(res.status).toBe(502);
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe('LLM_HTTP');
    const messages = await collectSse(await chat({ model: 'm', stream: true, messages: [{ role: 'user', content: 'x' }] }));
    expect(JSON.parse(messages.at(-1)!.data)).toMatchObject({ error: { code: 'LLM_HTTP' } });
  });
});
