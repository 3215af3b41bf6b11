import { describe, expect, it } from 'vitest';
import { JqEvaluator } from './jq-evaluator.js';
import { MemoryWorkflowJournal } from './memory-workflow-journal.js';
import { WorkflowEngine, type WorkflowEngineOptions } from './workflow-engine.js';
import { fakeClock, scriptedHost } from './workflow-test-support.test-support.js';

const jq = new JqEvaluator();
const document = { dsl: '1.0.0', namespace: 'test', name: 'w', version: '1.0.0' };

function engineWith(overrides: Partial<WorkflowEngineOptions> = {}) {
  const journal = new MemoryWorkflowJournal();
  const clock = fakeClock();
  const host = scriptedHost({
    double: (a) => Number(a.n) * 2,
    fail: () => {
      throw new Error('flaky');
    },
  });
  const engine = new WorkflowEngine({ journal, host, jq, clock, random: () => 0.5, ...overrides });
  return { engine, journal, clock, host };
}

describe('WorkflowEngine', () => {
  it('runs set with input.from, output.as and export.as, exposing $context', async () => {
    const { engine } = engineWith();
    const result = await engine.start(
      {
        document,
        do: [
          { a: { input: { from: '${ .order }' }, set: { qty: '${ .qty * 2 }' }, export: { as: '${ { seen: .qty } }' } } },
          { b: { set: { total: '${ .qty + $context.seen }', literal: 'plain text' }, output: { as: '${ .total }' } } },
        ],
      },
      { input: { order: { qty: 5 } } },
    );
    expect(result).toMatchObject({ status: 'completed', output: 20 });
    expect(result.tasks).toEqual([
      { path: '/do/0/a', name: 'a', status: 'completed' },
      { path: '/do/1/b', name: 'b', status: 'completed' },
    ]);
  });

  it('loops with switch and then:, skips a task whose if is false, and ends early', async () => {
    const { engine } = engineWith();
    const result = await engine.start({
      document,
      do: [
        { init: { set: { n: 0 } } },
        { inc: { set: { n: '${ .n + 1 }' } } },
        { check: { switch: [{ more: { when: '${ .n < 3 }', then: 'inc' } }, { stop: { then: 'end' } }] } },
        { never: { set: { n: -1 } } },
      ],
    });
    expect(result).toMatchObject({ status: 'completed', output: { n: 3 } });
    // One row per execution: the loop visited inc and check three times.
    expect(result.tasks.map((t) => t.path)).toEqual(['/do/0/init', '/do/1/inc', '/do/2/check', '/do/1/inc', '/do/2/check', '/do/1/inc', '/do/2/check']);
  });

  it('runs for sequentially (chained input) and in parallel (array of outputs), honouring while', async () => {
    const { engine } = engineWith();
    const sequential = await engine.start(
      {
        document,
        do: [{ sum: { for: { in: '${ .xs }', each: 'x' }, while: '${ $x < 4 }', do: [{ add: { set: { total: '${ .total + $x }' } } }] } }],
      },
      { input: { xs: [1, 2, 3, 4, 5], total: 0 } },
    );
    // set replaces its input: the chain carries `total` from iteration to iteration.
    expect(sequential.output).toEqual({ total: 6 });
    const parallel = await engine.start(
      {
        document,
        do: [
          {
            each: {
              for: { in: '${ .xs }' },
              metadata: { agentbox: { concurrency: 2 } },
              do: [{ d: { call: 'tool', with: { name: 'double', arguments: { n: '${ $item }' } } } }],
            },
          },
        ],
      },
      { input: { xs: [1, 2, 3] } },
    );
    expect(parallel.output).toEqual([2, 4, 6]);
    expect(parallel.tasks.filter((t) => t.name === 'd')).toHaveLength(3);
  });

  it('raises an RFC 7807 error whose instance is the task path', async () => {
    const { engine } = engineWith();
    const result = await engine.start(
      {
        document,
        do: [
          {
            group: {
              do: [
                { check: { raise: { error: { type: 'https://example.com/out-of-stock', status: 409, title: 'Out of stock', detail: '${ "sku " + .sku }' } } } },
              ],
            },
          },
        ],
      },
      { input: { sku: 'A1' } },
    );
    expect(result.status).toBe('faulted');
    expect(result.error).toEqual({
      type: 'https://example.com/out-of-stock',
      status: 409,
      title: 'Out of stock',
      detail: 'sku A1',
      instance: '/do/0/group/do/0/check',
    });
    expect(result.tasks.map((t) => t.status)).toEqual(['faulted', 'faulted']);
  });

  it('faults with the jq error and the task path when an expression fails at run time', async () => {
    const { engine } = engineWith();
    const result = await engine.start({ document, do: [{ calc: { set: { x: '${ .a | error("no way") }' } } }] });
    expect(result.error).toMatchObject({ type: 'https://serverlessworkflow.io/spec/1.0.0/errors/expression', status: 400, instance: '/do/0/calc' });
    expect(result.error?.detail).toMatch(/no way/);
  });

  it('retries with exponential backoff on the injected clock, then runs catch.do', async () => {
    const { engine, clock, host } = engineWith();
    const result = await engine.start({
      document,
      do: [
        {
          guard: {
            try: [{ flaky: { call: 'tool', with: { name: 'fail' } } }],
            catch: {
              errors: { with: { status: 500 } },
              retry: {
                delay: { seconds: 1 },
                backoff: { exponential: {} },
                limit: { attempt: { count: 3 } },
                jitter: { from: { milliseconds: 0 }, to: { milliseconds: 100 } },
              },
              do: [{ fallback: { set: { recovered: '${ $error.detail }' } } }],
            },
          },
        },
      ],
    });
    expect(clock.slept).toEqual([1050, 2050, 4050]);
    expect(host.calls).toHaveLength(4);
    // One idempotency key for all attempts of the task.
    expect(new Set(host.calls.map((c) => c.key)).size).toBe(1);
    expect(result).toMatchObject({ status: 'completed', output: { recovered: 'flaky' } });
  });

  it('lets an unmatched error through a try', async () => {
    const { engine } = engineWith();
    const result = await engine.start({
      document,
      do: [{ guard: { try: [{ boom: { raise: { error: { type: 'https://example.com/x', status: 400 } } } }], catch: { errors: { with: { status: 500 } } } } }],
    });
    expect(result.status).toBe('faulted');
    expect(result.error?.instance).toBe('/do/0/guard/try/0/boom');
  });

  it('refuses an invalid workflow before journaling anything', async () => {
    const { engine, journal } = engineWith();
    await expect(engine.start({ document, do: [{ x: { call: 'grpc' } }] })).rejects.toMatchObject({
      code: 'WORKFLOW_INVALID',
      message: expect.stringContaining('/do/0/x/call'),
    });
    expect(await journal.list()).toEqual([]);
  });

  it('resumes after a crash without running finished tasks again, and refuses a second holder', async () => {
    const journal = new MemoryWorkflowJournal();
    const clock = fakeClock();
    const definition = {
      document,
      do: [
        { one: { call: 'tool', with: { name: 'double', arguments: { n: 1 } } } },
        { two: { call: 'tool', with: { name: 'double', arguments: { n: 2 } } } },
        { three: { call: 'tool', with: { name: 'double', arguments: { n: 3 } } } },
      ],
    };
    // The first process dies inside task two's call.
    const crashing = scriptedHost({ double: (a) => (a.n === 2 ? new Promise(() => {}) : Number(a.n) * 2) });
    const first = new WorkflowEngine({ journal, host: crashing, jq, clock, holder: 'p1', leaseTtlMs: 10_000 });
    void first.start(definition, { runId: 'r1' });
    await new Promise((r) => setTimeout(r, 50));
    const host = scriptedHost({ double: (a) => Number(a.n) * 2 });
    const second = new WorkflowEngine({ journal, host, jq, clock, holder: 'p2', leaseTtlMs: 10_000 });
    await expect(second.resume('r1')).rejects.toMatchObject({ code: 'WORKFLOW_RUN_BUSY' });
    clock.advance(10_001);
    const result = await second.resume('r1');
    expect(result).toMatchObject({ status: 'completed', output: 6 });
    expect(host.calls.map((c) => c.key)).toEqual(['r1:/do/1/two', 'r1:/do/2/three']);
    expect(crashing.calls.map((c) => c.key)).toEqual(['r1:/do/0/one', 'r1:/do/1/two']);
    expect(result.tasks.map((t) => t.name)).toEqual(['one', 'two', 'three']);
    await expect(second.resume('nope')).rejects.toMatchObject({ code: 'WORKFLOW_RUN_NOT_FOUND' });
  });

  it('fails loudly when the journal cannot be written', async () => {
    const journal = new MemoryWorkflowJournal();
    journal.append = async () => {
      throw new Error('disk full');
    };
    const { engine } = engineWith({ journal });
    await expect(
      engine.start({ document, do: [{ a: { set: { x: 1 } } }, { b: { call: 'tool', with: { name: 'double', arguments: { n: 1 } } } }] }),
    ).rejects.toMatchObject({ code: 'STORE_FAILED' });
  });

  it('announces a run to onEvent only once it is stored', async () => {
    const journal = new MemoryWorkflowJournal();
    journal.create = async () => {
      throw new Error('disk full');
    };
    const heard: string[] = [];
    const { engine } = engineWith({ journal, onEvent: (e) => heard.push(e.type) });
    await expect(engine.start({ document, do: [{ a: { set: { x: 1 } } }] })).rejects.toThrow('disk full');
    expect(heard).toEqual([]);
    const stored = engineWith({ onEvent: (e) => heard.push(e.type) });
    await stored.engine.start({ document, do: [{ a: { set: { x: 1 } } }] });
    expect(heard).toEqual(['run.started', 'task.started', 'task.completed', 'run.completed']);
  });

  it('tells the tasks of each for iteration apart by their key', async () => {
    const { engine } = engineWith();
    const result = await engine.start({ document, do: [{ each: { for: { in: '${ [1, 2] }', each: 'n' }, do: [{ sq: { set: { v: '${ $n * $n }' } } }] } }] });
    expect(result.tasks).toEqual([
      { path: '/do/0/each', name: 'each', status: 'completed' },
      { path: '/do/0/each/do/0/sq', key: '/do/0/each/do/0/sq[0]', name: 'sq', status: 'completed' },
      { path: '/do/0/each/do/0/sq', key: '/do/0/each/do/0/sq[1]', name: 'sq', status: 'completed' },
    ]);
  });

  it('waits for what is left of a wait after a resume', async () => {
    const { engine, clock } = engineWith();
    const result = await engine.start({ document, do: [{ pause: { wait: 'PT1M30S' } }, { pause2: { wait: { seconds: 2 } } }] });
    expect(result.status).toBe('completed');
    expect(clock.slept).toEqual([90_000, 2000]);
  });
});

describe('replay', () => {
  it('restores $context changed inside a finished composite task', async () => {
    const journal = new MemoryWorkflowJournal();
    const clock = fakeClock();
    const definition = {
      document,
      do: [
        { group: { do: [{ inner: { set: { touched: true }, export: { as: '${ { seen: true } }' } } }] } },
        { slow: { call: 'tool', with: { name: 'double', arguments: { n: 1 } } } },
        { out: { set: '${ $context }' } },
      ],
    };
    const hanging = scriptedHost({ double: () => new Promise(() => {}) });
    void new WorkflowEngine({ journal, host: hanging, jq, clock, holder: 'a' }).start(definition, { runId: 'r' });
    await new Promise((r) => setTimeout(r, 50));
    clock.advance(60_000);
    const result = await new WorkflowEngine({ journal, host: scriptedHost({ double: () => 2 }), jq, clock, holder: 'b' }).resume('r');
    expect(result.output).toEqual({ seen: true });
  });
});
