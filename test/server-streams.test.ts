import { afterEach, describe, expect, it } from 'vitest';
import { defineTool } from '../src/agent/tools/tool.js';
import { collectSse, readSse, startHarness, type ServerHarness, type SseMessage } from './helpers/server-harness.js';

let h: ServerHarness;
afterEach(async () => h?.close());

const sse = { accept: 'text/event-stream' };
const parse = (m: SseMessage): { type: string; seq: number; [k: string]: unknown } => JSON.parse(m.data) as never;
const isTurnEnd = (m: SseMessage): boolean => ['turn.completed', 'turn.failed', 'turn.cancelled'].includes(m.event ?? '');

async function newSession(): Promise<string> {
  return ((await (await h.call('/v1/sessions', { method: 'POST' })).json()) as { id: string }).id;
}

async function storedSeqs(id: string): Promise<number[]> {
  const body = (await (await h.call(`/v1/sessions/${id}/events`, { headers: { accept: 'application/json' } })).json()) as { data: Array<{ seq: number }> };
  return body.data.map((e) => e.seq);
}

async function until(check: () => boolean | Promise<boolean>, ms = 5000): Promise<void> {
  const end = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > end) throw new Error('timed out waiting');
    await new Promise((r) => setTimeout(r, 10));
  }
}

