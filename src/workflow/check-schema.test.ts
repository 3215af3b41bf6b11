import { readdirSync, readFileSync } from 'node:fs';
import { parseAllDocuments } from 'yaml';
import { describe, expect, it } from 'vitest';
import { checkSchema } from './check-schema.js';
import { JqEvaluator } from './jq-evaluator.js';
import { validateWorkflow } from './validate-workflow.js';

const jq = new JqEvaluator();
const dir = (path: string) => new URL(`../../${path}/`, import.meta.url);
const documentsIn = (path: string): Array<[string, Record<string, unknown>]> =>
  readdirSync(dir(path))
    .filter((f) => f.endsWith('.yaml'))
    .flatMap((f) => parseAllDocuments(readFileSync(new URL(f, dir(path)), 'utf8')).map((d, i): [string, Record<string, unknown>] => [`${f}#${i}`, d.toJS()]));
const doc = { dsl: '1.0.0', namespace: 't', name: 'schema', version: '1.0.0' };

describe('the official schema', () => {
  it.each(documentsIn('test/fixtures/workflows/spec'))('accepts the spec-style example %s', async (_name, definition) => {
    expect(await checkSchema(definition)).toEqual([]);
  });

  it.each([
    ...documentsIn('examples/workflows'),
    ...documentsIn('test/fixtures/workflows/composite'),
    ...documentsIn('test/fixtures/workflows/kill-composite'),
  ])('accepts our own workflow %s', async (_name, definition) => {
    expect(await checkSchema(definition)).toEqual([]);
  });

  it('runs agentbox and the spec together: spec examples are valid except the kinds agentbox refuses', async () => {
    for (const [name, definition] of documentsIn('test/fixtures/workflows/spec')) {
      const result = await validateWorkflow(definition, { jq });
      const errors = result.issues.filter((i) => i.severity === 'error').map((i) => `${i.code} ${i.path}`);
      expect({ name, errors }).toEqual({ name, errors: name.startsWith('refused-container') ? ['unsupported /do/0/runContainer/run/container'] : [] });
    }
  });

  it('names an unknown key at its task, once, instead of every task kind it is not', async () => {
    const result = await validateWorkflow({ document: doc, do: [{ a: { set: { x: 1 } } }, { b: { set: { x: 1 }, metdata: { note: 1 } } }] }, { jq });
    expect(result.ok).toBe(false);
    expect(result.issues).toEqual([
      {
        code: 'schema',
        severity: 'error',
        path: '/do/1/b',
        message: "unknown field `metdata` (the official schema allows no other keys here; agentbox's own settings go under `metadata`)",
      },
    ]);
  });

  it('reports a wrong value deep in a task with its path (the schema stops at the first task it rejects)', async () => {
    const result = await validateWorkflow(
      { document: doc, do: [{ boom: { raise: { error: { type: 'not a uri', status: 400 } } } }, { p: { wait: { seconds: 'soon' } } }] },
      { jq },
    );
    expect(result.issues.map((i) => `${i.code} ${i.path}`)).toEqual(['schema /do/0/boom/raise/error/type']);
    expect(result.issues[0]?.message).toMatch(/must match pattern/);
  });

  it('checks a 1.0.0 script’s map of arguments as 1.0.0 defined it, and a 1.0.3 list as argv', async () => {
    const script = (args: unknown) => ({ run: { script: { language: 'js', code: 'console.log(1)', arguments: args } } });
    expect(await checkSchema({ document: doc, do: [{ s: script({ a: 1 }) }] })).toEqual([]);
    expect(await checkSchema({ document: { ...doc, dsl: '1.0.3' }, do: [{ s: script(['x']) }] })).toEqual([]);
    const mapIn103 = await checkSchema({ document: { ...doc, dsl: '1.0.3' }, do: [{ s: script({ a: 1 }) }] });
    expect(mapIn103.map((i) => i.path)).toEqual(['/do/0/s/run/script/arguments']);
  });
});
