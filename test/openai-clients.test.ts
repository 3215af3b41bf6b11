/**
 * `agentbox serve` as the OpenAI-compatible endpoint real clients are pointed at: the
 * official `openai` SDK, the AI SDK's OpenAI-compatible provider and LangChain's
 * `ChatOpenAI`, each over a real socket, each holding a non-streamed and a streamed
 * conversation whose history carries a tool call and whose answer needs the agent's own
 * tool (calculator) run server-side. Models and errors are checked against OpenAI's spec.
 */
import { createOpenAICompatible } from '@ai-sdk/openai-compatible';
import { AIMessage, HumanMessage, SystemMessage, ToolMessage } from '@langchain/core/messages';
import { ChatOpenAI } from '@langchain/openai';
import { generateText, streamText, type ModelMessage } from 'ai';
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { configSchema } from '../src/config/config-schema.js';
import { startServer, type RunningServer } from '../src/node/server/start-server.js';
import { startScriptedLlmServer, type ScriptedLlmServer } from '../src/node/testing/index.js';
import { expectValid, openAiValidator } from './helpers/openai-spec.js';

const MODEL = 'agentbox-test-model';
let llm: ScriptedLlmServer;
let running: RunningServer;
let baseURL: string;

beforeAll(async () => {
  llm = await startScriptedLlmServer();
  const config = configSchema.parse({ llm: { baseUrl: llm.url, model: MODEL, maxRetries: 0 }, store: { kind: 'memory' } });
  running = await startServer({ config, port: 0 });
  baseURL = `${running.url}/v1`;
});

afterAll(async () => {
  await running.close({ timeoutMs: 1000 });
  await llm.close();
});

/** The agent calls the calculator, then answers with the result the tool gave it. */
function scriptToolThenAnswer(): void {
  llm.enqueue(
    { type: 'tool-calls', calls: [{ name: 'calculator', arguments: { expression: '17 * 23' } }], usage: { promptTokens: 12, completionTokens: 4 } },
    { type: 'text', text: '17 × 23 = 391.', chunks: 4, usage: { promptTokens: 30, completionTokens: 6 } },
  );
}

/** What the upstream model saw on its second call: the history, the input, the tool result. */
function expectAgentRanTheTool(): void {
  const second = llm.requests.at(-1)?.body.messages ?? [];
  expect(second.at(-1)).toMatchObject({ role: 'tool', content: '{"result":391}' });
  const history = JSON.stringify(second);
  expect(history).toContain('What is 2 + 2?');
  expect(history).toContain('call_earlier');
  expect(second).toContainEqual(expect.objectContaining({ role: 'tool', tool_call_id: 'call_earlier', content: '{"result":4}' }));
}

describe('the official openai SDK', () => {
  const client = () => new OpenAI({ baseURL, apiKey: 'not-needed-in-local-mode' });
  const messages: OpenAI.Chat.ChatCompletionMessageParam[] = [
    { role: 'system', content: 'You are terse.' },
    { role: 'user', content: 'What is 2 + 2?' },
    {
      role: 'assistant',
      content: null,
      tool_calls: [{ id: 'call_earlier', type: 'function', function: { name: 'calculator', arguments: '{"expression":"2 + 2"}' } }],
    },
    { role: 'tool', tool_call_id: 'call_earlier', content: '{"result":4}' },
    { role: 'assistant', content: '4.' },
    { role: 'user', content: 'And 17 * 23?' },
  ];

  it('lists the model the agent answers as, and retrieves it', async () => {
    const page = await client().models.list();
    expect(page.data.map((m) => m.id)).toEqual([MODEL]);
    const model = await client().models.retrieve(MODEL);
    expect(model).toMatchObject({ id: MODEL, object: 'model', owned_by: 'agentbox' });
    const raw = await (await fetch(`${baseURL}/models`)).json();
    expectValid(openAiValidator('ListModelsResponse'), raw);
  });

  it('holds a non-streamed conversation with a tool call', async () => {
    scriptToolThenAnswer();
    const completion = await client().chat.completions.create({ model: MODEL, messages });
    expect(completion.choices[0]?.message.content).toBe('17 × 23 = 391.');
    expect(completion.choices[0]?.finish_reason).toBe('stop');
    expect(completion.usage).toMatchObject({ prompt_tokens: 42, completion_tokens: 10, total_tokens: 52 });
    expectAgentRanTheTool();
  });

  it('holds a streamed conversation with a tool call, usage in the last chunk', async () => {
    scriptToolThenAnswer();
    const stream = await client().chat.completions.create({ model: MODEL, messages, stream: true, stream_options: { include_usage: true } });
    let text = '';
    let usage: OpenAI.CompletionUsage | undefined | null;
    const validator = openAiValidator('CreateChatCompletionStreamResponse');
    for await (const chunk of stream) {
      expectValid(validator, chunk);
      text += chunk.choices[0]?.delta.content ?? '';
      usage = chunk.usage ?? usage;
    }
    expect(text).toBe('17 × 23 = 391.');
    expect(usage?.total_tokens).toBe(52);
    expectAgentRanTheTool();
  });
});

