import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { SqliteSessionStore } from './sqlite-session-store.js';

const dirs: string[] = [];
const storePath = (): string => {
  const dir = mkdtempSync(join(tmpdir(), 'agentbox-leases-'));
  dirs.push(dir);
  return join(dir, 's.db');
};
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

describe('SqliteSessionStore turn claims', () => {
  it('lets one store at a time hold a session, and the other after release', async () => {
    const path = storePath();
    const a = SqliteSessionStore.open(path);
    const b = SqliteSessionStore.open(path);
    expect(await a.claimTurn('s1')).toBe(true);
    expect(await b.claimTurn('s1')).toBe(false);
    expect(await b.claimTurn('s2')).toBe(true);
    await a.releaseTurn('s1');
    expect(await b.claimTurn('s1')).toBe(true);
    expect(await a.claimTurn('s1')).toBe(false);
    await Promise.all([a.close(), b.close()]);
  });

  it('takes over a claim whose holder process is gone, or which was not renewed in time', async () => {
    const path = storePath();
    const a = SqliteSessionStore.open(path);
    const gone = SqliteSessionStore.open(path, { isHolderGone: () => true });
    expect(await a.claimTurn('s1')).toBe(true);
    expect(await gone.claimTurn('s1')).toBe(true);
    await Promise.all([a.close(), gone.close()]);

    const short = SqliteSessionStore.open(path, { turnLeaseTtlMs: 30 });
    const other = SqliteSessionStore.open(path);
    expect(await short.claimTurn('s3')).toBe(true);
    await short.close(); // renewals stop: the claim lapses after its ttl
    expect(await other.claimTurn('s3')).toBe(false);
    await new Promise((resolve) => setTimeout(resolve, 60));
    expect(await other.claimTurn('s3')).toBe(true);
    await other.close();
  });

  it('renews a held claim so a long turn keeps its session', async () => {
    const path = storePath();
    const holder = SqliteSessionStore.open(path, { turnLeaseTtlMs: 60 });
    const other = SqliteSessionStore.open(path);
    expect(await holder.claimTurn('s1')).toBe(true);
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(await other.claimTurn('s1')).toBe(false);
    await Promise.all([holder.close(), other.close()]);
  });
});
