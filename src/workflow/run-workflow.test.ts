import { describe, expect, it } from 'vitest';
import { JqEvaluator } from './jq-evaluator.js';
import { MemoryWorkflowJournal } from './memory-workflow-journal.js';
import { WorkflowEngine } from './workflow-engine.js';
import { fakeClock, scriptedHost } from './workflow-test-support.test-support.js';

const jq = new JqEvaluator();
const parentDoc = { dsl: '1.0.0', namespace: 'test', name: 'parent', version: '1.0.0' };
const childRef = { namespace: 'test', name: 'child', version: '1.0.0' };
const child = {
  document: { dsl: '1.0.0', ...childRef },
  input: { from: '${ { n: .n } }' },
  do: [
    { one: { call: 'tool', with: { name: 'step', arguments: { n: '${ .n }', at: 1 } } } },
    { two: { call: 'tool', with: { name: 'step', arguments: { n: '${ . }', at: 2 } } } },
  ],
  output: { as: '${ { result: . } }' },
};
const parent = {
  document: parentDoc,
  do: [
    { prepare: { set: { n: '${ .start }', noise: true } } },
    { sub: { run: { workflow: { ...childRef, input: { n: '${ .n + 1 }' } } } } },
    { finish: { set: { done: '${ .result }' } } },
  ],
};
const resolveWorkflow = (ref: { name: string }) => (ref.name === 'child' ? child : undefined);

describe('run: workflow', () => {
  it('runs a sub-workflow with its input, data flow and output, its tasks under the parent task path', async () => {
    const host = scriptedHost({ step: (args) => Number(args.n) * 10 });
    const engine = new WorkflowEngine({ journal: new MemoryWorkflowJournal(), host, jq, clock: fakeClock(), resolveWorkflow });
    const result = await engine.start(parent, { input: { start: 1 }, runId: 'r' });
    expect(result).toMatchObject({ status: 'completed', output: { done: 200 } });
    expect(result.tasks.map((t) => t.path)).toEqual([
      '/do/0/prepare',
      '/do/1/sub',
      '/do/1/sub/run/workflow/do/0/one',
      '/do/1/sub/run/workflow/do/1/two',
      '/do/2/finish',
    ]);
    expect(host.calls.map((c) => c.key)).toEqual(['r:/do/1/sub/run/workflow/do/0/one', 'r:/do/1/sub/run/workflow/do/1/two']);
  });

  it('regression: a resumed parent does not restart a sub-workflow from its start', async () => {
    const journal = new MemoryWorkflowJournal();
    const clock = fakeClock();
    // The first process dies in the sub-workflow's second task.
    const crashing = scriptedHost({ step: (args) => (args.at === 2 ? new Promise(() => {}) : Number(args.n) * 10) });
    void new WorkflowEngine({ journal, host: crashing, jq, clock, holder: 'p1', leaseTtlMs: 1000, resolveWorkflow }).start(parent, {
      input: { start: 1 },
      runId: 'r',
    });
    await new Promise((r) => setTimeout(r, 30));
    clock.advance(1001);
    // The resumed run uses the sub-workflow journaled at the start, not a resolver (it has none).
    const host = scriptedHost({ step: (args) => Number(args.n) * 10 });
    const result = await new WorkflowEngine({ journal, host, jq, clock, holder: 'p2' }).resume('r');
    expect(result).toMatchObject({ status: 'completed', output: { done: 200 } });
    expect(crashing.calls.map((c) => c.key)).toEqual(['r:/do/1/sub/run/workflow/do/0/one', 'r:/do/1/sub/run/workflow/do/1/two']);
    expect(host.calls.map((c) => c.key)).toEqual(['r:/do/1/sub/run/workflow/do/1/two']);
  });

  it('refuses an unknown sub-workflow before journaling, naming the task path', async () => {
    const journal = new MemoryWorkflowJournal();
    const engine = new WorkflowEngine({ journal, host: scriptedHost({}), jq, clock: fakeClock() });
    await expect(engine.start(parent)).rejects.toMatchObject({
      code: 'WORKFLOW_INVALID',
      message: expect.stringContaining('/do/1/sub/run/workflow: no workflow test/child:1.0.0 found'),
    });
    await expect(engine.start({ document: parentDoc, do: [{ sub: { run: { workflow: { namespace: 'test', name: 7 } } } }] })).rejects.toMatchObject({
      message: expect.stringMatching(/\/do\/0\/sub\/run\/workflow\/name[\s\S]*\/do\/0\/sub\/run\/workflow\/version/),
    });
    expect(await journal.list()).toEqual([]);
  });

  it('faults a workflow that runs itself without end, at a depth limit', async () => {
    const engine = new WorkflowEngine({ journal: new MemoryWorkflowJournal(), host: scriptedHost({}), jq, clock: fakeClock() });
    const result = await engine.start({ document: parentDoc, do: [{ again: { run: { workflow: { namespace: 'test', name: 'parent', version: '1.0.0' } } } }] });
    expect(result.status).toBe('faulted');
    expect(result.error).toMatchObject({ title: 'sub-workflows nest too deep' });
  });
});
