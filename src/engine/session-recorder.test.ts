import { describe, expect, it } from 'vitest';
import { AgentboxError } from '../errors/agentbox-error.js';
import { MemorySessionStore } from '../store/memory-session-store.js';
import type { SessionStore } from '../store/session-store.js';
import { EventBus } from './event-bus.js';
import type { AgentEvent } from './events.js';
import { emptySession } from './session.js';
import { SessionRecorder } from './session-recorder.js';

class CountingStore extends MemorySessionStore {
  batches: number[] = [];
  override async append(sessionId: string, events: readonly AgentEvent[]): Promise<void> {
    this.batches.push(events.length);
    return super.append(sessionId, events);
  }
}

describe('SessionRecorder', () => {
  it('writes events recorded in one synchronous run as one batch, then publishes them in order', async () => {
    const store = new CountingStore();
    const bus = new EventBus();
    const sub = bus.subscribe({ sessionId: 's' });
    const recorder = new SessionRecorder(emptySession('s'), store, bus);
    recorder.record({ type: 'session.created', owner: 'ana', metadata: {} });
    recorder.record({ type: 'turn.started', turn: 1, input: 'hi' });
    recorder.moveTo('awaiting_llm');
    // A delta recorded behind the queued batch is published after it, not before.
    const wait = recorder.record({ type: 'llm.text-delta', step: 1, text: 'x' });
    expect(wait).toBeInstanceOf(Promise);
    expect(sub.size).toBe(0);
    await wait;
    expect(store.batches).toEqual([3]);
    expect(sub.drain().map((e) => `${e.type}#${e.seq}`)).toEqual(['session.created#1', 'turn.started#2', 'state.changed#3', 'llm.text-delta#0']);
    expect((await store.load('s'))?.state).toBe('awaiting_llm');
  });

  it('throws ILLEGAL_TRANSITION before queueing anything', async () => {
    const store = new CountingStore();
    const recorder = new SessionRecorder(emptySession('s'), store, new EventBus());
    expect(() => recorder.moveTo('completed')).toThrowError(/idle -> completed/);
    await recorder.flush();
    expect(store.batches).toEqual([]);
    expect(recorder.session.lastSeq).toBe(0);
  });

  it('reports a store failure through flush() and refuses further events', async () => {
    const broken: SessionStore = Object.assign(new MemorySessionStore(), {
      append: () => Promise.reject(new Error('disk full')),
    });
    const recorder = new SessionRecorder(emptySession('s'), broken, new EventBus());
    recorder.record({ type: 'session.created', owner: 'ana', metadata: {} });
    await expect(recorder.flush()).rejects.toSatisfy((e) => AgentboxError.isInstance(e) && e.code === 'STORE_FAILED');
    expect(() => recorder.record({ type: 'turn.started', turn: 1, input: 'x' })).toThrowError(/could not store events/);
  });
});
