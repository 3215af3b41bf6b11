import { describe, expect, it } from 'vitest';
import { applyToTimeline, emptyTimeline } from '../web/app/run-timeline.js';
import { MemoryWorkflowJournal } from './memory-workflow-journal.js';
import type { RunEvent } from './run-events.js';
import { WorkflowEngine } from './workflow-engine.js';
import { fakeClock, scriptedHost } from './workflow-test-support.test-support.js';

const big = Array.from({ length: 200 }, (_, i) => `item-${i}`);

const definition = {
  document: { dsl: '1.0.0', namespace: 'test', name: 'inputs', version: '1.0.0' },
  do: [
    { first: { set: { items: '${ .items }', count: '${ .items | length }' } } },
    { each: { for: { each: 'x', in: '${ .items[0:3] }' }, do: [{ note: { set: { seen: '${ $x }' } } }] } },
    { narrowed: { input: { from: '${ { count: ($workflow.input.items | length) } }' }, set: { half: '${ .count / 2 }' } } },
    { last: { set: { n: 1 } } },
  ],
};

async function run(): Promise<RunEvent[]> {
  const journal = new MemoryWorkflowJournal();
  const engine = new WorkflowEngine({ journal, host: scriptedHost({}), clock: fakeClock() });
  const result = await engine.start(definition, { input: { items: big } });
  expect(result.error).toBeUndefined();
  return (await journal.events(result.runId)) as RunEvent[];
}

describe('task inputs in the journal', () => {
  it('names the journaled value a task received instead of copying it', async () => {
    const events = await run();
    const starts = new Map(events.flatMap((e) => (e.type === 'task.started' ? [[e.key, e] as const] : [])));
    expect(starts.get('/do/0/first')).toMatchObject({ inputFrom: { run: 'input' } });
    expect(starts.get('/do/0/first')).not.toHaveProperty('input');
    expect(starts.get('/do/1/each')).toMatchObject({ inputFrom: { key: '/do/0/first', field: 'output' } });
    // Every iteration's first task received the `for`'s own input: a reference, not 200 items each.
    for (let i = 0; i < 3; i++) expect(starts.get(`/do/1/each/do/0/note[${i}]`)).toMatchObject({ inputFrom: expect.any(Object) });
    // The input of `narrowed` is the previous output (its `input.from` narrows it afterwards).
    expect(starts.get('/do/2/narrowed')).toHaveProperty('inputFrom');
    expect(JSON.stringify([...starts.values()]).length).toBeLessThan(JSON.stringify(big).length);
  });

  it('resolves every reference back to the value the task received', async () => {
    const timeline = emptyTimeline();
    for (const event of await run()) applyToTimeline(timeline, event);
    const input = (key: string) => timeline.tasks.get(key)?.input;
    expect(input('/do/0/first')).toEqual({ items: big });
    expect(input('/do/1/each')).toEqual({ items: big, count: 200 });
    expect(input('/do/1/each/do/0/note[0]')).toEqual({ items: big, count: 200 });
    expect(input('/do/1/each/do/0/note[2]')).toEqual({ seen: 'item-1' });
    expect(input('/do/3/last')).toEqual({ half: 100 });
  });
});
