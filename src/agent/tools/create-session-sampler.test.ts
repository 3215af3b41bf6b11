import { describe, expect, it } from 'vitest';
import type { EventOf, EventPayload } from '../../engine/events.js';
import { createScriptedModel } from '../../testing/scripted-model.js';
import type { LanguageModel, StreamPart } from '../llm/language-model.js';
import { createSessionSampler, type SampleCall } from './create-session-sampler.js';
import { defineTool } from './tool.js';
import { ToolExecutor } from './tool-executor.js';
import { ToolRegistry } from './tool-registry.js';
import type { SampleRequest } from './tool-sampling.js';

type Sampled = Extract<EventPayload, { type: 'mcp.sampled' }>;

function recorder() {
  const events: Sampled[] = [];
  const call: SampleCall = { step: 2, callId: 'call_1', signal: new AbortController().signal, emit: (e) => void (e.type === 'mcp.sampled' && events.push(e)) };
  return { events, call };
}

const request = (extra: Partial<SampleRequest> = {}): SampleRequest => ({
  source: 'docs',
  budgetTokens: 1000,
  messages: [{ role: 'user', content: [{ type: 'text', text: 'name a colour' }] }],
  maxTokens: 100,
  ...extra,
});

describe('createSessionSampler', () => {
  it('runs the request on the model, clipped to the budget left, and records what it used', async () => {
    const model = createScriptedModel([{ text: 'teal', usage: { promptTokens: 20, completionTokens: 3, totalTokens: 23 } }]);
    const sample = createSessionSampler({ model, used: () => 940, prices: { 'scripted-model': { input: 1, output: 2 } } });
    const { events, call } = recorder();
    const result = await sample(request({ systemPrompt: 'be brief', temperature: 0.3, stopSequences: ['.'] }), call);
    expect(result).toEqual({ text: 'teal', model: 'scripted-model', stopReason: 'endTurn', usage: { promptTokens: 20, completionTokens: 3, totalTokens: 23 } });
    const sent = model.requests[0];
    expect(sent?.messages).toEqual([
      { role: 'system', content: 'be brief' },
      { role: 'user', content: 'name a colour' },
    ]);
    expect(sent?.temperature).toBe(0.3);
    expect(sent?.stopSequences).toEqual(['.']);
    // 60 left, the prompt takes some of them: the answer gets the rest, not the 100 asked for.
    expect(sent?.maxTokens).toBeGreaterThan(30);
    expect(sent?.maxTokens).toBeLessThan(60);
    expect(events).toEqual([
      expect.objectContaining({
        type: 'mcp.sampled',
        step: 2,
        callId: 'call_1',
        server: 'docs',
        model: 'scripted-model',
        messages: 1,
        text: 'teal',
        cost: 0.000026,
      }),
    ]);
    expect(events[0]?.maxTokens).toBe(sent?.maxTokens);
    expect(events[0]?.error).toBeUndefined();
  });

  it('refuses, records and never calls the model when the budget is spent or the prompt does not fit what is left', async () => {
    const model = createScriptedModel([]);
    const { events, call } = recorder();
    await expect(createSessionSampler({ model, used: () => 1000 })(request(), call)).rejects.toThrow(
      "MCP server 'docs' has used its sampling budget for this session (1000 of 1000 tokens; tools.mcp.servers.docs.sampling.maxTokens)",
    );
    const long = request({ messages: [{ role: 'user', content: [{ type: 'text', text: 'word '.repeat(200) }] }] });
    await expect(createSessionSampler({ model, used: () => 900 })(long, call)).rejects.toThrow(/prompt takes about \d+ tokens, more than the 100 left/);
    expect(model.requests).toHaveLength(0);
    expect(events.map((e) => [e.error?.code, e.usage.totalTokens])).toEqual([
      ['MCP_SAMPLING_REFUSED', 0],
      ['MCP_SAMPLING_REFUSED', 0],
    ]);
  });

  it('refuses images (the model takes text only), recorded', async () => {
    const model = createScriptedModel([]);
    const { events, call } = recorder();
    const withImage = request({ messages: [{ role: 'user', content: [{ type: 'image', mimeType: 'image/png' }] }] });
    await expect(createSessionSampler({ model, used: () => 0 })(withImage, call)).rejects.toThrow(
      "MCP server 'docs' sent image content (message 1), and the model scripted-model takes text only",
    );
    expect(events[0]?.error?.code).toBe('MCP_SAMPLING_REFUSED');
  });

  it('holds what requests in flight reserved: two at once cannot both spend the last of a budget', async () => {
    let release: () => void = () => {};
    const gate = new Promise<void>((resolve) => (release = resolve));
    const calls: number[] = [];
    const slow: LanguageModel = {
      specificationVersion: 'v1',
      provider: 'test',
      modelId: 'slow',
      async *stream(req): AsyncIterable<StreamPart> {
        calls.push(req.maxTokens ?? -1);
        await gate;
        yield { type: 'text-delta', text: 'ok' };
        yield { type: 'finish', finishReason: 'length' };
      },
    };
    const sample = createSessionSampler({ model: slow, used: () => 0 });
    const { events, call } = recorder();
    const first = sample(request({ budgetTokens: 100, maxTokens: 90 }), call);
    await new Promise((r) => setTimeout(r, 20));
    await expect(sample(request({ budgetTokens: 100, maxTokens: 90 }), call)).rejects.toThrow(/more than the \d+ left|used its sampling budget/);
    release();
    const answered = await first;
    expect(calls).toHaveLength(1);
    expect(answered.stopReason).toBe('maxTokens');
    // No usage reported: an estimate is counted, so a silent server does not sample for free.
    const done = events.find((e) => !e.error);
    expect(done?.usage.promptTokens).toBeGreaterThan(0);
    expect(done?.usage.completionTokens).toBeGreaterThan(0);
  });

  it('records a model failure (nothing counted) and throws it; a model that cannot be made is recorded too', async () => {
    const { events, call } = recorder();
    const failing = createScriptedModel([{ error: new Error('socket hang up') }]);
    await expect(createSessionSampler({ model: failing, used: () => 0 })(request(), call)).rejects.toThrow('socket hang up');
    const missing = () => {
      throw new Error('no LLM endpoint is configured');
    };
    await expect(createSessionSampler({ model: missing, used: () => 0 })(request(), call)).rejects.toThrow('no LLM endpoint is configured');
    expect(events.map((e) => [e.error?.message, e.usage.totalTokens])).toEqual([
      ['socket hang up', 0],
      ['no LLM endpoint is configured', 0],
    ]);
  });
});

