import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { parseInputWith } from './parse-input.js';
import { ConfigError } from './config-error.js';
import { formatIssues, issuesFromZod } from './validation-issue.js';
import { mcpConfigSchema } from '../config/mcp-config-schema.js';

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

describe('issuesFromZod on a union (an MCP server entry: stdio or HTTP)', () => {
  it('reports the bad field of the alternative the value was meant to be, not "Invalid input"', () => {
    const result = mcpConfigSchema.safeParse({ servers: { a: { command: 'x', timeoutMs: 1.5 }, b: { url: 'http://x', roots: 'yes' } } });
    expect(result.success).toBe(false);
    const issues = issuesFromZod(result.error?.issues ?? [], 'tools.mcp');
    expect(issues.map((i) => i.path)).toEqual(['tools.mcp.servers.a.timeoutMs', 'tools.mcp.servers.b.roots']);
    expect(issues[1]?.message).toContain('expected boolean');
  });

  it('keeps the union message when nothing tells the alternatives apart', () => {
    const result = z.union([z.string(), z.number()]).safeParse(true);
    expect(issuesFromZod(result.error?.issues ?? [])).toEqual([{ path: '', message: 'Invalid input' }]);
  });
});
