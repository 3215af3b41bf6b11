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

  it('lets a lease held by a dead process on this host lapse at once', () => {
    const child = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))']);
    const deadPid = Number(child.stdout.toString());
    const host = nodeLeaseHolder().split(':')[0];
    expect(isLocalHolderGone(`${host}:${deadPid}:x`)).toBe(true);
    expect(isLocalHolderGone(`${host}:${process.pid}:x`)).toBe(false);
    expect(isLocalHolderGone('other-host:1:x')).toBe(false);
  });
});