describe('createSessionSampler and cancellation', () => {
  it('stops the completion when the asker gives up, recorded as failed', async () => {
    const asker = new AbortController();
    const seen: AbortSignal[] = [];
    const hanging: LanguageModel = {
      specificationVersion: 'v1',
      provider: 'test',
      modelId: 'hang',
      async *stream(req): AsyncIterable<StreamPart> {
        const signal = req.signal as AbortSignal;
        seen.push(signal);
        await new Promise((_, reject) => signal.addEventListener('abort', () => reject(new Error('aborted by the asker')), { once: true }));
        yield { type: 'finish', finishReason: 'stop' };
      },
    };
    const { events, call } = recorder();
    const pending = createSessionSampler({ model: hanging, used: () => 0 })(request({ signal: asker.signal }), call);
    await new Promise((r) => setTimeout(r, 10));
    asker.abort();
    await expect(pending).rejects.toThrow('aborted by the asker');
    expect(seen[0]?.aborted).toBe(true);
    expect(events[0]?.error?.message).toBe('aborted by the asker');
  });
});

describe('ToolContext.sample through the executor', () => {
  it('is bound to the call: its step and id are in the event, the answer reaches the tool', async () => {
    const asker = defineTool({
      name: 'asker',
      description: 'asks the model',
      parameters: { type: 'object', properties: {}, additionalProperties: false } as const,
      execute: async (_args, context) => {
        if (!context.sample) return 'no sampling';
        return (await context.sample(request())).text;
      },
    });
    const executor = new ToolExecutor({ registry: new ToolRegistry([asker]) });
    const events: EventPayload[] = [];
    const model = createScriptedModel([{ text: 'blue', usage: { promptTokens: 5, completionTokens: 1, totalTokens: 6 } }]);
    const base = { sessionId: 's', principal: 'p', step: 3, signal: new AbortController().signal, emit: (e: EventPayload) => void events.push(e) };
    const [withModel] = await executor.execute([{ id: 'call_9', name: 'asker', arguments: '{}' }], {
      ...base,
      sample: createSessionSampler({ model, used: () => 0 }),
    });
    expect(withModel?.ok && withModel.value).toBe('blue');
    const sampled = events.find((e): e is EventOf<'mcp.sampled'> => e.type === 'mcp.sampled');
    expect(sampled).toMatchObject({ step: 3, callId: 'call_9', text: 'blue' });
    const [without] = await executor.execute([{ id: 'call_10', name: 'asker', arguments: '{}' }], base);
    expect(without?.ok && without.value).toBe('no sampling');
  });
});
