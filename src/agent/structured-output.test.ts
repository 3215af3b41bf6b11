import { describe, expect, it } from 'vitest';
import { checkOutput, isStrictCompatible, planOutput } from './structured-output.js';

const closed = { type: 'object', properties: { a: { type: 'string' } }, required: ['a'], additionalProperties: false };

describe('isStrictCompatible', () => {
  it.each([
    ['a closed object with every property required', closed, true],
    ['an optional property', { ...closed, properties: { a: { type: 'string' }, b: { type: 'number' } } }, false],
    ['an open object', { ...closed, additionalProperties: true }, false],
    ['an open nested object', { ...closed, properties: { a: { type: 'object', properties: {} } } }, false],
    ['a closed nested array of objects', { ...closed, properties: { a: { type: 'array', items: closed } } }, true],
  ])('%s → %s', (_what, schema, expected) => {
    expect(isStrictCompatible(schema)).toBe(expected);
  });
});

describe('checkOutput', () => {
  const plan = planOutput({ schema: closed, name: 'my answer!' }, 'tool');

  it('names the format and the answer tool safely', () => {
    expect(plan).toMatchObject({ name: 'my_answer_', toolName: 'final_my_answer_' });
  });

  it('parses a valid answer, also inside a ```json fence', () => {
    expect(checkOutput(plan, '{"a":"x"}')).toEqual({ ok: true, value: { a: 'x' } });
    expect(checkOutput(plan, '```json\n{"a":"x"}\n```')).toEqual({ ok: true, value: { a: 'x' } });
  });

  it('reports text that is not JSON at the root, and a wrong field by its path', () => {
    expect(checkOutput(plan, 'sure!')).toMatchObject({ ok: false, issues: [{ path: '', message: expect.stringMatching(/^is not JSON/) }] });
    expect(checkOutput(plan, '{"a":1}')).toMatchObject({ ok: false, issues: [{ path: 'a', message: expect.stringContaining('"string"') }] });
  });
});
