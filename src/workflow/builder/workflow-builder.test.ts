import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { JqEvaluator } from '../jq-evaluator.js';
import { MemoryWorkflowJournal } from '../memory-workflow-journal.js';
import { validateWorkflow } from '../validate-workflow.js';
import { WorkflowEngine } from '../workflow-engine.js';
import { fakeClock, scriptedHost } from '../workflow-test-support.test-support.js';
import { task } from './tasks.js';
import { workflow } from './workflow-builder.js';

const example = (name: string): unknown => parse(readFileSync(new URL(`../../../examples/workflows/${name}.yaml`, import.meta.url), 'utf8'));

describe('workflow builder', () => {
  it('builds the same definition as the written batch-summaries example', () => {
    const built = workflow({ namespace: 'examples', name: 'batch-summaries', version: '1.0.0' })
      .do(
        'each',
        task.for({ in: '${ .texts }', each: 'text', concurrency: 4 }, (list) =>
          list.do('summarize', task.llm({ prompt: '${ "Summarize in one sentence: " + $text }' })),
        ),
      )
      .do(
        'count',
        task.script(
          'const words = summaries.map((s) => s.split(/\\s+/).filter(Boolean).length);\nconsole.log(JSON.stringify({ summaries, words }));\n',
          { summaries: '${ [ .[].content ] }' },
          { output: { as: '${ fromjson }' } },
        ),
      )
      .build();
    expect(built).toEqual(example('batch-summaries'));
  });

  it('builds the approval-gated example, switch cases in order', () => {
    const built = workflow({ namespace: 'examples', name: 'approval-gated', version: '1.0.0' })
      .do('draft', task.llm({ prompt: '${ "Write a two-line announcement of " + .subject }' }, { export: { as: '${ { draft: .content } }' } }))
      .do('approval', task.listen({ one: { with: { type: 'approval' } } }))
      .do('decide', task.switch({ approved: { when: '${ .approved == true }', then: 'publish' }, rejected: { then: 'rejected' } }))
      .do('publish', task.set({ published: '${ $context.draft }' }, { then: 'end' }))
      .do('rejected', task.set({ published: null, reason: '${ .reason // "not approved" }' }))
      .build();
    expect(built).toEqual(example('approval-gated'));
  });

  it('runs what it builds: try/retry, fork, a tool call and declared functions', async () => {
    let attempts = 0;
    const host = scriptedHost({
      flaky: () => {
        attempts += 1;
        if (attempts < 2) throw new Error('not yet');
        return { ok: true };
      },
    });
    const definition = workflow({ namespace: 't', name: 'built', version: '1.0.0' })
      .function('double', task.call('tool', { name: 'flaky', arguments: {} }))
      .do(
        'guarded',
        task.try((l) => l.do('call', task.call('double')), {
          errors: { with: { status: 500 } },
          retry: { delay: { milliseconds: 10 }, limit: { attempt: { count: 3 } } },
        }),
      )
      .do(
        'both',
        task.fork((l) => l.do('a', task.set({ a: 1 })).do('b', task.set({ b: 2 }))),
      )
      .do('merged', task.set('${ .[0] + .[1] }'))
      .build();
    const checked = await validateWorkflow(definition, { jq: new JqEvaluator() });
    expect(checked.issues).toEqual([]);
    const engine = new WorkflowEngine({ journal: new MemoryWorkflowJournal(), host, clock: fakeClock() });
    const result = await engine.start(definition);
    expect(result.error).toBeUndefined();
    expect(result).toMatchObject({ status: 'completed', output: { a: 1, b: 2 } });
    expect(attempts).toBe(2);
  });

  it('refuses two tasks of one name in a list, and each build is a fresh copy', () => {
    const builder = workflow({ namespace: 't', name: 'dup', version: '1.0.0' }).do('a', task.set({ x: 1 }));
    expect(() => builder.do('a', task.set({ x: 2 }))).toThrow(/two tasks are named 'a'/);
    const first = builder.build();
    builder.do('b', task.wait({ seconds: 1 }));
    expect(first.do).toHaveLength(1);
    expect(builder.build().do).toHaveLength(2);
    (first.do[0] as { a: { set: Record<string, unknown> } }).a.set.x = 99;
    expect(builder.build().do[0]).toEqual({ a: { set: { x: 1 } } });
  });
});
