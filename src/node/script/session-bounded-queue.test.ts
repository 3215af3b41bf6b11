import { describe, expect, it } from 'vitest';
import { SessionBoundedQueue } from './session-bounded-queue.js';

const item = (name: string, sessionId?: string): { name: string; sessionId: string | undefined } => ({ name, sessionId });

describe('SessionBoundedQueue', () => {
  it('hands out items in order, skipping a session at its bound until one of its items finishes', () => {
    const queue = new SessionBoundedQueue<ReturnType<typeof item>>(2);
    const [a1, a2, a3, b1, free] = [item('a1', 'a'), item('a2', 'a'), item('a3', 'a'), item('b1', 'b'), item('free')];
    for (const i of [a1, a2, a3, b1, free]) queue.push(i);
    expect([queue.take(), queue.take(), queue.take(), queue.take()].map((i) => i?.name)).toEqual(['a1', 'a2', 'b1', 'free']);
    expect(queue.take()).toBeUndefined();
    expect(queue.length).toBe(1);
    queue.finished(a1);
    expect(queue.take()).toBe(a3);
  });

  it('removes a waiting item once, and drains what is left', () => {
    const queue = new SessionBoundedQueue<ReturnType<typeof item>>(1);
    const [x, y] = [item('x', 's'), item('y', 's')];
    queue.push(x);
    queue.push(y);
    expect(queue.remove(x)).toBe(true);
    expect(queue.remove(x)).toBe(false);
    expect(queue.drain()).toEqual([y]);
    expect(queue.take()).toBeUndefined();
  });
});
