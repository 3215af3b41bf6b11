import { expect, it } from 'vitest';
import type { RunEvent } from './run-events.js';
import type { WorkflowJournal } from './workflow-journal.js';

const started = (runId: string): RunEvent => ({
  type: 'run.started',
  runId,
  seq: 1,
  time: 1,
  principal: 'local',
  input: { a: 1 },
  definition: { document: { dsl: '1.0.0', namespace: 'n', name: 'w', version: '1' }, do: [] },
});

/** The rules every WorkflowJournal keeps; run against memory and SQLite. */
export function workflowJournalContract(open: () => Promise<WorkflowJournal> | WorkflowJournal): void {
  const lease = (holder: string, now = 100) => ({ holder, now, ttlMs: 1000 });

  it('stores events in order and updates the summary on the terminal event', async () => {
    const journal = await open();
    await journal.create('r1', { workflow: 'n/w' }, [started('r1')], lease('a'));
    await journal.append(
      'r1',
      [
        { type: 'task.started', runId: 'r1', seq: 2, time: 2, key: '/do/0/x', path: '/do/0/x', name: 'x', kind: 'set' },
        { type: 'run.completed', runId: 'r1', seq: 3, time: 3, output: { big: 'x'.repeat(10_000) } },
      ],
      lease('a', 200),
    );
    const events = await journal.events('r1');
    expect(events.map((e) => [e.seq, e.type])).toEqual([
      [1, 'run.started'],
      [2, 'task.started'],
      [3, 'run.completed'],
    ]);
    expect(events[0]).toEqual(started('r1'));
    // Pages after a seq, as an event stream reads them.
    expect((await journal.events('r1', { afterSeq: 1 })).map((e) => e.seq)).toEqual([2, 3]);
    expect((await journal.events('r1', { afterSeq: 1, limit: 1 })).map((e) => e.seq)).toEqual([2]);
    expect((await journal.events('r1', { limit: 1 })).map((e) => e.type)).toEqual(['run.started']);
    expect(await journal.events('r1', { afterSeq: 3 })).toEqual([]);
    expect(await journal.get('r1')).toEqual({ runId: 'r1', workflow: 'n/w', status: 'completed', createdAt: 100, updatedAt: 200 });
    expect(await journal.get('nope')).toBeUndefined();
    await journal.close();
  });

  it('refuses a seq gap, a duplicate run and a writer without the lease', async () => {
    const journal = await open();
    await journal.create('r1', { workflow: 'n/w' }, [started('r1')], lease('a'));
    await expect(journal.create('r1', { workflow: 'n/w' }, [started('r1')], lease('a'))).rejects.toMatchObject({ code: 'STORE_CONFLICT' });
    await expect(journal.append('r1', [{ type: 'run.cancelled', runId: 'r1', seq: 3, time: 3, reason: 'x' }], lease('a'))).rejects.toMatchObject({
      code: 'STORE_CONFLICT',
    });
    await expect(journal.append('r1', [{ type: 'run.cancelled', runId: 'r1', seq: 2, time: 3, reason: 'x' }], lease('b'))).rejects.toMatchObject({
      code: 'WORKFLOW_RUN_BUSY',
    });
    expect(await journal.events('r1')).toHaveLength(1);
    await expect(journal.append('nope', [], lease('a'))).rejects.toMatchObject({ code: 'WORKFLOW_RUN_NOT_FOUND' });
    await journal.close();
  });

  it('grants the lease to one holder at a time until it lapses or is released', async () => {
    const journal = await open();
    await journal.create('r1', { workflow: 'n/w' }, [started('r1')], lease('a', 100));
    expect(await journal.claim('r1', lease('b', 500))).toBe(false);
    expect(await journal.claim('r1', lease('a', 500))).toBe(true);
    expect(await journal.claim('r1', lease('b', 1501))).toBe(true);
    expect(await journal.claim('r1', lease('a', 1600))).toBe(false);
    await journal.release('r1', 'b');
    expect(await journal.claim('r1', lease('a', 1700))).toBe(true);
    await journal.close();
  });

  it('keeps the first cancel request, without the lease, and refuses an unknown run', async () => {
    const journal = await open();
    await journal.create('r1', { workflow: 'n/w' }, [started('r1')], lease('a'));
    await journal.requestCancel('r1', 'first');
    await journal.requestCancel('r1', 'second');
    expect(await journal.get('r1')).toMatchObject({ status: 'running', cancelRequested: 'first' });
    await expect(journal.requestCancel('nope', 'x')).rejects.toMatchObject({ code: 'WORKFLOW_RUN_NOT_FOUND' });
    await journal.close();
  });

  it('keeps posted events in order for any process, without the lease', async () => {
    const journal = await open();
    await journal.create('r1', { workflow: 'n/w' }, [started('r1')], lease('a'));
    expect(await journal.postEvent('r1', { type: 'approval', data: { ok: true } }, 5)).toBe(1);
    expect(await journal.postEvent('r1', { type: 'other' }, 6)).toBe(2);
    expect(await journal.inbox('r1')).toEqual([
      { seq: 1, time: 5, event: { type: 'approval', data: { ok: true } } },
      { seq: 2, time: 6, event: { type: 'other' } },
    ]);
    expect((await journal.inbox('r1', 1)).map((e) => e.seq)).toEqual([2]);
    await expect(journal.postEvent('nope', { type: 'x' }, 1)).rejects.toMatchObject({ code: 'WORKFLOW_RUN_NOT_FOUND' });
    await journal.close();
  });

  it('lists runs most recently updated first', async () => {
    const journal = await open();
    await journal.create('r1', { workflow: 'n/w' }, [started('r1')], lease('a', 100));
    await journal.create('r2', { workflow: 'n/w' }, [started('r2')], lease('a', 200));
    expect((await journal.list()).map((r) => r.runId)).toEqual(['r2', 'r1']);
    expect((await journal.list({ limit: 1 })).map((r) => r.runId)).toEqual(['r2']);
    await journal.close();
  });
}
