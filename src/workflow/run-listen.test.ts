import { describe, expect, it } from 'vitest';
import { JqEvaluator } from './jq-evaluator.js';
import { MemoryWorkflowJournal } from './memory-workflow-journal.js';
import { WorkflowEngine } from './workflow-engine.js';
import { fakeClock, scriptedHost } from './workflow-test-support.test-support.js';

const jq = new JqEvaluator();
const document = { dsl: '1.0.0', namespace: 'test', name: 'listen', version: '1.0.0' };
/** Until the run is stored (validation comes first and loads the schema on first use). */
async function untilStored(journal: MemoryWorkflowJournal, runId: string): Promise<void> {
  while (!(await journal.get(runId))) await new Promise((r) => setTimeout(r, 5));
}

function setup() {
  const journal = new MemoryWorkflowJournal();
  return { journal, engine: new WorkflowEngine({ journal, host: scriptedHost({}), jq, clock: fakeClock() }) };
}

describe('listen', () => {
  it('waits for a matching posted event and outputs its data; a non-matching one is left alone', async () => {
    const { engine, journal } = setup();
    const running = engine.start(
      {
        document,
        do: [
          { approval: { listen: { to: { one: { with: { type: 'approval', data: { order: 7 } } } } } } },
          { decide: { set: { approved: '${ .approved }' } } },
        ],
      },
      { runId: 'r' },
    );
    await untilStored(journal, 'r');
    await engine.postEvent('r', { type: 'approval', data: { order: 8, approved: false } });
    await engine.postEvent('r', { type: 'approval', data: { order: 7, approved: true } });
    expect(await running).toMatchObject({ status: 'completed', output: { approved: true } });
  });

  it('all takes one event per filter (envelopes, in filter order); two listens never share an event', async () => {
    const { engine, journal } = setup();
    const running = engine.start(
      {
        document,
        do: [
          {
            both: {
              fork: {
                branches: [
                  { first: { listen: { to: { one: { with: { type: 'ping' } } } } } },
                  { second: { listen: { to: { one: { with: { type: 'ping' } } } } } },
                ],
              },
            },
          },
          { pair: { listen: { read: 'envelope', to: { all: [{ with: { type: 'a' } }, { with: { type: 'b' } }] } } } },
        ],
      },
      { runId: 'r' },
    );
    await untilStored(journal, 'r');
    await engine.postEvent('r', { type: 'ping', data: 1 });
    await engine.postEvent('r', { type: 'ping', data: 2 });
    await engine.postEvent('r', { type: 'b', source: 'x' });
    await engine.postEvent('r', { type: 'a', source: 'y' });
    const result = await running;
    expect(result.status).toBe('completed');
    expect((result.output as Array<{ type: string }>).map((e) => e.type)).toEqual(['a', 'b']);
    const consumed = (await journal.events('r')).filter((e) => e.type === 'event.consumed');
    expect(consumed.map((e) => (e as { inboxSeq: number }).inboxSeq).sort()).toEqual([1, 2, 3, 4]);
  });

  it('refuses a bad listen at validation, and events without a type or for an ended run', async () => {
    const { engine } = setup();
    await expect(engine.start({ document, do: [{ l: { listen: { to: { one: {}, any: [] }, read: 'raw' } } }] })).rejects.toMatchObject({
      code: 'WORKFLOW_INVALID',
      message: expect.stringContaining('/do/0/l/listen/to'),
    });
    const done = await engine.start({ document, do: [{ s: { set: { x: 1 } } }] });
    await expect(engine.postEvent(done.runId, { data: 1 })).rejects.toMatchObject({ code: 'INVALID_INPUT' });
    await expect(engine.postEvent(done.runId, { type: 'x' })).rejects.toMatchObject({ code: 'WORKFLOW_RUN_FINISHED' });
    await expect(engine.postEvent('nope', { type: 'x' })).rejects.toMatchObject({ code: 'WORKFLOW_RUN_NOT_FOUND' });
  });

  it('correlate: an expect from the input picks its own order; without one, the first event fixes the key for the rest', async () => {
    const { engine, journal } = setup();
    const running = engine.start(
      {
        document,
        do: [
          {
            paid: {
              listen: { to: { one: { with: { type: 'payment' }, correlate: { order: { from: '${ .data.orderId }', expect: '${ .orderId }' } } } } },
            },
          },
          {
            pair: {
              listen: {
                to: {
                  all: [
                    { with: { type: 'packed' }, correlate: { box: { from: '.data.box' } } },
                    { with: { type: 'shipped' }, correlate: { box: { from: '.data.box' } } },
                  ],
                },
              },
            },
          },
        ],
      },
      { runId: 'r', input: { orderId: 42 } },
    );
    await untilStored(journal, 'r');
    await engine.postEvent('r', { type: 'payment', data: { orderId: 41, amount: 1 } });
    await engine.postEvent('r', { type: 'payment', data: { orderId: 42, amount: 2 } });
    await engine.postEvent('r', { type: 'packed', data: { box: 'b-1' } });
    await engine.postEvent('r', { type: 'shipped', data: { box: 'b-2' } });
    await engine.postEvent('r', { type: 'shipped', data: { box: 'b-1', via: 'rail' } });
    expect(await running).toMatchObject({ status: 'completed', output: [{ box: 'b-1' }, { box: 'b-1', via: 'rail' }] });
    const consumed = (await journal.events('r')).filter((e) => e.type === 'event.consumed').map((e) => (e as { inboxSeq: number }).inboxSeq);
    // The 41 payment and the b-2 shipment were left for whoever wants them.
    expect(consumed).toEqual([2, 3, 5]);
  });

  it('validate checks a correlation has a from expression, and its jq', async () => {
    const { engine } = setup();
    const bad = (correlate: unknown) => ({ document, do: [{ l: { listen: { to: { one: { with: { type: 'x' }, correlate } } } } }] });
    await expect(engine.start(bad({ k: { expect: 1 } }))).rejects.toMatchObject({
      issues: [expect.objectContaining({ path: '/do/0/l/listen/to/one/correlate/k/from' })],
    });
    await expect(engine.start(bad({ k: { from: '.data | ]' } }))).rejects.toMatchObject({
      issues: [expect.objectContaining({ code: 'expression', path: '/do/0/l/listen/to/one/correlate/k/from' })],
    });
  });

  it('to.any: [] takes the first event of any kind; a string run is a structural error at its path', async () => {
    const { engine, journal } = setup();
    const running = engine.start({ document, do: [{ anything: { listen: { to: { any: [] } } } }] }, { runId: 'r' });
    await untilStored(journal, 'r');
    await engine.postEvent('r', { type: 'whatever', data: { n: 1 } });
    expect(await running).toMatchObject({ status: 'completed', output: { n: 1 } });
    await expect(engine.start({ document, do: [{ merge: { run: 'mergeResults' } }] })).rejects.toMatchObject({
      issues: expect.arrayContaining([expect.objectContaining({ code: 'structure', path: '/do/0/merge/run' })]),
    });
  });
});
