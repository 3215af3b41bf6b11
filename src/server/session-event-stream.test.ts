import { describe, expect, it } from 'vitest';
import { EventBus } from '../engine/event-bus.js';
import type { AgentEvent } from '../engine/events.js';
import { MemorySessionStore } from '../store/memory-session-store.js';
import { SessionEventHub } from './session-event-hub.js';
import { sessionEventStream } from './session-event-stream.js';
import { StreamRegistry } from './stream-registry.js';

const sid = 's1';
const stored = (seq: number): AgentEvent => ({ type: 'llm.started', sessionId: sid, seq, time: seq, step: seq, model: 'm' });
const delta = (text: string): AgentEvent => ({ type: 'llm.text-delta', sessionId: sid, seq: 0, time: 0, step: 0, text });

/** A real store and bus, recording as the session recorder does: store first, then publish. */
function setup(options: { pageSize?: number; capacity?: number } = {}) {
  const store = new MemorySessionStore();
  const bus = new EventBus();
  const hub = new SessionEventHub(() => bus.subscribe({ capacity: 64, overflow: 'block' }));
  const streams = new StreamRegistry(60_000);
  const record = async (event: AgentEvent): Promise<void> => {
    if (event.seq > 0) await store.append(sid, [event]);
    await bus.publish(event);
  };
  const open = (afterSeq: number): Response =>
    sessionEventStream({
      sessionId: sid,
      hub,
      afterSeq,
      streams,
      backlog: (after, limit) => store.events(sid, { afterSeq: after, limit }),
      capacity: options.capacity ?? 100,
      pageSize: options.pageSize ?? 3,
    });
  return { store, bus, hub, streams, record, open };
}

/** Each message as `seq` (stored) or the delta's text, read until `stop` matches. */
async function read(response: Response, stop: (m: string) => boolean): Promise<string[]> {
  const reader = response.body!.pipeThrough(new TextDecoderStream()).getReader();
  const out: string[] = [];
  let buffer = '';
  while (!out.some(stop)) {
    const { done, value } = await reader.read();
    if (done) break;
    buffer += value;
    let end: number;
    while ((end = buffer.indexOf('\n\n')) >= 0) {
      const block = buffer.slice(0, end);
      buffer = buffer.slice(end + 2);
      const data = block.split('\n').find((l) => l.startsWith('data: '));
      if (!data) continue;
      const event = JSON.parse(data.slice(6)) as AgentEvent & { text?: string; error?: { code: string } };
      out.push(event.seq > 0 ? String(event.seq) : (event.text ?? `error:${event.error?.code}`));
    }
  }
  await reader.cancel();
  return out;
}

describe('sessionEventStream', () => {
  it('sends the backlog page by page, then live events, with no gap and no duplicate', async () => {
    const s = setup({ pageSize: 3 });
    for (let seq = 1; seq <= 7; seq += 1) await s.record(stored(seq));
    const response = s.open(2);
    // Stored and published after the stream attached but before its backlog is read: in
    // both the backlog and the live feed, so sent once; the delta before it belongs to a
    // step already sent whole, so it is dropped with it.
    await s.record(delta('stale'));
    await s.record(stored(8));
    const reading = read(response, (m) => m === '10');
    await new Promise((r) => setTimeout(r, 5));
    await s.record(delta('fresh'));
    await s.record(stored(9));
    await s.record(stored(10));
    expect(await reading).toEqual(['3', '4', '5', '6', '7', '8', 'fresh', '9', '10']);
    expect(s.streams.size).toBe(0);
    expect(s.hub.size).toBe(0);
    expect(s.bus.subscriberCount).toBe(0);
  });

  it('cuts off a client whose live events pile up past capacity while its backlog is read', async () => {
    const s = setup({ capacity: 2 });
    await s.record(stored(1));
    const response = s.open(0);
    for (let i = 0; i < 3; i += 1) await s.record(delta(`d${i}`));
    // It had read nothing, not even the backlog: it resumes from its Last-Event-ID.
    expect(await read(response, () => false)).toEqual(['error:CHANNEL_CLOSED']);
    expect(s.hub.size).toBe(0);
  });

  it('cuts off a live client that stops reading, and lets go of it', async () => {
    const s = setup({ capacity: 3 });
    const response = s.open(0);
    const reader = response.body!.getReader();
    await s.record(stored(1));
    await reader.read(); // live now
    for (let seq = 2; seq <= 8; seq += 1) await s.record(stored(seq));
    await new Promise((r) => setTimeout(r, 5));
    expect(s.hub.size).toBe(0);
    expect(s.streams.size).toBe(0);
    let text = '';
    for (let r = await reader.read(); !r.done; r = await reader.read()) text += new TextDecoder().decode(r.value);
    expect(text.match(/^id: \d+$/gm)).toEqual(['id: 2', 'id: 3', 'id: 4']);
    expect(text).toContain('"code":"CHANNEL_CLOSED"');
  });
});
