/**
 * Test support (not shipped): the conformance suite every `SessionStore` must pass. Each
 * store's own test file calls `describeSessionStoreContract` with a factory for a fresh,
 * empty store, so memory, SQLite and any later store behave the same to their callers.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { AgentEvent } from '../engine/events.js';
import { foldEvents } from '../engine/session.js';
import type { SessionStore } from './session-store.js';
import { sessionLog } from './session-log.test-support.js';

export function describeSessionStoreContract(name: string, makeStore: () => SessionStore | Promise<SessionStore>): void {
  describe(`${name} (SessionStore contract)`, () => {
    const open: SessionStore[] = [];
    const fresh = async (): Promise<SessionStore> => {
      const store = await makeStore();
      open.push(store);
      return store;
    };
    afterEach(async () => {
      for (const store of open.splice(0)) await store.close();
    });

    it('returns nothing for an unknown session', async () => {
      const store = await fresh();
      expect(await store.load('nope')).toBeUndefined();
      expect(await store.events('nope')).toEqual([]);
      expect(await store.delete('nope')).toBe(false);
      expect(await store.list()).toEqual([]);
    });

    it('folds appended events into the loaded session', async () => {
      const store = await fresh();
      const log = sessionLog('s1', { owner: 'alice' });
      const first = [...log.created({ system: 'be brief', metadata: { tag: 'x' } }), ...log.turn('hello', 'hi')];
      await store.append('s1', first);
      const second = log.turn('again', 'sure');
      await store.append('s1', second);

      const session = await store.load('s1');
      expect(session).toEqual(foldEvents('s1', [...first, ...second]));
      expect(session).toMatchObject({ owner: 'alice', state: 'completed', lastSeq: 11, turns: 2 });
      expect(session?.messages.map((m) => m.content)).toEqual(['be brief', 'hello', 'hi', 'again', 'sure']);
      expect(session?.usage).toMatchObject({ llmCalls: 2, totalTokens: 30 });
      expect(await store.events('s1')).toEqual([...first, ...second]);
    });

    it('treats an empty append as a no-op that creates nothing', async () => {
      const store = await fresh();
      await store.append('s1', []);
      expect(await store.load('s1')).toBeUndefined();
      expect(await store.list()).toEqual([]);
    });

    it('cannot be corrupted through objects it was given or handed out', async () => {
      const store = await fresh();
      const log = sessionLog('s1');
      const events = [...log.created({ metadata: { tag: 'x' } }), ...log.turn('hello', 'hi')];
      await store.append('s1', events);
      const expected = foldEvents('s1', structuredClone(events));

      (events[0] as Extract<AgentEvent, { type: 'session.created' }>).metadata.tag = 'mutated input';
      const loaded = await store.load('s1');
      loaded?.messages.push({ role: 'user', content: 'injected' });
      if (loaded) loaded.metadata.tag = 'mutated output';
      const listed = await store.events('s1');
      (listed[1] as Extract<AgentEvent, { type: 'turn.started' }>).input = 'rewritten';

      expect(await store.load('s1')).toEqual(expected);
      expect((await store.events('s1'))[1]).toMatchObject({ type: 'turn.started', input: 'hello' });
    });

    it('pages the log with afterSeq and limit', async () => {
      const store = await fresh();
      const log = sessionLog('s1');
      await store.append('s1', [...log.created(), ...log.turn('a', 'b'), ...log.turn('c', 'd')]);
      const seqs = async (options: { afterSeq?: number; limit?: number }) => (await store.events('s1', options)).map((e) => e.seq);
      expect(await seqs({})).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11]);
      expect(await seqs({ afterSeq: 3, limit: 4 })).toEqual([4, 5, 6, 7]);
      expect(await seqs({ afterSeq: 9 })).toEqual([10, 11]);
      expect(await seqs({ afterSeq: 11 })).toEqual([]);
      expect(await seqs({ afterSeq: 50 })).toEqual([]);
      expect(await seqs({ limit: 0 })).toEqual([]);
      await expect(store.events('s1', { afterSeq: -1 })).rejects.toMatchObject({ code: 'INVALID_INPUT' });
      await expect(store.events('s1', { limit: 1.5 })).rejects.toMatchObject({ code: 'INVALID_INPUT' });
    });

    it('lists summaries most recently updated first, by owner, with limit and offset', async () => {
      const store = await fresh();
      // Start times chosen so the update order differs from the creation order.
      const specs = [
        { id: 'a', owner: 'alice', startTime: 1_000 },
        { id: 'b', owner: 'bob', startTime: 5_000 },
        { id: 'c', owner: 'alice', startTime: 3_000 },
        { id: 'd', owner: 'alice', startTime: 4_000 },
      ];
      for (const spec of specs) {
        const log = sessionLog(spec.id, spec);
        await store.append(spec.id, [...log.created(), ...log.turn(`first words of ${spec.id}`, 'ok')]);
      }
      const all = await store.list();
      expect(all.map((s) => s.id)).toEqual(['b', 'd', 'c', 'a']);
      expect(all[0]).toEqual({
        id: 'b',
        owner: 'bob',
        state: 'completed',
        title: 'first words of b',
        createdAt: 5_010,
        updatedAt: 5_060,
        lastSeq: 6,
      });
      expect((await store.list({ owner: 'alice' })).map((s) => s.id)).toEqual(['d', 'c', 'a']);
      expect((await store.list({ owner: 'alice', limit: 2 })).map((s) => s.id)).toEqual(['d', 'c']);
      expect((await store.list({ owner: 'alice', limit: 2, offset: 2 })).map((s) => s.id)).toEqual(['a']);
      expect((await store.list({ offset: 3 })).map((s) => s.id)).toEqual(['a']);
      expect(await store.list({ owner: 'carol' })).toEqual([]);
      await expect(store.list({ limit: -1 })).rejects.toMatchObject({ code: 'INVALID_INPUT' });

      // Appending to the oldest session moves it to the front.
      const a = sessionLog('a', { startTime: 9_000 });
      a.created();
      a.turn('', '');
      await store.append('a', [a.event({ type: 'turn.started', turn: 2, input: 'later' })]);
      expect((await store.list({ limit: 1 })).map((s) => s.id)).toEqual(['a']);
    });

    it('deletes a session and its log, and only that session', async () => {
      const store = await fresh();
      for (const id of ['s1', 's2']) {
        const log = sessionLog(id);
        await store.append(id, [...log.created(), ...log.turn('hi', 'yo')]);
      }
      expect(await store.delete('s1')).toBe(true);
      expect(await store.load('s1')).toBeUndefined();
      expect(await store.events('s1')).toEqual([]);
      expect((await store.list()).map((s) => s.id)).toEqual(['s2']);
      expect(await store.delete('s1')).toBe(false);
      expect((await store.load('s2'))?.lastSeq).toBe(6);

      // The id can start over from seq 1.
      await store.append('s1', sessionLog('s1').created());
      expect((await store.load('s1'))?.lastSeq).toBe(1);
    });

    it('rejects a seq gap or duplicate with STORE_CONFLICT and writes nothing', async () => {
      const store = await fresh();
      const log = sessionLog('s1');
      const created = log.created();
      const turn = log.turn('hi', 'yo');
      await store.append('s1', created);
      const before = await store.load('s1');

      await expect(store.append('s1', turn.slice(1))).rejects.toMatchObject({ code: 'STORE_CONFLICT' });
      await expect(store.append('s1', created)).rejects.toMatchObject({ code: 'STORE_CONFLICT' });
      // A gap in the middle of a batch rejects the whole batch, including its valid head.
      await expect(store.append('s1', [turn[0]!, turn[2]!])).rejects.toMatchObject({ code: 'STORE_CONFLICT' });
      // A new session must start at seq 1.
      const other = sessionLog('new');
      other.created();
      await expect(store.append('new', other.turn('hi', 'yo'))).rejects.toMatchObject({ code: 'STORE_CONFLICT' });

      expect(await store.load('s1')).toEqual(before);
      expect(await store.events('s1')).toEqual(created);
      expect(await store.load('new')).toBeUndefined();
      await store.append('s1', turn);
      expect((await store.load('s1'))?.lastSeq).toBe(6);
    });

    it('lets exactly one of two racing appends at the same seq win', async () => {
      const store = await fresh();
      const log = sessionLog('s1');
      await store.append('s1', log.created());
      const mine = log.event({ type: 'turn.started', turn: 1, input: 'mine' });
      const theirs = { ...mine, input: 'theirs' };
      const results = await Promise.allSettled([store.append('s1', [mine]), store.append('s1', [theirs])]);
      expect(results.map((r) => r.status).sort()).toEqual(['fulfilled', 'rejected']);
      const rejected = results.find((r) => r.status === 'rejected') as PromiseRejectedResult;
      expect(rejected.reason).toMatchObject({ code: 'STORE_CONFLICT' });
      expect(await store.events('s1', { afterSeq: 1 })).toHaveLength(1);
    });

    it('rejects an illegal state transition with ILLEGAL_TRANSITION and writes nothing', async () => {
      const store = await fresh();
      const log = sessionLog('s1');
      await store.append('s1', log.created());
      const before = await store.load('s1');
      const batch = [
        log.event({ type: 'turn.started', turn: 1, input: 'hi' }),
        // idle -> completed skips the LLM: impossible.
        log.event({ type: 'state.changed', from: 'idle', to: 'completed' }),
      ];
      await expect(store.append('s1', batch)).rejects.toMatchObject({ code: 'ILLEGAL_TRANSITION' });
      expect(await store.load('s1')).toEqual(before);
      expect(await store.events('s1')).toHaveLength(1);
    });

    it('drops transient events instead of storing them', async () => {
      const store = await fresh();
      const log = sessionLog('s1');
      const created = log.created();
      const delta: AgentEvent = { sessionId: 's1', seq: 0, time: 2_000, type: 'llm.text-delta', step: 1, text: 'h' };
      const turn = log.turn('hi', 'yo');
      await store.append('s1', [...created, delta, ...turn]);
      const stored = await store.events('s1');
      expect(stored.map((e) => e.seq)).toEqual([1, 2, 3, 4, 5, 6]);
      expect(stored.some((e) => e.type === 'llm.text-delta')).toBe(false);
      await store.append('s1', [delta]);
      expect((await store.load('s1'))?.lastSeq).toBe(6);
    });

    it('rejects an event that belongs to another session', async () => {
      const store = await fresh();
      const stray = sessionLog('other').created();
      await expect(store.append('s1', stray)).rejects.toMatchObject({ code: 'INVALID_INPUT' });
      expect(await store.load('s1')).toBeUndefined();
      expect(await store.load('other')).toBeUndefined();
    });

    it('fails with STORE_FAILED once closed', async () => {
      const store = await makeStore();
      await store.close();
      await expect(store.load('s1')).rejects.toMatchObject({ code: 'STORE_FAILED' });
      await expect(store.append('s1', sessionLog('s1').created())).rejects.toMatchObject({ code: 'STORE_FAILED' });
    });
  });
}
