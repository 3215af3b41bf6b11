import { describe, expect, it } from 'vitest';
import { JqEvaluator } from './jq-evaluator.js';
import { validateWorkflow } from './validate-workflow.js';

const jq = new JqEvaluator();
const doc = { dsl: '1.0.0', namespace: 'test', name: 'w', version: '1.0.0' };
const errorsOf = async (workflow: unknown) => {
  const result = await validateWorkflow(workflow, { jq });
  return result.issues.filter((i) => i.severity === 'error').map((i) => `${i.code} ${i.path}`);
};

describe('validateWorkflow', () => {
  it('accepts a valid workflow with nested tasks, loops and catches', async () => {
    const result = await validateWorkflow(
      {
        document: doc,
        use: { functions: { greet: { call: 'tool', with: { name: 'echo' } } } },
        do: [
          { first: { set: { n: '${ .n + 1 }' } } },
          { loop: { for: { in: '${ .items }', each: 'it' }, while: '${ $index < 3 }', do: [{ inner: { set: { v: '${ $it }' } } }] } },
          { guard: { try: [{ call1: { call: 'greet' } }], catch: { as: 'e', when: '${ $e.status == 500 }', do: [{ h: { set: { s: '${ $e.status }' } } }] } } },
          { decide: { switch: [{ again: { when: '${ .n < 3 }', then: 'first' } }, { done: { then: 'end' } }] } },
        ],
      },
      { jq },
    );
    expect(result.issues).toEqual([]);
    expect(result.ok).toBe(true);
  });

  it('names the task path of every error', async () => {
    expect(
      await errorsOf({
        document: doc,
        do: [
          { ship: { run: { container: { image: 'alpine' } } } },
          { sh: { run: { shell: { command: 'ls' } } } },
          { rpc: { call: 'grpc', with: {} } },
          { fetchPet: { call: 'nosuch' } },
          { jump: { set: { a: 1 }, then: 'nowhere' } },
          { bad: { set: { a: '${ .a + }' } } },
          { undefinedVar: { set: { a: '${ $item }' } } },
        ],
      }),
    ).toEqual([
      'unsupported /do/0/ship/run/container',
      'unsupported /do/1/sh/run/shell',
      'unsupported /do/2/rpc/call',
      'unknown-function /do/3/fetchPet/call',
      'unknown-target /do/4/jump/then',
      'expression /do/5/bad/set/a',
      'expression /do/6/undefinedVar/set/a',
    ]);
  });

  it('says what is wrong with a jq expression', async () => {
    const result = await validateWorkflow({ document: doc, do: [{ x: { set: { a: '${ .a + }' } } }] }, { jq });
    expect(result.issues[0]?.message).toMatch(/bad jq expression: syntax error/);
    const undefinedVar = await validateWorkflow({ document: doc, do: [{ x: { set: { a: '${ $nope }' } } }] }, { jq });
    expect(undefinedVar.issues[0]?.message).toMatch(/\$nope is not defined/);
  });

  it('reports a missing document and a task with no kind', async () => {
    expect(await errorsOf({ do: [{ x: { foo: 1 } }] })).toEqual(['structure /document', 'structure /do/0/x']);
    expect(await errorsOf({ document: { ...doc, dsl: '0.8' }, do: [] })).toEqual(['unsupported /document/dsl']);
  });

  it('warns about valid kinds this version does not run yet, without failing', async () => {
    const result = await validateWorkflow(
      {
        document: doc,
        schedule: { every: { minutes: 5 } },
        use: { extensions: [{ logging: { extend: 'all', before: [{ log: { set: { at: 'start' } } }] } }] },
        do: [{ h: { set: { ok: true } } }],
      },
      { jq },
    );
    expect(result.ok).toBe(true);
    expect(result.issues.map((i) => `${i.severity} ${i.path}`)).toEqual(['warning /schedule', 'warning /use/extensions']);
  });
});
