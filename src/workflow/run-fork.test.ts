import { describe, expect, it } from 'vitest';
import { JqEvaluator } from './jq-evaluator.js';
import { MemoryWorkflowJournal } from './memory-workflow-journal.js';
import { WorkflowEngine } from './workflow-engine.js';
import type { WorkflowHost } from './workflow-host.js';
import { fakeClock, scriptedHost } from './workflow-test-support.test-support.js';

const jq = new JqEvaluator();
const document = { dsl: '1.0.0', namespace: 'test', name: 'fork', version: '1.0.0' };
const call = (name: string, n: number) => ({ call: 'tool', with: { name, arguments: { n } } });

/** Tools that wait until released (or until their call is aborted), recording aborts. */
function gatedHost() {
  const gates = new Map<number, () => void>();
  const aborted: number[] = [];
  const calls: string[] = [];
  const host: WorkflowHost = {
    ...scriptedHost({}),
    callTool: ({ arguments: args, idempotencyKey, signal }) => {
      calls.push(idempotencyKey);
      const n = Number(args.n);
      return new Promise((resolve, reject) => {
        let settled = false;
        const abort = () => {
          if (settled) return;
          settled = true;
          aborted.push(n);
          reject(signal.reason);
        };
        gates.set(n, () => {
          settled = true;
          resolve(n * 10);
        });
        if (signal.aborted) abort();
        else signal.addEventListener('abort', abort);
      });
    },
  };
  const release = async (n: number) => {
    for (let i = 0; i < 50 && !gates.has(n); i += 1) await new Promise((r) => setTimeout(r, 2));
    gates.get(n)?.();
  };
  return { host, release, aborted, calls };
}

describe('fork', () => {
  it('runs branches concurrently and outputs their results in branch order', async () => {
    const { host, release } = gatedHost();
    const engine = new WorkflowEngine({ journal: new MemoryWorkflowJournal(), host, jq, clock: fakeClock() });
    const running = engine.start({ document, do: [{ both: { fork: { branches: [{ a: call('t', 1) }, { b: call('t', 2) }] } } }] });
    // Branch b finishes first: both were in flight at once, and the order is still a, b.
    await release(2);
    await release(1);
    const result = await running;
    expect(result).toMatchObject({ status: 'completed', output: [10, 20] });
    expect(result.tasks.map((t) => `${t.path} ${t.status}`)).toEqual([
      '/do/0/both completed',
      '/do/0/both/fork/branches/0/a completed',
      '/do/0/both/fork/branches/1/b completed',
    ]);
  });

  it('with compete, takes the first branch to finish and cancels the others', async () => {
    const { host, release, aborted } = gatedHost();
    const engine = new WorkflowEngine({ journal: new MemoryWorkflowJournal(), host, jq, clock: fakeClock() });
    const running = engine.start({
      document,
      do: [{ race: { fork: { compete: true, branches: [{ slow: call('t', 1) }, { fast: call('t', 2) }] } } }, { after: { set: { got: '${ . }' } } }],
    });
    await release(2);
    const result = await running;
    expect(result).toMatchObject({ status: 'completed', output: { got: 20 } });
    expect(aborted).toEqual([1]);
    expect(result.tasks.find((t) => t.name === 'slow')?.status).toBe('cancelled');
    expect(result.tasks.find((t) => t.name === 'fast')?.status).toBe('completed');
  });

  it('faults with the first branch fault and cancels the rest (without compete)', async () => {
    const { host, aborted } = gatedHost();
    const engine = new WorkflowEngine({ journal: new MemoryWorkflowJournal(), host, jq, clock: fakeClock() });
    const result = await engine.start({
      document,
      do: [{ both: { fork: { branches: [{ wait: call('t', 1) }, { boom: { raise: { error: { type: 'https://example.com/oops', status: 409 } } } }] } } }],
    });
    expect(result).toMatchObject({ status: 'faulted', error: { type: 'https://example.com/oops', status: 409, instance: '/do/0/both/fork/branches/1/boom' } });
    expect(aborted).toEqual([1]);
  });

  it('resumes a fork without running a finished branch again', async () => {
    const journal = new MemoryWorkflowJournal();
    const clock = fakeClock();
    const definition = { document, do: [{ both: { fork: { branches: [{ a: call('t', 1) }, { b: call('t', 2) }] } } }] };
    const first = gatedHost();
    void new WorkflowEngine({ journal, host: first.host, jq, clock, holder: 'p1', leaseTtlMs: 1000 }).start(definition, { runId: 'r' });
    // Branch a finishes; the process "dies" while b is in flight.
    await first.release(1);
    await new Promise((r) => setTimeout(r, 20));
    clock.advance(1001);
    const host = scriptedHost({ t: (args) => Number(args.n) * 10 });
    const result = await new WorkflowEngine({ journal, host, jq, clock, holder: 'p2' }).resume('r');
    expect(result).toMatchObject({ status: 'completed', output: [10, 20] });
    expect(host.calls.map((c) => c.key)).toEqual(['r:/do/0/both/fork/branches/1/b']);
  });

  it('resumes a competing fork whose winner was journaled: the same winner, no branch runs again', async () => {
    const journal = new MemoryWorkflowJournal();
    const clock = fakeClock();
    const definition = { document, do: [{ race: { fork: { compete: true, branches: [{ stuck: call('hang', 1) }, { quick: call('t', 2) }] } } }] };
    // The loser ignores its cancellation, so the first process "dies" after the win was journaled.
    const first = scriptedHost({ hang: () => new Promise(() => {}), t: (args) => Number(args.n) * 10 });
    void new WorkflowEngine({ journal, host: first, jq, clock, holder: 'p1', leaseTtlMs: 1000 }).start(definition, { runId: 'r' });
    await new Promise((r) => setTimeout(r, 20));
    clock.advance(1001);
    const host = scriptedHost({ hang: () => 'late', t: () => -1 });
    const result = await new WorkflowEngine({ journal, host, jq, clock, holder: 'p2' }).resume('r');
    expect(result).toMatchObject({ status: 'completed', output: 20 });
    expect(host.calls).toEqual([]);
  });

  it('refuses a fork without branches, naming the path', async () => {
    const engine = new WorkflowEngine({ journal: new MemoryWorkflowJournal(), host: scriptedHost({}), jq, clock: fakeClock() });
    await expect(engine.start({ document, do: [{ f: { fork: { branches: [], compete: 'yes' } } }] })).rejects.toMatchObject({
      code: 'WORKFLOW_INVALID',
      message: expect.stringMatching(/\/do\/0\/f\/fork\/branches[\s\S]*\/do\/0\/f\/fork\/compete/),
    });
  });
});
