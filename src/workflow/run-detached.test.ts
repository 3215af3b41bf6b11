import { afterAll, describe, expect, it } from 'vitest';
import { JqEvaluator } from './jq-evaluator.js';
import { MemoryWorkflowJournal } from './memory-workflow-journal.js';
import { WorkflowEngine } from './workflow-engine.js';
import { fakeClock, scriptedHost } from './workflow-test-support.test-support.js';

const jq = new JqEvaluator();
const engines: WorkflowEngine[] = [];
afterAll(async () => {
  await Promise.all(engines.map((e) => e.close()));
});
const document = { dsl: '1.0.0', namespace: 'test', name: 'parent', version: '1.0.0' };
const childRef = { namespace: 'test', name: 'notify', version: '1.0.0' };
/** A child that waits for an event: it outlives its parent. */
const child = {
  document: { dsl: '1.0.0', ...childRef },
  do: [
    { ack: { listen: { to: { one: { with: { type: 'ack' } } } } } },
    { done: { call: 'tool', with: { name: 'record', arguments: { who: '${ $workflow.input.who }', ack: '${ . }' } } } },
  ],
};
const parent = {
  document,
  do: [{ fire: { run: { workflow: { ...childRef, input: { who: '${ .user }' } }, await: false } } }, { next: { set: { user: '${ .user }', went: 'on' } } }],
};

function engineWith(journal = new MemoryWorkflowJournal()) {
  const host = scriptedHost({ record: (args) => args });
  const engine = new WorkflowEngine({ journal, host, jq, clock: fakeClock(), resolveWorkflow: (ref) => (ref.name === 'notify' ? child : undefined) });
  engines.push(engine);
  return { journal, engine, host };
}

describe('run with await: false', () => {
  it('starts the workflow as a run of its own and goes on with its input; the run outlives its parent', async () => {
    const { engine, journal, host } = engineWith();
    const result = await engine.start(parent, { input: { user: 'ada' }, runId: 'p', principal: 'alice' });
    expect(result).toMatchObject({ status: 'completed', output: { user: 'ada', went: 'on' } });
    const runs = await journal.list();
    expect(runs.map((r) => [r.runId, r.status]).sort()).toEqual([
      ['p', 'completed'],
      [expect.stringMatching(/^p\.[0-9a-f]{8}$/), 'running'],
    ]);
    const childId = runs.find((r) => r.runId !== 'p')?.runId as string;
    const [started] = await journal.events(childId);
    expect(started).toMatchObject({ type: 'run.started', principal: 'alice', input: { who: 'ada' }, parent: { runId: 'p', key: '/do/0/fire' } });
    await engine.postEvent(childId, { type: 'ack', data: 'ok' });
    await engine.settled();
    expect(await engine.status(childId)).toMatchObject({ status: 'completed', output: { who: 'ada', ack: 'ok' } });
    expect(host.calls.map((c) => c.key)).toEqual([`${childId}:/do/1/done`]);
  });

  it('a script that is not awaited runs as a one-task run on the task input', async () => {
    const { engine, journal } = engineWith();
    const definition = {
      document,
      do: [
        { bg: { run: { script: { language: 'js', code: 'console.log(n * 2)', arguments: { n: '${ .n }' } }, await: false } } },
        { fg: { set: { n: '${ .n + 1 }' } } },
      ],
    };
    const result = await engine.start(definition, { input: { n: 20 }, runId: 'p' });
    expect(result).toMatchObject({ status: 'completed', output: { n: 21 } });
    await engine.settled();
    const childId = (await journal.list()).find((r) => r.runId !== 'p')?.runId as string;
    expect(await engine.status(childId)).toMatchObject({ status: 'completed', output: '40', tasks: [{ path: '/do/0/bg', status: 'completed' }] });
  });

  it('is started once: a parent reaching the task again finds the run with its id and leaves it alone', async () => {
    const first = engineWith();
    await first.engine.start(parent, { input: { user: 'ada' }, runId: 'p' });
    const childId = (await first.journal.list()).find((r) => r.runId !== 'p')?.runId as string;
    // Another store where a run already has that id (as after a crash between the start and the task's record).
    const second = engineWith();
    await expect(
      second.engine.start(
        { document, do: [{ hold: { listen: { to: { one: { with: { type: 'never' } } } } } }] },
        { runId: childId, signal: AbortSignal.timeout(50) },
      ),
    ).resolves.toMatchObject({ status: 'cancelled' });
    const result = await second.engine.start(parent, { input: { user: 'bob' }, runId: 'p' });
    expect(result).toMatchObject({ status: 'completed' });
    expect((await second.journal.list()).map((r) => r.runId).sort()).toEqual([childId, 'p'].sort());
    const [started] = await second.journal.events(childId);
    expect(started).not.toHaveProperty('parent');
  });

  it('refuses a non-boolean await at validation, at its path', async () => {
    const { engine } = engineWith();
    await expect(engine.start({ document, do: [{ x: { run: { workflow: childRef, await: 'no' } } }] })).rejects.toMatchObject({
      issues: expect.arrayContaining([expect.objectContaining({ code: 'structure', path: '/do/0/x/run/await' })]),
    });
  });
});
