import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { foldEvents } from '../engine/session.js';
import { sessionLog } from './session-log.test-support.js';
import { SessionCache } from './session-cache.js';
import { SqliteSessionStore } from '../node/store/sqlite-session-store.js';

describe('SessionCache', () => {
  it('serves copies, keeps the most recently used within capacity, and drops a stale version', () => {
    const cache = new SessionCache(2);
    const a = foldEvents('a', sessionLog('a').created());
    const b = foldEvents('b', sessionLog('b').created());
    const c = foldEvents('c', sessionLog('c').created());
    cache.remember(a);
    cache.remember(b);
    const copy = cache.get('a', a.lastSeq);
    expect(copy).toEqual(a);
    copy!.owner = 'mallory';
    expect(cache.get('a', a.lastSeq)?.owner).toBe(a.owner);
    cache.remember(c); // evicts b, the least recently used
    expect(cache.get('b', b.lastSeq)).toBeUndefined();
    expect(cache.get('a', a.lastSeq + 1)).toBeUndefined();
    expect(cache.get('a', a.lastSeq)).toBeUndefined();
  });
});

describe('SqliteSessionStore load cache', () => {
  it('never hides a write made through another connection to the same file', async () => {
    const path = join(mkdtempSync(join(tmpdir(), 'agentbox-cache-')), 's.db');
    const log = sessionLog('s1');
    const first = [...log.created(), ...log.turn('one', 'uno')];
    const reader = SqliteSessionStore.open(path);
    const writer = SqliteSessionStore.open(path);
    await writer.append('s1', first);
    expect(await reader.load('s1')).toEqual(foldEvents('s1', first));
    const second = log.turn('two', 'dos');
    await writer.append('s1', second);
    expect(await reader.load('s1')).toEqual(foldEvents('s1', [...first, ...second]));
    // Appends through the reader's own connection fold into its cache.
    const third = log.turn('three', 'tres');
    await reader.append('s1', third);
    expect(await reader.load('s1')).toEqual(foldEvents('s1', [...first, ...second, ...third]));
    await writer.delete('s1');
    expect(await reader.load('s1')).toBeUndefined();
    await reader.close();
    await writer.close();
  });
});
