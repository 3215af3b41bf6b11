import { describe, expect, it } from 'vitest';
import { AgentboxError } from '../errors/agentbox-error.js';
import { JqEvaluator } from './jq-evaluator.js';
import { MemoryWorkflowJournal } from './memory-workflow-journal.js';
import { systemWorkflowClock } from './system-workflow-clock.js';
import { validateWorkflow } from './validate-workflow.js';
import { WorkflowEngine } from './workflow-engine.js';
import type { WorkflowHost } from './workflow-host.js';
import { scriptedHost } from './workflow-test-support.test-support.js';

const jq = new JqEvaluator();
const document = { dsl: '1.0.0', namespace: 'test', name: 'timeouts', version: '1.0.0' };
const timeoutType = 'https://serverlessworkflow.io/spec/1.0.0/errors/timeout';

/** A tool that answers only when its call is aborted: a call that would hang forever. */
function hangingHost(): WorkflowHost & { calls: number } {
  const host = {
    ...scriptedHost({}),
    calls: 0,
    callTool: ({ signal }: { signal: AbortSignal }) =>
      new Promise<never>((_, reject) => {
        host.calls += 1;
        signal.addEventListener('abort', () => reject(signal.reason), { once: true });
      }),
  };
  return host as WorkflowHost & { calls: number };
}

describe('timeout', () => {
  it('faults a task that runs past its timeout with the spec timeout error, journaled', async () => {
    const journal = new MemoryWorkflowJournal();
    const engine = new WorkflowEngine({ journal, host: hangingHost(), jq, clock: systemWorkflowClock });
    const result = await engine.start({
      document,
      do: [{ slow: { call: 'tool', with: { name: 'hang' }, timeout: { after: { milliseconds: 50 } } } }, { after: { set: { never: true } } }],
    });
    expect(result).toMatchObject({ status: 'faulted', error: { type: timeoutType, status: 408, instance: '/do/0/slow' } });
    const events = await journal.events(result.runId);
    expect(events.map((e) => e.type)).toContain('task.faulted');
    expect(result.tasks.map((t) => t.name)).toEqual(['slow']);
  });

  it('is an error a try can catch; a named timeout from use.timeouts works the same', async () => {
    const engine = new WorkflowEngine({ journal: new MemoryWorkflowJournal(), host: hangingHost(), jq, clock: systemWorkflowClock });
    const result = await engine.start({
      document,
      use: { timeouts: { brief: { after: { milliseconds: 40 } } } },
      do: [
        {
          guarded: {
            try: [{ slow: { wait: { seconds: 30 }, timeout: 'brief' } }],
            catch: { errors: { with: { type: timeoutType } }, as: 'failure', do: [{ note: { set: { recovered: '${ $failure.status }' } } }] },
          },
        },
      ],
    });
    expect(result).toMatchObject({ status: 'completed', output: { recovered: 408 } });
  });

  it('limits the whole workflow; its error names the workflow, not a task', async () => {
    const engine = new WorkflowEngine({ journal: new MemoryWorkflowJournal(), host: hangingHost(), jq, clock: systemWorkflowClock });
    const result = await engine.start({
      document,
      timeout: { after: { milliseconds: 50 } },
      do: [{ first: { set: { a: 1 } } }, { slow: { wait: { seconds: 30 } } }],
    });
    expect(result).toMatchObject({ status: 'faulted', error: { type: timeoutType, status: 408, instance: '', title: 'the workflow timed out' } });
  });

  it('counts from the journaled start: a run resumed after the limit times out without calling again', async () => {
    const journal = new MemoryWorkflowJournal();
    const host = hangingHost();
    const suspend = new AbortController();
    const definition = { document, do: [{ slow: { call: 'tool', with: { name: 'hang' }, timeout: { after: { seconds: 30 } } } }] };
    const first = new WorkflowEngine({ journal, host, jq, clock: systemWorkflowClock, newId: () => 'run-1' });
    const running = first.start(definition, { signal: suspend.signal });
    while (host.calls === 0) await new Promise((r) => setTimeout(r, 5));
    suspend.abort(new AgentboxError('WORKFLOW_RUN_BUSY', 'stopping'));
    await expect(running).rejects.toMatchObject({ code: 'WORKFLOW_RUN_BUSY' });
    // A minute later (the limit was 30 s from the task's first start): no second call.
    const later = { now: () => Date.now() + 60_000, sleep: systemWorkflowClock.sleep };
    const resumed = await new WorkflowEngine({ journal, host, jq, clock: later }).resume('run-1');
    expect(resumed).toMatchObject({ status: 'faulted', error: { type: timeoutType, instance: '/do/0/slow' } });
    expect(host.calls).toBe(1);
  });

  it('refuses a timeout that is not a positive duration or names no declared timeout', async () => {
    const result = await validateWorkflow(
      {
        document,
        timeout: { after: 'soon' },
        do: [{ a: { set: { x: 1 }, timeout: 'missing' } }, { b: { set: { x: 1 }, timeout: { after: { seconds: 0 } } } }],
      },
      { jq },
    );
    expect(result.ok).toBe(false);
    expect(result.issues.filter((i) => i.code === 'structure').map((i) => i.path)).toEqual(['/timeout', '/do/0/a/timeout', '/do/1/b/timeout']);
  });
});
