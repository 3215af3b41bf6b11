import { describe, expect, it } from 'vitest';
import { workflowGraph } from './workflow-graph.js';

const document = { dsl: '1.0.0', namespace: 'test', name: 'g', version: '1.0.0' };

describe('workflowGraph', () => {
  it('draws tasks, composite tasks as subgraphs, switch cases and then: jumps', () => {
    const graph = workflowGraph({
      document,
      do: [
        { init: { set: { n: 0 } } },
        { check: { switch: [{ more: { when: '${ .n < 3 }', then: 'init' } }, { done: { then: 'end' } }] } },
        { both: { fork: { compete: true, branches: [{ a: { set: { x: '"q"' } } }, { b: { wait: 'PT1S' } }] } } },
      ],
    });
    expect(graph).toBe(
      [
        'flowchart TD',
        '  start(((start)))',
        '  finish(((end)))',
        '  t0["init<br/>set"]',
        '  t1["check<br/>switch"]',
        '  subgraph t2["both<br/>fork (compete)"]',
        '    t3["a<br/>set"]',
        '    t4["b<br/>wait"]',
        '  end',
        '  t0 --> t1',
        '  t1 -->|more: ${ .n < 3 }| t0',
        '  t1 -->|done| finish',
        '  t2 --> finish',
        '  start --> t0',
        '',
      ].join('\n'),
    );
  });

  it('escapes quotes and pipes in labels, and draws an empty workflow', () => {
    const graph = workflowGraph({ document, do: [{ 'say "hi"': { switch: [{ c: { when: '${ .a | length > 0 }', then: 'continue' } }] } }] });
    expect(graph).toContain('t0["say #quot;hi#quot;<br/>switch"]');
    expect(graph).toContain('t0 -->|c: ${ .a #124; length > 0 }| finish');
    expect(workflowGraph({ document, do: [] })).toContain('start --> finish');
  });
});
