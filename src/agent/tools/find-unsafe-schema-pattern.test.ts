import { describe, it, expect } from 'vitest';
import { AgentboxError } from '../../errors/agentbox-error.js';
import { findUnsafeSchemaPattern, hasNestedQuantifier } from './find-unsafe-schema-pattern.js';
import { defineTool } from './tool.js';
import { ToolRegistry } from './tool-registry.js';

describe('hasNestedQuantifier', () => {
  it.each(['^(a+)+$', '(a*)*', '(\\w+\\s?)*$', '^([a-z]+)*@', '((ab)+c)+', '(?:x+y)+', '((a+))+', '(a{2,})+', '(a+){3,}', '(.*a){1,}', '([^"]+)*', '((a+)?)*'])(
    'flags %s',
    (pattern) => {
      expect(hasNestedQuantifier(pattern)).toBe(true);
    },
  );

  it.each([
    '^[a-z0-9_-]+$',
    '^\\d{4}-\\d{2}-\\d{2}$',
    '^(foo|bar)+$',
    '(ab)+',
    '^(\\+|-)?\\d+$',
    '[(+)]+',
    '\\(a+\\)+',
    '(a+){2}',
    '(a?)+',
    '^(?:[A-Z]{2})*$',
    '\\u{1F600}+',
  ])('accepts %s', (pattern) => {
    expect(hasNestedQuantifier(pattern)).toBe(false);
  });
});

describe('findUnsafeSchemaPattern', () => {
  it('looks into nested schemas and patternProperties', () => {
    expect(findUnsafeSchemaPattern({ type: 'object', properties: { a: { type: 'array', items: [{ type: 'string', pattern: '(x+)+' }] } } })).toEqual({
      path: '#/properties/a/items/0/pattern',
      pattern: '(x+)+',
    });
    expect(findUnsafeSchemaPattern({ type: 'object', patternProperties: { '^(k+)+$': {} } })).toMatchObject({ pattern: '^(k+)+$' });
    expect(findUnsafeSchemaPattern({ type: 'object', properties: { s: { type: 'string', pattern: '^[a-z]+$' } } })).toBeUndefined();
  });

  it('survives a schema that refers to itself', () => {
    const schema: Record<string, unknown> = { type: 'object' };
    schema.properties = { self: schema };
    expect(findUnsafeSchemaPattern(schema)).toBeUndefined();
  });
});

describe('a tool with a catastrophic pattern', () => {
  const redos = defineTool({
    name: 'redos',
    description: 'a manifest an attacker wrote',
    parameters: { type: 'object', properties: { s: { type: 'string', pattern: '^(a+)+$' } } },
    execute: () => 'ran',
  });

  it('is refused when registered, before any argument can stall the host thread', () => {
    let error: unknown;
    try {
      new ToolRegistry([redos]);
    } catch (e) {
      error = e;
    }
    expect(AgentboxError.isInstance(error)).toBe(true);
    expect((error as AgentboxError).message).toMatch(/exponential time/);
  });
});
