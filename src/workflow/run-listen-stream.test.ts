import { describe, expect, it } from 'vitest';
import { AgentboxError } from '../errors/agentbox-error.js';
import { JqEvaluator } from './jq-evaluator.js';
import { MemoryWorkflowJournal } from './memory-workflow-journal.js';
import { WorkflowEngine } from './workflow-engine.js';
import { fakeClock, scriptedHost } from './workflow-test-support.test-support.js';

const jq = new JqEvaluator();
const document = { dsl: '1.0.0', namespace: 'test', name: 'listen-stream', version: '1.0.0' };

async function untilStored(journal: MemoryWorkflowJournal, runId: string): Promise<void> {
  while (!(await journal.get(runId))) await new Promise((r) => setTimeout(r, 5));
}

async function untilEvent(journal: MemoryWorkflowJournal, runId: string, found: (e: Record<string, unknown>) => boolean): Promise<void> {
  while (!(await journal.events(runId)).some((e) => found(e as unknown as Record<string, unknown>))) await new Promise((r) => setTimeout(r, 10));
}

function setup() {
  const journal = new MemoryWorkflowJournal();
  return { journal, engine: new WorkflowEngine({ journal, host: scriptedHost({}), jq, clock: fakeClock() }) };
}

describe('listen to a stream (to.any with until, foreach)', () => {
  it('until a condition on the taken list: takes matching events in order and leaves the rest for the next listen', async () => {
    const { engine, journal } = setup();
    const running = engine.start(
      {
        document,
        do: [
          { readings: { listen: { to: { any: [{ with: { type: 'reading' } }], until: '( . | length ) >= 3' } } } },
          { next: { listen: { to: { one: { with: { type: 'reading' } } } }, output: { as: '${ { taken: $input, next: . } }' } } },
        ],
      },
      { runId: 'r' },
    );
    await untilStored(journal, 'r');
    await engine.postEvent('r', { type: 'noise', data: 0 });
    for (const n of [1, 2, 3, 4]) await engine.postEvent('r', { type: 'reading', data: n });
    expect(await running).toMatchObject({ status: 'completed', output: { taken: [1, 2, 3], next: 4 } });
  });

  it('until a consumption: expressions filter the data, the ending event is not in the output', async () => {
    const { engine, journal } = setup();
    const running = engine.start(
      {
        document,
        do: [
          {
            callDoctor: {
              listen: {
                to: {
                  any: [
                    { with: { type: 'vitals.temperature', data: '${ .temperature > 38 }' } },
                    { with: { type: 'vitals.bpm', data: '${ .bpm < 60 or .bpm > 100 }' } },
                  ],
                  until: { one: { with: { type: 'patient.checked-out' } } },
                },
              },
            },
          },
        ],
      },
      { runId: 'r' },
    );
    await untilStored(journal, 'r');
    await engine.postEvent('r', { type: 'vitals.bpm', data: { bpm: 80 } });
    await engine.postEvent('r', { type: 'vitals.temperature', data: { temperature: 39.5 } });
    await engine.postEvent('r', { type: 'vitals.temperature', data: { temperature: 37 } });
    await engine.postEvent('r', { type: 'vitals.bpm', data: { bpm: 130 } });
    await engine.postEvent('r', { type: 'patient.checked-out', data: { at: 'noon' } });
    expect(await running).toMatchObject({ status: 'completed', output: [{ temperature: 39.5 }, { bpm: 130 }] });
    const consumed = (await journal.events('r')).filter((e) => e.type === 'event.consumed').map((e) => (e as { inboxSeq: number }).inboxSeq);
    expect(consumed).toEqual([2, 4, 5]);
  });

  it('foreach runs its tasks for each event, with the item and index names, and output.as shapes each entry', async () => {
    const { engine, journal } = setup();
    const running = engine.start(
      {
        document,
        do: [
          {
            gossip: {
              listen: { to: { any: [], until: '( . | length ) == 2' } },
              foreach: {
                item: 'event',
                at: 'i',
                do: [{ note: { set: { n: '${ $event.n * 10 }', at: '${ $i }' } } }],
                output: { as: '${ "\\(.at):\\(.n)" }' },
                export: { as: '${ { seen: (($context.seen // []) + [ . ]) } }' },
              },
            },
          },
          { after: { set: { seen: '${ $context.seen }', out: '${ . }' } } },
        ],
      },
      { runId: 'r' },
    );
    await untilStored(journal, 'r');
    await engine.postEvent('r', { type: 'a', data: { n: 1 } });
    await engine.postEvent('r', { type: 'b', data: { n: 2 } });
    const result = await running;
    expect(result).toMatchObject({ status: 'completed', output: { out: ['0:10', '1:20'], seen: ['0:10', '1:20'] } });
    expect(result.tasks.map((t) => t.path)).toEqual(['/do/0/gossip', '/do/0/gossip/foreach/do/0/note', '/do/0/gossip/foreach/do/0/note', '/do/1/after']);
  });

  it('foreach over to.one and to.all lists every taken event (all in filter order)', async () => {
    const { engine, journal } = setup();
    const running = engine.start(
      {
        document,
        do: [
          {
            pair: {
              listen: { to: { all: [{ with: { type: 'a' } }, { with: { type: 'b' } }] } },
              foreach: { do: [{ twice: { set: { v: '${ $item.v * 2 }', index: '${ $index }' } } }], output: { as: '${ . }' } },
            },
          },
        ],
      },
      { runId: 'r' },
    );
    await untilStored(journal, 'r');
    await engine.postEvent('r', { type: 'b', data: { v: 5 } });
    await engine.postEvent('r', { type: 'a', data: { v: 1 } });
    expect(await running).toMatchObject({
      status: 'completed',
      output: [
        { v: 2, index: 0 },
        { v: 10, index: 1 },
      ],
    });
  });

  it('attributes match as regular expressions and as expressions on the attribute', async () => {
    const { engine, journal } = setup();
    const running = engine.start(
      { document, do: [{ one: { listen: { to: { one: { with: { type: 'com\\.acme\\.order\\..+', source: '${ startswith("https://shop.") }' } } } } } }] },
      { runId: 'r' },
    );
    await untilStored(journal, 'r');
    await engine.postEvent('r', { type: 'com.acme.order.placed', source: 'https://evil.example', data: 1 });
    await engine.postEvent('r', { type: 'comXacme.order.placed', source: 'https://shop.acme', data: 2 });
    await engine.postEvent('r', { type: 'com.acme.order.placed', source: 'https://shop.acme', data: 3 });
    expect(await running).toMatchObject({ status: 'completed', output: 3 });
  });

  it('a stream interrupted by a restart takes the same events again and does not rerun finished iterations', async () => {
    const journal = new MemoryWorkflowJournal();
    const clock = fakeClock();
    const definition = {
      document,
      do: [
        {
          orders: {
            listen: { to: { any: [{ with: { type: 'order' } }], until: '( . | length ) == 2' } },
            foreach: { do: [{ bill: { call: 'tool', with: { name: 'bill', arguments: { n: '${ $item.n }' } } } }], output: { as: '${ . }' } },
          },
        },
      ],
    };
    const stop = new AbortController();
    const first = scriptedHost({ bill: (args) => `billed ${args.n}` });
    const firstRun = new WorkflowEngine({ journal, host: first, jq, clock, holder: 'p1', leaseTtlMs: 1000 }).start(definition, {
      runId: 'r',
      signal: stop.signal,
    });
    await untilStored(journal, 'r');
    const engine = new WorkflowEngine({ journal, host: scriptedHost({}), jq, clock });
    await engine.postEvent('r', { type: 'order', data: { n: 1 } });
    await untilEvent(journal, 'r', (e) => e.type === 'task.completed' && String(e.key).includes('/foreach/do/0/bill'));
    // As a process that stops suspends its runs: they stay `running`, resumable.
    stop.abort(new AgentboxError('WORKFLOW_RUN_BUSY', 'the process is stopping'));
    await firstRun.catch(() => undefined);
    await engine.postEvent('r', { type: 'order', data: { n: 2 } });
    clock.advance(1001);
    const host = scriptedHost({ bill: (args) => `billed again ${args.n}` });
    const result = await new WorkflowEngine({ journal, host, jq, clock, holder: 'p2' }).resume('r');
    expect(result).toMatchObject({ status: 'completed', output: ['billed 1', 'billed again 2'] });
    expect(first.calls.map((c) => c.key)).toEqual(['r:/do/0/orders/foreach/do/0/bill[0]']);
    expect(host.calls.map((c) => c.key)).toEqual(['r:/do/0/orders/foreach/do/0/bill[1]']);
  });

  it('validation: until beside any only, no until inside until, foreach names and its jq, each at its path', async () => {
    const { engine } = setup();
    const issuesOf = async (task: unknown): Promise<Array<{ code: string; path: string }>> => {
      const error = await engine.start({ document, do: [{ l: task }] }).then(
        () => undefined,
        (e: unknown) => e,
      );
      return ((error as { issues?: Array<{ code: string; path: string }> })?.issues ?? []).map(({ code, path }) => ({ code, path }));
    };
    expect(await issuesOf({ listen: { to: { one: { with: { type: 'x' } }, until: 'true' } } })).toEqual([
      { code: 'structure', path: '/do/0/l/listen/to/until' },
    ]);
    expect(await issuesOf({ listen: { to: { any: [], until: { any: [], until: 'true' } } } })).toEqual([
      { code: 'structure', path: '/do/0/l/listen/to/until/until' },
    ]);
    expect(await issuesOf({ listen: { to: { any: [], until: '( . | length' } } })).toEqual([{ code: 'expression', path: '/do/0/l/listen/to/until' }]);
    expect(await issuesOf({ listen: { to: { any: [{ with: { data: '${ .a | ] }' } }] } } })).toEqual([
      { code: 'expression', path: '/do/0/l/listen/to/any/0/with/data' },
    ]);
    expect(await issuesOf({ listen: { to: { any: [] } }, foreach: { item: 'not a name', do: [{ x: { set: { y: '${ $nope }' } } }] } })).toEqual(
      expect.arrayContaining([
        { code: 'structure', path: '/do/0/l/foreach/item' },
        { code: 'expression', path: '/do/0/l/foreach/do/0/x/set/y' },
      ]),
    );
  });
});
