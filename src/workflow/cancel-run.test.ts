import { describe, expect, it } from 'vitest';
import { JqEvaluator } from './jq-evaluator.js';
import { MemoryWorkflowJournal } from './memory-workflow-journal.js';
import { WorkflowEngine } from './workflow-engine.js';
import type { WorkflowHost } from './workflow-host.js';
import { fakeClock, scriptedHost } from './workflow-test-support.test-support.js';

const jq = new JqEvaluator();
const definition = {
  document: { dsl: '1.0.0', namespace: 'test', name: 'cancel', version: '1.0.0' },
  do: [{ hang: { call: 'tool', with: { name: 'hang', arguments: {} } } }, { after: { set: { reached: true } } }],
};

/** A tool that never returns until its call is aborted. */
const hangingHost: WorkflowHost = {
  ...scriptedHost({}),
  callTool: ({ signal }) =>
    new Promise((_, reject) => {
      if (signal.aborted) reject(signal.reason);
      signal.addEventListener('abort', () => reject(signal.reason));
    }),
};

describe('WorkflowEngine.cancel', () => {
  it('asks a run another engine holds to stop; it ends cancelled with the reason', async () => {
    const journal = new MemoryWorkflowJournal();
    const clock = fakeClock();
    const running = new WorkflowEngine({ journal, host: hangingHost, jq, clock, holder: 'p1' }).start(definition, { runId: 'r' });
    while (!(await journal.get('r'))) await new Promise((r) => setTimeout(r, 5));
    const other = new WorkflowEngine({ journal, host: hangingHost, jq, clock, holder: 'p2' });
    const request = await other.cancel('r', { reason: 'no longer needed' });
    expect(request.cancelled).toBe(false);
    const result = await running;
    expect(result.status).toBe('cancelled');
    expect(result.tasks).toEqual([{ path: '/do/0/hang', name: 'hang', status: 'cancelled' }]);
    expect((await journal.events('r')).at(-1)).toMatchObject({ type: 'run.cancelled', reason: 'no longer needed' });
    await expect(other.cancel('r')).rejects.toMatchObject({ code: 'WORKFLOW_RUN_FINISHED', details: { status: 'cancelled' } });
  });

  it('cancels a run nobody holds (its process died) at once, and a resume then does nothing', async () => {
    const journal = new MemoryWorkflowJournal();
    const clock = fakeClock();
    void new WorkflowEngine({ journal, host: scriptedHost({ hang: () => new Promise(() => {}) }), jq, clock, holder: 'p1', leaseTtlMs: 1000 }).start(
      definition,
      {
        runId: 'r',
      },
    );
    await new Promise((r) => setTimeout(r, 20));
    clock.advance(1001);
    const host = scriptedHost({ hang: () => 'done' });
    const engine = new WorkflowEngine({ journal, host, jq, clock, holder: 'p2' });
    expect(await engine.cancel('r')).toMatchObject({ cancelled: true, result: { status: 'cancelled' } });
    expect(await engine.resume('r')).toMatchObject({ status: 'cancelled' });
    expect(host.calls).toEqual([]);
    await expect(engine.cancel('nope')).rejects.toMatchObject({ code: 'WORKFLOW_RUN_NOT_FOUND' });
  });
});
