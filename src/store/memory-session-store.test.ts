import { describe, expect, it } from 'vitest';
import type { AgentEvent } from '../engine/events.js';
import { foldEvents } from '../engine/session.js';
import { MemorySessionStore } from './memory-session-store.js';
import { describeSessionStoreContract } from './session-store-contract.test-support.js';
import { sessionLog } from './session-log.test-support.js';

describeSessionStoreContract('MemorySessionStore', () => new MemorySessionStore());

describe('MemorySessionStore', () => {
  it('keeps the incremental snapshot equal to a full fold over many small appends', async () => {
    const store = new MemorySessionStore();
    const log = sessionLog('s1');
    const all: AgentEvent[] = [...log.created({ system: 'sys' })];
    await store.append('s1', all);
    for (let i = 0; i < 500; i += 1) {
      // One event per append, as a bus subscriber would write them.
      for (const event of log.turn(`q${i}`, `a${i}`)) {
        await store.append('s1', [event]);
        all.push(event);
      }
    }
    const session = await store.load('s1');
    expect(session?.lastSeq).toBe(2_501);
    expect(session).toEqual(foldEvents('s1', all));
  });
});
