import { afterAll, describe, expect, it } from 'vitest';
import { JqEvaluator } from './jq-evaluator.js';
import { MemoryWorkflowJournal } from './memory-workflow-journal.js';
import { WorkflowEngine } from './workflow-engine.js';
import { fakeClock, scriptedHost } from './workflow-test-support.test-support.js';

const jq = new JqEvaluator();
const document = { dsl: '1.0.0', namespace: 'test', name: 'script', version: '1.0.0' };
const engine = new WorkflowEngine({ journal: new MemoryWorkflowJournal(), host: scriptedHost({}), jq, clock: fakeClock() });
afterAll(() => engine.close());

const script = (code: string, extra: Record<string, unknown> = {}, args: Record<string, unknown> = {}) => ({
  document,
  do: [{ js: { run: { script: { language: 'js', code, arguments: args }, ...extra } } }],
});

describe('run: script (js, QuickJS)', () => {
  it('binds the evaluated arguments as variables; the output is what console.log printed', async () => {
    const result = await engine.start(
      script('const sum = xs.reduce((a, b) => a + b, 0);\nconsole.log(greeting, sum);\nconsole.log({ sum });', {}, { xs: '${ .xs }', greeting: 'sum' }),
      {
        input: { xs: [1, 2, 3] },
      },
    );
    expect(result).toMatchObject({ status: 'completed', output: 'sum 6\n{"sum":6}' });
  });

  it('gives a DSL 1.0.3 list of arguments as argv (evaluated, strings)', async () => {
    const result = await engine.start(
      {
        document: { ...document, dsl: '1.0.3' },
        do: [{ js: { run: { script: { language: 'js', code: 'console.log(JSON.stringify(argv))', arguments: ['${ .word }', '${ .n }', 'plain'] } } } }],
      },
      { input: { word: 'hi', n: 2 } },
    );
    expect(result).toMatchObject({ status: 'completed', output: '["hi","2","plain"]' });
  });

  it('returns all, code or stderr as the run asks, and a throw is reported there', async () => {
    const all = await engine.start(script("console.error('warned'); throw new TypeError('bad');", { return: 'all' }));
    expect(all.output).toEqual({ code: 1, stdout: '', stderr: 'warned\nTypeError: bad' });
    const code = await engine.start(script("console.log('ok')", { return: 'code' }));
    expect(code.output).toBe(0);
  });

  it('faults on a throw (by default), on the time limit, and sees no host', async () => {
    const thrown = await engine.start(script("throw new Error('nope')"));
    expect(thrown).toMatchObject({ status: 'faulted', error: { instance: '/do/0/js', title: 'script threw', detail: 'Error: nope' } });
    // `process` is only the script's own `environment` (none here), not the host's.
    const hostless = await engine.start(script('console.log(typeof require, typeof fetch, typeof setTimeout, JSON.stringify(process))'));
    expect(hostless.output).toBe('undefined undefined undefined {"env":{}}');
    const spin = await engine.start(script('for (;;) {}'));
    expect(spin).toMatchObject({ status: 'faulted', error: { type: expect.stringContaining('/timeout'), instance: '/do/0/js' } });
  }, 20_000);

  it('refuses other languages and bad argument names at validation', async () => {
    const bad = { document, do: [{ py: { run: { script: { language: 'python', code: 'print(1)', arguments: { 'not-a-name': 1 } }, return: 'x' } } }] };
    await expect(engine.start(bad)).rejects.toMatchObject({
      code: 'WORKFLOW_INVALID',
      message: expect.stringMatching(/\/do\/0\/py\/run\/script\/language[\s\S]*arguments\/not-a-name[\s\S]*\/do\/0\/py\/run\/return/),
    });
  });

  it("a function declared as a script runs with the call's with as its input, checked against its input schema", async () => {
    const shout = {
      input: { schema: { format: 'json', document: { type: 'object', required: ['message'], properties: { message: { type: 'string' } } } } },
      run: { script: { language: 'js', code: 'console.log(message.toUpperCase())', arguments: { message: '${ .message }' } } },
    };
    const definition = (message: unknown) => ({ document, use: { functions: { shout } }, do: [{ say: { call: 'shout', with: { message } } }] });
    const result = await engine.start(definition('${ .text }'), { input: { text: 'hello' } });
    expect(result).toMatchObject({ status: 'completed', output: 'HELLO' });
    expect(result.tasks.map((t) => t.path)).toEqual(['/do/0/say', '/do/0/say/function']);
    const bad = await engine.start(definition(42));
    expect(bad).toMatchObject({ status: 'faulted', error: { status: 400, instance: '/do/0/say/function' } });
  });
});
