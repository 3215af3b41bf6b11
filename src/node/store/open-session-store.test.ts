import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { MemorySessionStore } from '../../store/memory-session-store.js';
import { sessionLog } from '../../store/session-log.test-support.js';
import { openSessionStore } from './open-session-store.js';
import { SqliteSessionStore } from './sqlite-session-store.js';

const home = mkdtempSync(join(tmpdir(), 'agentbox-home-'));
afterAll(() => rmSync(home, { recursive: true, force: true }));

describe('openSessionStore', () => {
  it('opens memory for kind memory or path :memory:', async () => {
    expect(await openSessionStore({ kind: 'memory' })).toBeInstanceOf(MemorySessionStore);
    expect(await openSessionStore({ kind: 'sqlite', path: ':memory:' })).toBeInstanceOf(MemorySessionStore);
  });

  it('opens SQLite at the default path under AGENTBOX_HOME, creating it', async () => {
    const store = await openSessionStore({ kind: 'sqlite' }, { AGENTBOX_HOME: join(home, 'nested') });
    expect(store).toBeInstanceOf(SqliteSessionStore);
    await store.append('s1', sessionLog('s1').created());
    await store.close();
    expect(existsSync(join(home, 'nested', 'sessions.db'))).toBe(true);
  });
});
