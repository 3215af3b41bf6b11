import { describe, expect, it } from 'vitest';
import { applyEvent, emptySession, type Session } from '../engine/session.js';
import { SessionJsonCache } from './session-json-cache.js';

function session(id: string, overrides: Partial<Session> = {}): Session {
  return { ...emptySession(id), owner: 'alice', createdAt: 1000, updatedAt: 1000, lastSeq: 1, ...overrides };
}

const text = async (res: Response): Promise<string> => await res.text();

describe('SessionJsonCache', () => {
  it('answers with the session as JSON and its exact byte length', async () => {
    const cache = new SessionJsonCache();
    const s = session('s1', { metadata: { title: 'héllo ✓' } });
    const res = cache.response(s);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/json');
    const body = await text(res);
    expect(JSON.parse(body)).toEqual(s);
    expect(Number(res.headers.get('content-length'))).toBe(new TextEncoder().encode(body).byteLength);
    expect(Number(res.headers.get('content-length'))).toBeGreaterThan(body.length); // multi-byte characters counted
  });

  it('reuses the text only while the version matches: a new event, or the id created again, is served fresh', async () => {
    const cache = new SessionJsonCache();
    const s = session('s1');
    expect(JSON.parse(await text(cache.response(s)))).toEqual(s);
    // Same version, different object: the cached text (a store never changes a version's content).
    expect(JSON.parse(await text(cache.response({ ...s, turns: 99 })))).toEqual(s);
    const next = structuredClone(s);
    applyEvent(next, { type: 'turn.started', sessionId: 's1', seq: 2, time: 2000, turn: 1, input: 'hi' });
    expect(next.lastSeq).toBe(2);
    expect(JSON.parse(await text(cache.response(next)))).toEqual(next);
    // Deleted and created again under the same id with the same seq: the times tell them apart.
    const again = session('s1', { lastSeq: 2, createdAt: 5000, updatedAt: 5000, owner: 'bob' });
    expect(JSON.parse(await text(cache.response(again)))).toMatchObject({ owner: 'bob', createdAt: 5000 });
    cache.forget('s1');
    expect(cache.size).toBe(0);
  });

  it('stays within its entry and byte bounds, and never keeps an oversized body', async () => {
    const cache = new SessionJsonCache({ maxEntries: 3, maxBytes: 4000 });
    for (let i = 0; i < 10; i++) cache.response(session(`s${i}`));
    expect(cache.size).toBe(3);
    const big = session('big', { metadata: { blob: 'x'.repeat(2000) } });
    expect(JSON.parse(await text(cache.response(big)))).toEqual(big);
    expect(cache.size).toBe(3);
    const tiny = new SessionJsonCache({ maxBytes: 2000 });
    const one = session('t', { metadata: { pad: 'y'.repeat(100) } });
    const bytes = new TextEncoder().encode(JSON.stringify(one)).byteLength;
    for (let i = 0; i < 10; i++) tiny.response({ ...one, id: `t${i}` });
    expect(tiny.size).toBe(Math.floor(2000 / bytes));
  });
});