describe('SSE streams', () => {
  it("streams a turn's events (event = type, id = seq when stored) and ends after turn.completed", async () => {
    h = await startHarness();
    h.llm.enqueue({ type: 'tool-calls', calls: [{ name: 'calculator', arguments: { expression: '2+3' } }] }, { type: 'text', text: 'It is five.', chunks: 4 });
    const id = await newSession();
    const res = await h.call(`/v1/sessions/${id}/messages`, { method: 'POST', headers: sse, json: { input: '2+3?' } });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('text/event-stream');
    const messages = await collectSse(res);
    expect(messages.at(-1)?.event).toBe('turn.completed');
    for (const m of messages) {
      const event = parse(m);
      expect(m.event).toBe(event.type);
      expect(m.id).toBe(event.seq > 0 ? String(event.seq) : undefined);
    }
    const deltas = messages.filter((m) => m.event === 'llm.text-delta').map((m) => parse(m).text);
    expect(deltas.join('')).toBe('It is five.');
    expect(messages.some((m) => m.event === 'tool.completed')).toBe(true);
    // Every stored event of the turn was streamed, in order.
    const streamed = messages.filter((m) => m.id).map((m) => Number(m.id));
    expect(streamed).toEqual((await storedSeqs(id)).filter((s) => s > 1));
  });

  it('resumes with Last-Event-ID mid-turn: exactly the missed events, no gap, no duplicate', async () => {
    h = await startHarness();
    h.llm.enqueue(
      { type: 'tool-calls', calls: [{ name: 'calculator', arguments: { expression: '6*7' } }], chunkDelayMs: 20 },
      { type: 'text', text: 'forty-two, spelled out slowly', chunks: 10, chunkDelayMs: 20 },
    );
    const id = await newSession();
    const first = await h.call(`/v1/sessions/${id}/events`, { headers: sse });
    const turn = h.call(`/v1/sessions/${id}/messages`, { method: 'POST', json: { input: 'go' } });
    // First connection: read until a few stored events have arrived, then drop it.
    const seen: number[] = [];
    for await (const m of readSse(first)) {
      if (m.id) seen.push(Number(m.id));
      if (seen.length >= 5) break;
    }
    const lastId = seen.at(-1)!;
    // Reconnect while the turn is still running.
    const second = await h.call(`/v1/sessions/${id}/events`, { headers: { ...sse, 'last-event-id': String(lastId) } });
    const resumed = await collectSse(second, isTurnEnd);
    expect((await turn).status).toBe(200);
    const resumedSeqs = resumed.filter((m) => m.id).map((m) => Number(m.id));
    const all = await storedSeqs(id);
    expect([...seen, ...resumedSeqs]).toEqual(all);
    expect(resumedSeqs[0]).toBe(lastId + 1);
    expect(new Set(resumedSeqs).size).toBe(resumedSeqs.length);

    // ?after= does the same after the fact, and JSON mode honours it.
    const after = await h.call(`/v1/sessions/${id}/events?after=${lastId}`, { headers: { accept: 'application/json' } });
    expect(((await after.json()) as { data: Array<{ seq: number }> }).data.map((e) => e.seq)).toEqual(all.filter((s) => s > lastId));
  });

  it('serves many streams of a session from one bus subscription, each with every event', async () => {
    h = await startHarness();
    h.llm.enqueue({ type: 'text', text: 'heard by three', chunks: 3 });
    const id = await newSession();
    const streams = await Promise.all([0, 0, 1].map((after) => h.call(`/v1/sessions/${id}/events`, { headers: { ...sse, 'last-event-id': String(after) } })));
    expect(h.server.openStreams).toBe(3);
    expect(h.runtime.bus.subscriberCount).toBe(1);
    const reading = streams.map((res) => collectSse(res, isTurnEnd));
    expect((await h.call(`/v1/sessions/${id}/messages`, { method: 'POST', json: { input: 'hi' } })).status).toBe(200);
    const [a, b, c] = await Promise.all(reading);
    const all = await storedSeqs(id);
    expect(a!.filter((m) => m.id).map((m) => Number(m.id))).toEqual(all);
    expect(b).toEqual(a);
    expect(c!.filter((m) => m.id).map((m) => Number(m.id))).toEqual(all.slice(1));
    expect(
      a!
        .filter((m) => m.event === 'llm.text-delta')
        .map((m) => parse(m).text)
        .join(''),
    ).toBe('heard by three');
    await until(() => h.server.openStreams === 0);
    expect(h.runtime.bus.subscriberCount).toBe(0);
  });

  it('streams with CORS headers when origins are configured', async () => {
    h = await startHarness({ config: { corsOrigins: ['https://app.example'] } });
    const id = await newSession();
    const res = await h.call(`/v1/sessions/${id}/events`, { headers: { ...sse, origin: 'https://app.example' } });
    expect(res.headers.get('access-control-allow-origin')).toBe('https://app.example');
    expect(res.headers.get('content-type')).toBe('text/event-stream');
    const [first] = await collectSse(res, () => true);
    expect(first?.event).toBe('session.created');
  });

  it('sends heartbeat comments on an idle stream', async () => {
    h = await startHarness({ heartbeatMs: 30 });
    const id = await newSession();
    const res = await h.call(`/v1/sessions/${id}/events`, { headers: sse });
    const reader = res.body!.pipeThrough(new TextDecoderStream()).getReader();
    let text = '';
    while (!text.includes(': heartbeat')) text += (await reader.read()).value ?? '';
    expect(text).toContain('event: session.created');
    expect(text).toContain('id: 1');
    await reader.cancel();
    await until(() => h.server.openStreams === 0);
  });

  it('keeps running a turn whose client disconnected, and records it whole', async () => {
    h = await startHarness();
    h.llm.enqueue({ type: 'text', text: 'finished without you', chunks: 5, chunkDelayMs: 30 });
    const id = await newSession();
    const res = await h.call(`/v1/sessions/${id}/messages`, { method: 'POST', headers: sse, json: { input: 'hi' } });
    for await (const m of readSse(res)) if (m.event === 'llm.text-delta') break; // then the client goes away
    await until(() => h.server.activeTurns === 0);
    const session = (await (await h.call(`/v1/sessions/${id}`)).json()) as { state: string; messages: Array<{ content: string }> };
    expect(session.state).toBe('completed');
    expect(session.messages.at(-1)?.content).toBe('finished without you');
    expect(h.server.openStreams).toBe(0);
  });

  it('cuts off a stalled client instead of buffering without bound; the turn is not held up', async () => {
    h = await startHarness({ streamCapacity: 4 });
    h.llm.enqueue({ type: 'text', text: 'x'.repeat(200), chunks: 200 });
    const id = await newSession();
    const stalled = await h.call(`/v1/sessions/${id}/events`, { headers: sse }); // never read while the turn runs
    const turn = await h.call(`/v1/sessions/${id}/messages`, { method: 'POST', json: { input: 'go' } });
    expect(turn.status).toBe(200);
    const messages = await collectSse(stalled);
    expect(messages.length).toBeLessThan(20);
    expect(messages.at(-1)?.event).toBe('error');
    expect(JSON.parse(messages.at(-1)!.data)).toMatchObject({ error: { code: 'CHANNEL_CLOSED' } });
  });

  it('approves and denies tool calls over HTTP; 404 when nothing is pending', async () => {
    const deploy = defineTool<{ target: string }>({
      name: 'deploy',
      description: 'deploys',
      needsApproval: true,
      parameters: { type: 'object', properties: { target: { type: 'string' } }, required: ['target'] },
      execute: ({ target }) => ({ deployed: target }),
    });
    h = await startHarness({ tools: [deploy] });
    h.llm.enqueue(
      { type: 'tool-calls', calls: [{ id: 'c1', name: 'deploy', arguments: { target: 'prod' } }] },
      { type: 'text', text: 'deployed' },
      { type: 'tool-calls', calls: [{ id: 'c2', name: 'deploy', arguments: { target: 'prod' } }] },
      { type: 'text', text: 'not deployed' },
    );
    const id = await newSession();
    expect((await h.call(`/v1/sessions/${id}/approvals/c1`, { method: 'POST', json: { approved: true } })).status).toBe(404);

    for (const [callId, approved] of [
      ['c1', true],
      ['c2', false],
    ] as const) {
      const res = await h.call(`/v1/sessions/${id}/messages`, { method: 'POST', headers: sse, json: { input: 'deploy' } });
      const messages: SseMessage[] = [];
      for await (const m of readSse(res)) {
        messages.push(m);
        if (m.event === 'approval.requested') {
          expect(parse(m)).toMatchObject({ callId, name: 'deploy' });
          const decided = await h.call(`/v1/sessions/${id}/approvals/${callId}`, { method: 'POST', json: { approved, reason: 'because' } });
          expect(decided.status).toBe(200);
          expect(await decided.json()).toEqual({ callId, approved });
        }
      }
      expect(messages.at(-1)?.event).toBe('turn.completed');
      expect(parse(messages.find((m) => m.event === 'approval.decided')!)).toMatchObject({ approved, by: 'local', reason: 'because' });
      expect(parse(messages.find((m) => m.event === 'tool.completed')!)).toMatchObject({ ok: approved });
    }
  });

  it('cancels a running turn: the stream ends with turn.cancelled and the session is recorded cancelled', async () => {
    h = await startHarness();
    h.llm.enqueue({ type: 'text', text: 'never', delayMs: 5000 });
    const id = await newSession();
    expect(await (await h.call(`/v1/sessions/${id}/cancel`, { method: 'POST' })).json()).toEqual({ cancelled: false });
    const res = await h.call(`/v1/sessions/${id}/messages`, { method: 'POST', headers: sse, json: { input: 'wait' } });
    const messages: SseMessage[] = [];
    for await (const m of readSse(res)) {
      messages.push(m);
      if (m.event === 'llm.started') expect(await (await h.call(`/v1/sessions/${id}/cancel`, { method: 'POST' })).json()).toEqual({ cancelled: true });
    }
    // The stream ended on its own, holding the turn's end and every stored event.
    expect(messages.some((m) => m.event === 'turn.cancelled')).toBe(true);
    expect(Number(messages.at(-1)?.id)).toBe((await storedSeqs(id)).at(-1));
    expect(((await (await h.call(`/v1/sessions/${id}`)).json()) as { state: string }).state).toBe('cancelled');
  });

  it('streams a failed turn to its recorded end', async () => {
    h = await startHarness();
    h.llm.enqueue({ type: 'error', status: 400, message: 'bad request' });
    const id = await newSession();
    const messages = await collectSse(await h.call(`/v1/sessions/${id}/messages`, { method: 'POST', headers: sse, json: { input: 'x' } }));
    expect(parse(messages.find((m) => m.event === 'turn.failed')!)).toMatchObject({ error: { code: 'LLM_HTTP' } });
    expect(Number(messages.at(-1)?.id)).toBe((await storedSeqs(id)).at(-1));
  });
});
