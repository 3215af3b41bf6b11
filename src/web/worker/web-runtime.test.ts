/**
 * WebRuntime and exposeRuntime over a real MessageChannel (the same structured-clone
 * messaging a Web Worker uses), with a scripted model and a memory store: the bridge
 * itself, without a browser. The browser tests run the same code in a real worker.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { createScriptedModel, type ScriptedAnswer } from '../../testing/scripted-model.js';
import { builtinTools } from '../../agent/tools/builtin/index.js';
import { defineTool, type AnyTool } from '../../agent/tools/tool.js';
import type { AgentEvent } from '../../engine/events.js';
import { BaseRuntime } from '../../runtime/base-runtime.js';
import { MemorySessionStore } from '../../store/memory-session-store.js';
import { AgentboxError } from '../../errors/agentbox-error.js';
import { EVENT_WINDOW, type BridgeEndpoint } from './runtime-bridge.js';
import { exposeRuntime } from './expose-runtime.js';
import { WebRuntime } from './web-runtime.js';

const open: WebRuntime[] = [];
afterEach(async () => {
  for (const runtime of open.splice(0)) await runtime.close();
});

async function start(
  script: ScriptedAnswer[],
  options: { approve?: string[]; tools?: AnyTool[] } = {},
): Promise<{ runtime: WebRuntime; worker: BaseRuntime; port: MessagePort }> {
  const channel = new MessageChannel();
  let worker: BaseRuntime | undefined;
  exposeRuntime(channel.port2 as unknown as BridgeEndpoint, async () => {
    worker = new BaseRuntime({
      store: new MemorySessionStore(),
      model: createScriptedModel(script),
      tools: [...builtinTools().map((t) => (options.approve?.includes(t.name) ? { ...t, needsApproval: true } : t)), ...(options.tools ?? [])],
    });
    return { runtime: worker, info: { tools: [], store: 'memory', scriptTools: false } };
  });
  channel.port1.start();
  channel.port2.start();
  const port = channel.port1;
  const runtime = await WebRuntime.start({ worker: Object.assign(port as unknown as BridgeEndpoint, { terminate: () => port.close() }) });
  open.push(runtime);
  return { runtime, worker: worker as BaseRuntime, port };
}

describe('WebRuntime over the bridge', () => {
  it('runs a turn, returns the session and streams every event in order', async () => {
    const { runtime } = await start([{ text: 'Hello there', chunks: 3 }]);
    const events = runtime.stream();
    const session = await runtime.process({ input: 'hi' });
    expect(session).toMatchObject({ state: 'completed', turns: 1 });
    expect(session.messages.at(-1)).toEqual({ role: 'assistant', content: 'Hello there' });
    const seen: AgentEvent[] = [];
    for await (const event of events) {
      seen.push(event);
      if (event.type === 'turn.completed') break;
    }
    expect(
      seen
        .filter((e) => e.type === 'llm.text-delta')
        .map((e) => (e as { text: string }).text)
        .join(''),
    ).toBe('Hello there');
    const stored = seen.filter((e) => e.seq > 0).map((e) => e.seq);
    expect(stored).toEqual(stored.map((_, i) => i + 1));
    expect(await runtime.listSessions()).toHaveLength(1);
    expect((await runtime.getSession(session.id))?.lastSeq).toBe(session.lastSeq);
    expect((await runtime.events(session.id)).length).toBe(session.lastSeq);
  });

  it('carries error codes across: the page gets an AgentboxError with the code', async () => {
    const { runtime } = await start([]);
    const failure = await runtime.process({ input: '   ' }).catch((error: unknown) => error);
    expect(AgentboxError.isInstance(failure)).toBe(true);
    expect(failure).toMatchObject({ code: 'INVALID_INPUT' });
    await expect(runtime.process({ sessionId: 'nope', input: 'hi' })).rejects.toMatchObject({ code: 'SESSION_NOT_FOUND' });
    expect(await runtime.getSession('nope')).toBeUndefined();
  });

  it('answers the synchronous methods from its mirror: pendingApprovals and decide', async () => {
    const { runtime } = await start([{ toolCalls: [{ name: 'calculator', arguments: '{"expression":"6*7"}' }] }, { text: 'It is 42.' }], {
      approve: ['calculator'],
    });
    const session = await runtime.createSession();
    const events = runtime.stream({ sessionId: session.id });
    const turn = runtime.process({ sessionId: session.id, input: 'six times seven' });
    for await (const event of events) if (event.type === 'approval.requested') break;
    const [pending] = runtime.pendingApprovals(session.id);
    expect(pending).toMatchObject({ name: 'calculator', arguments: '{"expression":"6*7"}' });
    expect(runtime.decide(session.id, 'unknown-call', { approved: true, by: 'me' })).toBe(false);
    expect(runtime.decide(session.id, pending!.callId, { approved: true, by: 'me' })).toBe(true);
    const done = await turn;
    expect(done.messages.find((m) => m.role === 'tool')?.content).toContain('42');
    expect(runtime.pendingApprovals(session.id)).toEqual([]);
    events.close();
  });

  it("mirrors a tool's pending form, checks an answer on the page, and sends a good one over the bridge", async () => {
    const askCity = defineTool({
      name: 'ask_city',
      description: 'asks the person for a city',
      parameters: { type: 'object' },
      execute: (_args, context) =>
        context.elicit?.({ message: 'Which city?', requestedSchema: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] } }),
    });
    const { runtime } = await start([{ toolCalls: [{ name: 'ask_city', arguments: '{}' }] }, { text: 'Lyon it is.' }], { tools: [askCity] });
    const session = await runtime.createSession();
    const events = runtime.stream({ sessionId: session.id });
    const turn = runtime.process({ sessionId: session.id, input: 'ask me' });
    for await (const event of events) if (event.type === 'elicitation.requested') break;
    const [pending] = runtime.pendingElicitations(session.id);
    expect(pending).toMatchObject({ name: 'ask_city', message: 'Which city?' });
    expect(() => runtime.answerElicitation(session.id, pending!.id, { action: 'accept', content: { town: 'Lyon' }, by: 'me' })).toThrow(
      /content.city: is required/,
    );
    expect(runtime.answerElicitation(session.id, 'unknown', { action: 'cancel', by: 'me' })).toBe(false);
    expect(runtime.answerElicitation(session.id, pending!.id, { action: 'accept', content: { city: 'Lyon' }, by: 'me' })).toBe(true);
    const done = await turn;
    expect(done.messages.find((m) => m.role === 'tool')?.content).toBe('{"action":"accept","content":{"city":"Lyon"}}');
    expect(runtime.pendingElicitations(session.id)).toEqual([]);
    events.close();
  });

  it('runs a page-side onApproval callback', async () => {
    const { runtime } = await start([{ toolCalls: [{ name: 'calculator', arguments: '{"expression":"1+1"}' }] }, { text: 'no' }], { approve: ['calculator'] });
    const asked: string[] = [];
    const done = await runtime.process({
      input: 'one plus one',
      onApproval: async (requests) => {
        asked.push(...requests.map((r) => r.name));
        return new Map(requests.map((r) => [r.callId, { approved: false, by: 'page', reason: 'not today' }]));
      },
    });
    expect(asked).toEqual(['calculator']);
    expect(done.messages.find((m) => m.role === 'tool')?.content).toContain('TOOL_DENIED');
  });

  it('cancels a running turn, by cancel() and by the request signal', async () => {
    const { runtime } = await start([{ toolCalls: [{ name: 'calculator', arguments: '{"expression":"1"}' }] }, { text: 'never' }], { approve: ['calculator'] });
    const session = await runtime.createSession();
    expect(runtime.cancel(session.id)).toBe(false);
    const events = runtime.stream({ sessionId: session.id });
    const turn = runtime.process({ sessionId: session.id, input: 'wait for me' }).catch((error: unknown) => error);
    for await (const event of events) if (event.type === 'approval.requested') break;
    expect(runtime.cancel(session.id)).toBe(true);
    expect(await turn).toMatchObject({ code: 'CANCELLED' });
    expect((await runtime.getSession(session.id))?.state).toBe('cancelled');

    const { runtime: second } = await start([{ toolCalls: [{ name: 'calculator', arguments: '{"expression":"1"}' }] }], { approve: ['calculator'] });
    const controller = new AbortController();
    const s2 = await second.createSession();
    const sub = second.stream({ sessionId: s2.id });
    const aborted = second.process({ sessionId: s2.id, input: 'abort me', signal: controller.signal }).catch((error: unknown) => error);
    for await (const event of sub) if (event.type === 'approval.requested') break;
    controller.abort();
    expect(await aborted).toMatchObject({ code: 'CANCELLED' });
  });

  it('applies backpressure across the bridge: a stalled page subscriber holds the worker to the credit window', async () => {
    const { runtime, worker } = await start([{ text: 'x'.repeat(400), chunks: 400 }]);
    const stalled = runtime.stream({ capacity: 4 });
    // Count what the worker's bus publishes versus what reaches the page.
    const published = worker.stream({ capacity: 10_000, overflow: 'drop-oldest' });
    const turn = runtime.process({ input: 'lots of deltas' });
    let done = false;
    void turn.finally(() => (done = true));
    await new Promise((resolve) => setTimeout(resolve, 300));
    const sent = published.drain().length;
    expect(done).toBe(false);
    // Page buffer (4) + one waiting publish + the window in flight, plus the worker's own 256-event subscription.
    expect(sent).toBeLessThan(4 + 1 + EVENT_WINDOW + 256 + 16);
    expect(sent).toBeGreaterThan(0);
    // Draining the page subscriber lets the turn finish.
    void (async () => {
      for await (const _ of stalled) void _;
    })();
    expect((await turn).state).toBe('completed');
    stalled.close();
    published.close();
  });
});
