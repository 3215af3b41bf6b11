import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { afterAll, describe, expect, it } from 'vitest';
import { workflowJournalContract } from '../../workflow/workflow-journal-contract.test-support.js';
import { isLocalHolderGone, nodeLeaseHolder } from './lease-holder.js';
import { SqliteSessionStore } from './sqlite-session-store.js';
import { SqliteWorkflowJournal } from './sqlite-workflow-journal.js';

const dir = mkdtempSync(join(tmpdir(), 'agentbox-wfj-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
let n = 0;

describe('SqliteWorkflowJournal', () => {
  workflowJournalContract(() => SqliteWorkflowJournal.open(join(dir, `j${(n += 1)}.db`)));

  it('shares the sessions file: both stores open it, in either order', async () => {
    const path = join(dir, 'shared.db');
    const sessions = SqliteSessionStore.open(path);
    const journal = SqliteWorkflowJournal.open(path);
    expect(await journal.list()).toEqual([]);
    expect(await sessions.list()).toEqual([]);
    await journal.close();
    await sessions.close();
  });

  it('fails loudly on a value JSON cannot hold, and keeps the journal as it was', async () => {
    const journal = SqliteWorkflowJournal.open(join(dir, 'bigint.db'));
    await journal.create('r', { workflow: 'n/w' }, [{ type: 'run.cancelled', runId: 'r', seq: 1, time: 1, reason: 'x' } as never], {
      holder: 'a',
      now: 1,
      ttlMs: 1000,
    });
    const bad = { type: 'task.completed', runId: 'r', seq: 2, time: 2, key: 'k', path: '/do/0/x', output: { n: 1n } } as never;
    await expect(journal.append('r', [bad], { holder: 'a', now: 2, ttlMs: 1000 })).rejects.toMatchObject({
      code: 'STORE_FAILED',
      message: expect.stringContaining('BigInt'),
    });
    expect(await journal.events('r')).toHaveLength(1);
    await journal.close();
  });

  it('lets a lease held by a dead process on this host lapse at once', () => {
    const child = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))']);
    const deadPid = Number(child.stdout.toString());
    const host = nodeLeaseHolder().split(':')[0];
    expect(isLocalHolderGone(`${host}:${deadPid}:x`)).toBe(true);
    expect(isLocalHolderGone(`${host}:${process.pid}:x`)).toBe(false);
    expect(isLocalHolderGone('other-host:1:x')).toBe(false);
  });
});
