import { describe, expect, it } from 'vitest';
import { JqEvaluator } from './jq-evaluator.js';
import { MemoryWorkflowJournal } from './memory-workflow-journal.js';
import { validateWorkflow } from './validate-workflow.js';
import { WorkflowEngine } from './workflow-engine.js';
import { fakeClock, scriptedHost } from './workflow-test-support.test-support.js';

const jq = new JqEvaluator();
const document = { dsl: '1.0.0', namespace: 'test', name: 'schemas', version: '1.0.0' };
const validationType = 'https://serverlessworkflow.io/spec/1.0.0/errors/validation';
const orderSchema = { document: { type: 'object', required: ['qty'], properties: { qty: { type: 'integer', minimum: 1 } } } };

function setup() {
  const journal = new MemoryWorkflowJournal();
  return { journal, engine: new WorkflowEngine({ journal, host: scriptedHost({}), jq, clock: fakeClock() }) };
}

describe('input and output schemas', () => {
  it('refuses a workflow input that does not match input.schema before journaling anything', async () => {
    const { engine, journal } = setup();
    const definition = { document, input: { schema: orderSchema }, do: [{ echo: { set: { qty: '${ .qty }' } } }] };
    await expect(engine.start(definition, { input: { qty: 0 } })).rejects.toMatchObject({
      code: 'INVALID_INPUT',
      message: expect.stringMatching(/does not match input\.schema: \/qty: 0 is less than 1/),
    });
    expect(await journal.list()).toEqual([]);
    expect(await engine.start(definition, { input: { qty: 2 } })).toMatchObject({ status: 'completed', output: { qty: 2 } });
  });

  it('faults a task whose input (before input.from) or output (after output.as) breaks its schema', async () => {
    const { engine } = setup();
    const inputBad = await engine.start(
      { document, do: [{ take: { set: { ok: true }, input: { schema: orderSchema, from: '${ { qty: 5 } }' } } }] },
      { input: { qty: 'three' } },
    );
    expect(inputBad).toMatchObject({
      status: 'faulted',
      error: { type: validationType, status: 400, instance: '/do/0/take', title: 'the task input does not match its schema' },
    });
    const outputBad = await engine.start({
      document,
      do: [{ make: { set: { qty: 1 }, output: { as: '${ { qty: "one" } }', schema: orderSchema } } }, { never: { set: { reached: true } } }],
    });
    expect(outputBad).toMatchObject({ status: 'faulted', error: { instance: '/do/0/make', title: 'the task output does not match its schema' } });
    expect(outputBad.tasks.map((t) => `${t.name} ${t.status}`)).toEqual(['make faulted']);
  });

  it('checks the workflow output against output.schema', async () => {
    const { engine } = setup();
    const result = await engine.start({ document, output: { schema: orderSchema }, do: [{ make: { set: { qty: -1 } } }] });
    expect(result).toMatchObject({ status: 'faulted', error: { type: validationType, instance: '', title: 'the workflow output does not match its schema' } });
  });

  it('reports schemas agentbox cannot use at validation, with their paths', async () => {
    const result = await validateWorkflow(
      {
        document,
        do: [
          { a: { set: { x: 1 }, input: { schema: { format: 'avro', document: {} } } } },
          { b: { set: { x: 1 }, output: { schema: { resource: { endpoint: 'file:///etc/passwd' } } } } },
          { c: { set: { x: 1 }, output: { schema: { format: 'json:draft-07', document: { type: 'object' } } } } },
        ],
      },
      { jq },
    );
    expect(result.issues.filter((i) => i.code !== 'schema').map((i) => `${i.severity} ${i.code} ${i.path}`)).toEqual([
      'error unsupported /do/0/a/input/schema/format',
      'error structure /do/1/b/output/schema/resource/endpoint',
    ]);
  });
});
