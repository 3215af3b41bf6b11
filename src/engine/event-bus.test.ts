import { describe, expect, it } from 'vitest';
import { EventBus } from './event-bus.js';
import type { AgentEvent } from './events.js';

const delta = (sessionId: string, i: number): AgentEvent => ({ type: 'llm.text-delta', sessionId, seq: 0, time: i, step: 1, text: String(i) });

describe('EventBus', () => {
  it('delivers each session its own events in order, and everything to global subscribers', async () => {
    const bus = new EventBus();
    const a = bus.subscribe({ sessionId: 'a' });
    const all = bus.subscribe();
    for (let i = 0; i < 5; i += 1) {
      await bus.publish(delta('a', i));
      await bus.publish(delta('b', i));
    }
    a.close();
    all.close();
    const fromA: string[] = [];
    for await (const e of a) fromA.push(`${e.sessionId}${(e as { text: string }).text}`);
    expect(fromA).toEqual(['a0', 'a1', 'a2', 'a3', 'a4']);
    let count = 0;
    for await (const _ of all) count += 1;
    expect(count).toBe(10);
  });

  it('slows the publisher to the pace of a slow subscriber, never buffering more than its capacity', async () => {
    const bus = new EventBus();
    const sub = bus.subscribe({ capacity: 5 }) as ReturnType<EventBus['subscribe']> & { size: number };
    let published = 0;
    const producer = (async () => {
      for (let i = 0; i < 50; i += 1) {
        await bus.publish(delta('s', i));
        published += 1;
      }
    })();
    let maxBuffered = 0;
    let received = 0;
    for await (const _ of sub) {
      maxBuffered = Math.max(maxBuffered, sub.size);
      received += 1;
      // The producer can never be more than capacity + 1 ahead of the consumer.
      expect(published - received).toBeLessThanOrEqual(6);
      await new Promise((r) => setTimeout(r, 1));
      if (received === 50) break;
    }
    await producer;
    expect(maxBuffered).toBeLessThanOrEqual(5);
    expect(bus.subscriberCount).toBe(0);
  });

  it('drops a slow subscriber under the close policy without stalling the publisher or others', async () => {
    const bus = new EventBus();
    const slow = bus.subscribe({ capacity: 2, overflow: 'close' });
    const fast = bus.subscribe({ capacity: 100 });
    for (let i = 0; i < 10; i += 1) expect(bus.publish(delta('s', i))).toBeUndefined();
    await expect(async () => {
      for await (const _ of slow) void _;
    }).rejects.toThrow(/behind/);
    let fastCount = 0;
    fast.close();
    for await (const _ of fast) fastCount += 1;
    expect(fastCount).toBe(10);
    expect(bus.subscriberCount).toBe(0);
  });

  it('detaches subscribers when iteration stops early', async () => {
    const bus = new EventBus();
    const sub = bus.subscribe({ sessionId: 'x' });
    void bus.publish(delta('x', 1));
    for await (const _ of sub) break;
    expect(bus.subscriberCount).toBe(0);
    expect(bus.publish(delta('x', 2))).toBeUndefined();
  });
});
