import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { parseInputWith } from './parse-input.js';
import { ConfigError } from './config-error.js';
import { formatIssues, issuesFromZod } from './validation-issue.js';

const issues = [
  { path: 'llm.timeoutMs', message: 'expected number' },
  { path: '', message: 'expected object' },
  { path: 'agent.maxSteps', message: 'too big' },
];

describe('formatIssues', () => {
  it('writes one line per issue under a heading, the root as (root)', () => {
    expect(formatIssues(issues, { heading: 'invalid configuration' })).toBe(
      'invalid configuration:\n  - llm.timeoutMs: expected number\n  - (root): expected object\n  - agent.maxSteps: too big',
    );
  });

  it('writes them on one line without a heading, at most `limit`', () => {
    expect(formatIssues(issues, { limit: 2 })).toBe('llm.timeoutMs: expected number; (root): expected object');
  });
});

describe('one issue shape everywhere', () => {
  const schema = z.object({ a: z.object({ b: z.number() }) });

  it('turns zod issues into dotted paths, under a prefix when given', () => {
    const result = schema.safeParse({ a: { b: 'x' } });
    expect(result.success).toBe(false);
    const zodIssues = result.success ? [] : result.error.issues;
    expect(issuesFromZod(zodIssues)).toEqual([{ path: 'a.b', message: expect.any(String) }]);
    expect(issuesFromZod(zodIssues, 'body')[0]?.path).toBe('body.a.b');
  });

  it('is what parseInputWith and ConfigError put in details', () => {
    let input: unknown;
    try {
      parseInputWith(schema, { a: 1 }, 'manifest');
    } catch (error) {
      input = error;
    }
    expect(input).toMatchObject({ code: 'INVALID_INPUT', details: { issues: [{ path: 'a', message: expect.any(String) }] } });
    expect((input as Error).message).toMatch(/^invalid manifest:\n {2}- a: /);
    const config = new ConfigError([{ path: 'llm', message: 'x' }], 'a.json');
    expect(config.details).toEqual({ issues: [{ path: 'llm', message: 'x' }], source: 'a.json' });
    expect(config.message).toBe('invalid configuration in a.json:\n  - llm: x');
  });
});
