import { describe, expect, it } from 'vitest';
import { MemoryWorkflowJournal } from './memory-workflow-journal.js';
import type { RunEvent } from './run-events.js';
import { AUTO_FLUSH_EVENTS } from './run-recorder.js';
import { WorkflowEngine } from './workflow-engine.js';
import { fakeClock, scriptedHost } from './workflow-test-support.test-support.js';

/** A journal that remembers the size of every batch it was given. */
class CountingJournal extends MemoryWorkflowJournal {
  readonly batches: number[] = [];
  override async append(...args: Parameters<MemoryWorkflowJournal['append']>): Promise<void> {
    this.batches.push(args[1].length);
    return super.append(...args);
  }
}

const manySets = (count: number) => ({
  document: { dsl: '1.0.0', namespace: 'test', name: 'many', version: '1.0.0' },
  do: [{ each: { for: { in: `\${ [range(${count})] }` }, do: [{ note: { set: { n: '${ $item }' } } }] } }],
});

describe('RunRecorder batching', () => {
  it('checkpoints a long run of pure tasks as it goes instead of only at the end', async () => {
    const journal = new CountingJournal();
    const engine = new WorkflowEngine({ journal, host: scriptedHost({}), clock: fakeClock() });
    const result = await engine.start(manySets(1_000));
    expect(result.status).toBe('completed');
    // ~2 events per set task plus the for: several bounded batches, none above the limit by much.
    expect(journal.batches.length).toBeGreaterThanOrEqual(3);
    expect(Math.max(...journal.batches)).toBeLessThanOrEqual(AUTO_FLUSH_EVENTS);
    const events = (await journal.events(result.runId)) as RunEvent[];
    expect(events.map((e) => e.seq)).toEqual(events.map((_, i) => i + 1));
  });

  it('a resumed run after a crash mid-loop keeps the checkpointed iterations', async () => {
    const journal = new CountingJournal();
    const engine = new WorkflowEngine({ journal, host: scriptedHost({}), clock: fakeClock() });
    const result = await engine.start(manySets(700));
    const events = (await journal.events(result.runId)) as RunEvent[];
    // Replaying only the first auto-flushed batch (a crash right after it) resumes from there.
    const crashed = new MemoryWorkflowJournal();
    const firstBatch = events.slice(0, AUTO_FLUSH_EVENTS);
    await crashed.create(result.runId, { workflow: 'test/many' }, firstBatch, { holder: 'gone', now: 0, ttlMs: 1 });
    const again = new WorkflowEngine({ journal: crashed, host: scriptedHost({}), clock: fakeClock(10_000) });
    const resumed = await again.resume(result.runId);
    expect(resumed.output).toEqual(result.output);
    const replayed = (await crashed.events(result.runId)) as RunEvent[];
    const startsAfter = replayed.slice(AUTO_FLUSH_EVENTS).filter((e) => e.type === 'task.started');
    const startsBefore = firstBatch.filter((e) => e.type === 'task.started' && e.path.includes('/note'));
    // No task completed in the first batch starts again.
    const doneBefore = new Set(firstBatch.filter((e) => e.type === 'task.completed').map((e) => (e as { key: string }).key));
    expect(startsAfter.some((e) => doneBefore.has((e as { key: string }).key) && (e as { path: string }).path.includes('/note'))).toBe(false);
    expect(startsBefore.length).toBeGreaterThan(100);
  });
});
