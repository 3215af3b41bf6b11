import { describe, expect, it } from 'vitest';
import type { ElicitationSchema } from '../../engine/elicitation.js';
import { checkElicitationAnswer, elicitationLimits } from './check-elicitation-answer.js';
import { checkElicitationSchema } from './check-elicitation-schema.js';

const form: ElicitationSchema = {
  type: 'object',
  properties: {
    name: { type: 'string', minLength: 2 },
    email: { type: 'string', format: 'email' },
    age: { type: 'integer', minimum: 1, maximum: 120 },
    agree: { type: 'boolean' },
    color: { type: 'string', enum: ['red', 'green'] },
    hero: { type: 'string', oneOf: [{ const: 'h1', title: 'Superman' }] },
    tools: { type: 'array', items: { type: 'string', enum: ['saw', 'drill'] }, maxItems: 1 },
  },
  required: ['name'],
};

describe('checkElicitationSchema', () => {
  it('accepts every field kind MCP allows, and drops $schema', () => {
    const checked = checkElicitationSchema({ $schema: 'https://json-schema.org/draft/2020-12/schema', ...form });
    expect(checked).toEqual({ ok: true, schema: form });
  });

  it('refuses nesting, unknown keywords and missing required fields, naming the path', () => {
    const nested = checkElicitationSchema({ type: 'object', properties: { address: { type: 'object', properties: {} } } });
    expect(nested).toMatchObject({ ok: false, issues: [{ path: 'requestedSchema.properties.address.type' }] });
    const unknown = checkElicitationSchema({ type: 'object', properties: { name: { type: 'string', pattern: '^a' } } });
    expect(unknown).toMatchObject({ ok: false, issues: [{ path: 'requestedSchema.properties.name', message: expect.stringContaining('pattern') }] });
    const required = checkElicitationSchema({ type: 'object', properties: {}, required: ['ghost'] });
    expect(required).toMatchObject({ ok: false, issues: [{ path: 'requestedSchema.required', message: "names 'ghost', which is not a field" }] });
    expect(checkElicitationSchema({ type: 'array' })).toMatchObject({ ok: false });
  });

  it('refuses a form past the bounds', () => {
    const properties = Object.fromEntries(Array.from({ length: elicitationLimits.fields + 1 }, (_, i) => [`f${i}`, { type: 'boolean' }]));
    expect(checkElicitationSchema({ type: 'object', properties })).toMatchObject({ ok: false, issues: [{ message: 'at most 50 fields' }] });
    const long = checkElicitationSchema({ type: 'object', properties: { a: { type: 'string', description: 'x'.repeat(elicitationLimits.textChars + 1) } } });
    expect(long.ok).toBe(false);
  });
});

describe('checkElicitationAnswer', () => {
  it('passes a matching answer, and decline or cancel without content', () => {
    const content = { name: 'Ann', email: 'ann@example.com', age: 30, agree: true, color: 'red', hero: 'h1', tools: ['saw'] };
    expect(checkElicitationAnswer(form, { action: 'accept', content })).toEqual([]);
    expect(checkElicitationAnswer(form, { action: 'decline' })).toEqual([]);
    expect(checkElicitationAnswer(form, { action: 'cancel' })).toEqual([]);
  });

  it('names each bad value', () => {
    const issues = checkElicitationAnswer(form, {
      action: 'accept',
      content: { email: 'nope', age: 2.5, agree: 'yes' as unknown as boolean, color: 'blue', tools: ['saw', 'drill'], extra: 'x' },
    });
    expect(issues).toEqual([
      { path: 'content.name', message: 'is required' },
      { path: 'content.email', message: 'must be an email address' },
      { path: 'content.age', message: 'must be an integer' },
      { path: 'content.agree', message: 'must be true or false' },
      { path: 'content.color', message: 'must be one of red, green' },
      { path: 'content.tools', message: 'takes at most 1 choices' },
      { path: 'content.extra', message: 'is not a field of the form' },
    ]);
  });

  it('wants content with accept and none otherwise', () => {
    expect(checkElicitationAnswer(form, { action: 'accept' })).toEqual([{ path: 'content.name', message: 'is required' }]);
    expect(checkElicitationAnswer({ type: 'object', properties: {} }, { action: 'accept' })).toEqual([]);
    expect(checkElicitationAnswer(form, { action: 'accept', content: [] as unknown as Record<string, string> })).toEqual([
      { path: 'content', message: 'an accepted answer needs content (an object)' },
    ]);
    expect(checkElicitationAnswer(form, { action: 'decline', content: { name: 'Ann' } })).toEqual([
      { path: 'content', message: 'must be absent when the action is decline' },
    ]);
    expect(checkElicitationAnswer(form, { action: 'maybe' as 'accept' })).toEqual([{ path: 'action', message: 'must be accept, decline or cancel' }]);
  });
});
