import { describe, expect, it } from 'vitest';
import { EventBus } from '../engine/event-bus.js';
import type { AgentEvent } from '../engine/events.js';
import { SessionEventHub, type SessionEventListener } from './session-event-hub.js';
import { sseEventText } from './sse-response.js';

const delta = (sessionId: string, text: string): AgentEvent => ({ type: 'llm.text-delta', sessionId, seq: 0, time: 1, step: 1, text });
const tick = (): Promise<void> => new Promise((r) => setTimeout(r, 0));

function listener(): SessionEventListener & { got: Array<{ event: AgentEvent; bytes: Uint8Array }>; ended: boolean } {
  const l = {
    got: [] as Array<{ event: AgentEvent; bytes: Uint8Array }>,
    ended: false,
    deliver(event: AgentEvent, bytes: Uint8Array) {
      l.got.push({ event, bytes });
    },
    end() {
      l.ended = true;
    },
  };
  return l;
}

describe('SessionEventHub', () => {
  it("fans one bus subscription out to every stream of a session, each event's SSE bytes encoded once", async () => {
    const bus = new EventBus();
    const hub = new SessionEventHub(() => bus.subscribe({ capacity: 16, overflow: 'block' }));
    const [a1, a2, b] = [listener(), listener(), listener()];
    hub.attach('a', a1);
    hub.attach('a', a2);
    hub.attach('b', b);
    expect(bus.subscriberCount).toBe(1);
    expect(hub.size).toBe(3);
    await bus.publish(delta('a', 'hello'));
    await bus.publish(delta('c', 'nobody listens'));
    await tick();
    expect(a1.got.map((g) => g.event.type)).toEqual(['llm.text-delta']);
    expect(a2.got[0]!.bytes).toBe(a1.got[0]!.bytes); // the same bytes, not a copy per stream
    expect(new TextDecoder().decode(a1.got[0]!.bytes)).toBe(sseEventText(delta('a', 'hello')));
    expect(b.got).toEqual([]);
  });

  it('holds the subscription only while a stream is attached; a later stream gets only later events', async () => {
    const bus = new EventBus();
    const hub = new SessionEventHub(() => bus.subscribe({ capacity: 16, overflow: 'block' }));
    const first = listener();
    const detach = hub.attach('a', first);
    detach();
    detach(); // twice is harmless
    expect(bus.subscriberCount).toBe(0);
    await bus.publish(delta('a', 'while nobody listened'));
    const second = listener();
    hub.attach('a', second);
    await bus.publish(delta('a', 'after'));
    await tick();
    expect(first.got).toEqual([]);
    expect(second.got.map((g) => (g.event as { text: string }).text)).toEqual(['after']);
  });

  it('ends every stream when the bus closes, so clients reconnect', async () => {
    const bus = new EventBus();
    const hub = new SessionEventHub(() => bus.subscribe({ capacity: 16, overflow: 'block' }));
    const [a, b] = [listener(), listener()];
    hub.attach('a', a);
    hub.attach('b', b);
    bus.closeAll();
    await tick();
    expect([a.ended, b.ended]).toEqual([true, true]);
    expect(hub.size).toBe(0);
  });

  it('keeps delivering to the others when one listener throws', async () => {
    const bus = new EventBus();
    const hub = new SessionEventHub(() => bus.subscribe({ capacity: 16, overflow: 'block' }));
    const ok = listener();
    hub.attach('a', {
      deliver: () => {
        throw new Error('broken');
      },
      end: () => undefined,
    });
    hub.attach('a', ok);
    await bus.publish(delta('a', 'one'));
    await bus.publish(delta('a', 'two'));
    await tick();
    expect(ok.got.length).toBe(2);
  });
});
