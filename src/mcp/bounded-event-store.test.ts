import type { JSONRPCMessage } from '@modelcontextprotocol/sdk/types.js';
import { describe, expect, it } from 'vitest';
import { BoundedEventStore } from './bounded-event-store.js';

const note = (n: number): JSONRPCMessage => ({ jsonrpc: '2.0', method: 'notifications/message', params: { n } });

async function replay(store: BoundedEventStore, after: string): Promise<{ stream: string; sent: Array<[string, unknown]> }> {
  const sent: Array<[string, unknown]> = [];
  const stream = await store.replayEventsAfter(after, {
    send: async (id, message) => void sent.push([id, (message as { params?: { n: number } }).params?.n]),
  });
  return { stream, sent };
}

describe('BoundedEventStore', () => {
  it('replays the events of the same stream after the given one, in order, without priming events', async () => {
    const store = new BoundedEventStore();
    const priming = await store.storeEvent('a', {} as JSONRPCMessage);
    await store.storeEvent('a', note(1));
    await store.storeEvent('b', note(99));
    await store.storeEvent('a', note(2));
    expect(await store.getStreamIdForEventId(priming)).toBe('a');
    expect(await replay(store, priming)).toEqual({
      stream: 'a',
      sent: [
        ['2', 1],
        ['4', 2],
      ],
    });
    expect(await replay(store, '2')).toEqual({ stream: 'a', sent: [['4', 2]] });
  });

  it('drops the oldest events past the count bound, and refuses a resume from a dropped one', async () => {
    const store = new BoundedEventStore({ maxEvents: 3 });
    for (let n = 1; n <= 5; n += 1) await store.storeEvent('a', note(n));
    expect(store.size).toBe(3);
    expect(await store.getStreamIdForEventId('1')).toBeUndefined();
    expect(await replay(store, '1')).toEqual({ stream: '', sent: [] });
    expect(await replay(store, '3')).toEqual({
      stream: 'a',
      sent: [
        ['4', 4],
        ['5', 5],
      ],
    });
  });

  it('holds at most maxBytes, keeping the newest event even when it alone is larger', async () => {
    const store = new BoundedEventStore({ maxBytes: 200 });
    for (let n = 1; n <= 20; n += 1) await store.storeEvent('a', note(n));
    expect(store.heldBytes).toBeLessThanOrEqual(200);
    expect(store.size).toBeGreaterThan(1);
    const big = await store.storeEvent('a', { jsonrpc: '2.0', method: 'x', params: { text: 'y'.repeat(500) } });
    expect(store.size).toBe(1);
    expect(await store.getStreamIdForEventId(big)).toBe('a');
  });

  it('treats an id that is not one of its own as unknown', async () => {
    const store = new BoundedEventStore();
    await store.storeEvent('a', note(1));
    for (const id of ['', 'abc', '-1', '1e3', '0', '01']) expect(await store.getStreamIdForEventId(id)).toBeUndefined();
  });
});
