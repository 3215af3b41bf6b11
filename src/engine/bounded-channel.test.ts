import { describe, expect, it } from 'vitest';
import { AgentboxError } from '../errors/agentbox-error.js';
import { BoundedChannel } from './bounded-channel.js';

describe('BoundedChannel', () => {
  it('delivers items in order and ends after close', async () => {
    const channel = new BoundedChannel<number>({ capacity: 4 });
    for (let i = 0; i < 3; i += 1) expect(channel.send(i)).toBeUndefined();
    channel.close();
    const seen: number[] = [];
    for await (const v of channel) seen.push(v);
    expect(seen).toEqual([0, 1, 2]);
  });

  it('makes a sender wait when full (backpressure) and releases it as the consumer reads', async () => {
    const channel = new BoundedChannel<number>({ capacity: 2 });
    channel.send(1);
    channel.send(2);
    const wait = channel.send(3);
    expect(wait).toBeInstanceOf(Promise);
    expect(channel.size).toBe(2);
    let released = false;
    void wait?.then(() => (released = true));
    await Promise.resolve();
    expect(released).toBe(false);
    expect((await channel.next()).value).toBe(1);
    await wait;
    expect(released).toBe(true);
    expect(channel.drain()).toEqual([2, 3]);
  });

  it('keeps memory bounded under drop-oldest and counts what it dropped', () => {
    const channel = new BoundedChannel<number>({ capacity: 3, overflow: 'drop-oldest' });
    for (let i = 0; i < 10; i += 1) channel.send(i);
    expect(channel.size).toBe(3);
    expect(channel.dropped).toBe(7);
    expect(channel.drain()).toEqual([7, 8, 9]);
  });

  it('fails a subscriber that falls behind under the close policy', async () => {
    const channel = new BoundedChannel<number>({ capacity: 1, overflow: 'close' });
    channel.send(1);
    expect(() => channel.send(2)).toThrowError(/fell 1 events behind/);
    expect(await channel.next()).toEqual({ value: 1, done: false });
    await expect(channel.next()).rejects.toSatisfy((e) => AgentboxError.isInstance(e) && e.code === 'CHANNEL_CLOSED');
  });

  it('resolves a waiting receiver directly and refuses sends after close', async () => {
    const channel = new BoundedChannel<string>();
    const pending = channel.next();
    channel.send('a');
    expect(await pending).toEqual({ value: 'a', done: false });
    channel.close();
    expect(() => channel.send('b')).toThrowError(/closed/);
    expect(await channel.next()).toEqual({ value: undefined, done: true });
  });

  it('rejects waiting senders when failed', async () => {
    const channel = new BoundedChannel<number>({ capacity: 1 });
    channel.send(1);
    const wait = channel.send(2);
    channel.fail(new Error('boom'));
    await expect(wait).rejects.toThrow('boom');
  });

  it('compacts its buffer while streaming many items', async () => {
    const channel = new BoundedChannel<number>({ capacity: 10 });
    let sum = 0;
    const consumer = (async () => {
      for await (const v of channel) sum += v;
    })();
    for (let i = 0; i < 5000; i += 1) await channel.send(i);
    channel.close();
    await consumer;
    expect(sum).toBe((4999 * 5000) / 2);
  });
});