describe("the AI SDK's OpenAI-compatible provider", () => {
  const model = () => createOpenAICompatible({ name: 'agentbox', baseURL, includeUsage: true }).chatModel(MODEL);
  const messages: ModelMessage[] = [
    { role: 'system', content: 'You are terse.' },
    { role: 'user', content: 'What is 2 + 2?' },
    { role: 'assistant', content: [{ type: 'tool-call', toolCallId: 'call_earlier', toolName: 'calculator', input: { expression: '2 + 2' } }] },
    { role: 'tool', content: [{ type: 'tool-result', toolCallId: 'call_earlier', toolName: 'calculator', output: { type: 'json', value: { result: 4 } } }] },
    { role: 'assistant', content: '4.' },
    { role: 'user', content: 'And 17 * 23?' },
  ];

  it('holds a non-streamed conversation with a tool call', async () => {
    scriptToolThenAnswer();
    const result = await generateText({ model: model(), messages, maxRetries: 0 });
    expect(result.text).toBe('17 × 23 = 391.');
    expect(result.finishReason).toBe('stop');
    expect(result.usage.totalTokens).toBe(52);
    expectAgentRanTheTool();
  });

  it('holds a streamed conversation with a tool call', async () => {
    scriptToolThenAnswer();
    const result = streamText({ model: model(), messages, maxRetries: 0 });
    let text = '';
    for await (const delta of result.textStream) text += delta;
    expect(text).toBe('17 × 23 = 391.');
    expect((await result.usage).totalTokens).toBe(52);
    expectAgentRanTheTool();
  });
});

describe("LangChain's ChatOpenAI", () => {
  const chat = () => new ChatOpenAI({ model: MODEL, apiKey: 'not-needed-in-local-mode', configuration: { baseURL }, maxRetries: 0 });
  const messages = () => [
    new SystemMessage('You are terse.'),
    new HumanMessage('What is 2 + 2?'),
    new AIMessage({ content: '', tool_calls: [{ id: 'call_earlier', name: 'calculator', args: { expression: '2 + 2' } }] }),
    new ToolMessage({ tool_call_id: 'call_earlier', content: '{"result":4}' }),
    new AIMessage('4.'),
    new HumanMessage('And 17 * 23?'),
  ];

  it('holds a non-streamed conversation with a tool call', async () => {
    scriptToolThenAnswer();
    const answer = await chat().invoke(messages());
    expect(answer.content).toBe('17 × 23 = 391.');
    expect(answer.usage_metadata?.total_tokens).toBe(52);
    expectAgentRanTheTool();
  });

  it('holds a streamed conversation with a tool call', async () => {
    scriptToolThenAnswer();
    let text = '';
    for await (const chunk of await chat().stream(messages())) text += typeof chunk.content === 'string' ? chunk.content : '';
    expect(text).toBe('17 × 23 = 391.');
    expectAgentRanTheTool();
  });
});
