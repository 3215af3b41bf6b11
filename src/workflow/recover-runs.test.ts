import { describe, expect, it } from 'vitest';
import { JqEvaluator } from './jq-evaluator.js';
import { MemoryWorkflowJournal } from './memory-workflow-journal.js';
import { systemWorkflowClock } from './system-workflow-clock.js';
import { WorkflowEngine } from './workflow-engine.js';
import { fakeClock, scriptedHost } from './workflow-test-support.test-support.js';

const jq = new JqEvaluator();
const document = { dsl: '1.0.0', namespace: 'test', name: 'recover', version: '1.0.0' };
const definition = {
  document,
  do: [{ one: { call: 'tool', with: { name: 't', arguments: { n: 1 } } } }, { pause: { wait: { milliseconds: 60_000 } } }, { two: { set: { done: true } } }],
};

/** Polls instead of sleeping a fixed time: validation before a run starts takes what it takes on a busy machine. */
async function until(condition: () => boolean | Promise<boolean>): Promise<void> {
  while (!(await condition())) await new Promise((r) => setTimeout(r, 5));
}

describe('WorkflowEngine.recover', () => {
  it('resumes runs whose process died and leaves a run another process holds alone', async () => {
    const journal = new MemoryWorkflowJournal();
    const clock = fakeClock();
    const deadHost = scriptedHost({ t: () => new Promise(() => {}) });
    const dead = new WorkflowEngine({ journal, host: deadHost, jq, clock, holder: 'dead', leaseTtlMs: 1000 });
    void dead.start(definition, { runId: 'crashed' });
    await until(() => deadHost.calls.length === 1);
    clock.advance(1001);
    const aliveHost = scriptedHost({ t: () => new Promise(() => {}) });
    const alive = new WorkflowEngine({ journal, host: aliveHost, jq, clock, holder: 'alive' });
    void alive.start(definition, { runId: 'held' });
    await until(() => aliveHost.calls.length === 1);
    const host = scriptedHost({ t: () => 1 });
    const results = await new WorkflowEngine({ journal, host, jq, clock, holder: 'server' }).recover();
    expect(results.map((r) => [r.runId, r.status])).toEqual([['crashed', 'completed']]);
    expect(host.calls.map((c) => c.key)).toEqual(['crashed:/do/0/one']);
    expect((await journal.get('held'))?.status).toBe('running');
  });

  it('a suspend (the server stopping) records no end: the run stays running and resumes later', async () => {
    const journal = new MemoryWorkflowJournal();
    const hang = scriptedHost({ t: () => new Promise(() => {}) });
    void new WorkflowEngine({ journal, host: hang, jq, clock: systemWorkflowClock, holder: 'dead', leaseTtlMs: 30 }).start(definition, { runId: 'r' });
    await until(() => hang.calls.length === 1);
    await new Promise((r) => setTimeout(r, 40)); // its lease lapses
    const server = scriptedHost({ t: () => 1 });
    const controller = new AbortController();
    const recovering = new WorkflowEngine({ journal, host: server, jq, clock: systemWorkflowClock, holder: 'server' }).recover({ signal: controller.signal });
    // The recovered run is now in its minute-long wait when the server stops.
    await until(async () => JSON.stringify((await journal.events('r')).at(-1)).includes('"path":"/do/1/pause"'));
    controller.abort();
    expect(await recovering).toEqual([]);
    const events = await journal.events('r');
    expect(events.at(-1)).toMatchObject({ type: 'task.started', path: '/do/1/pause' });
    expect((await journal.get('r'))?.status).toBe('running');
    await journal.release('r', 'server');
    const later = scriptedHost({ t: () => 2 });
    const result = await new WorkflowEngine({ journal, host: later, jq, clock: fakeClock(Date.now() + 120_000), holder: 'next' }).resume('r');
    expect(result).toMatchObject({ status: 'completed', output: { done: true } });
    expect(server.calls).toHaveLength(1);
    expect(later.calls).toEqual([]);
  });
});
