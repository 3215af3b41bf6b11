/**
 * Type tests: `defineTool` infers `execute`'s arguments from `parameters`. Checked by
 * `tsc --noEmit` (part of `npm test`); a regression is a compile error here.
 */
import { describe, expectTypeOf, it } from 'vitest';
import { z } from 'zod';
import { defineTool, type Tool, type ToolContext } from './tool.js';

describe('defineTool', () => {
  it('infers arguments from a JSON Schema written as const', () => {
    const tool = defineTool({
      name: 'weather',
      description: 'weather',
      parameters: {
        type: 'object',
        properties: { city: { type: 'string' }, days: { type: 'integer' }, unit: { enum: ['c', 'f'] } },
        required: ['city'],
        additionalProperties: false,
      },
      execute: (args) => {
        expectTypeOf(args).toEqualTypeOf<{ city: string; days?: number; unit?: 'c' | 'f' }>();
        return { ok: true as const };
      },
    });
    expectTypeOf(tool).toEqualTypeOf<Tool<{ city: string; days?: number; unit?: 'c' | 'f' }, { ok: true }>>();
    expectTypeOf(tool.execute).parameter(1).toEqualTypeOf<ToolContext>();
  });

  it('infers arguments from a zod schema, defaults applied', () => {
    const tool = defineTool({
      name: 'search',
      description: 'search',
      parameters: z.object({ query: z.string(), limit: z.number().int().default(10) }),
      execute: (args) => {
        expectTypeOf(args).toEqualTypeOf<{ query: string; limit: number }>();
        return [args.query];
      },
    });
    expectTypeOf(tool.execute).returns.toEqualTypeOf<string[] | Promise<string[]>>();
  });

  it('uses an explicit type argument as is', () => {
    const tool = defineTool<{ target: string }>({
      name: 'deploy',
      description: 'deploy',
      parameters: { type: 'object' },
      execute: (args) => {
        expectTypeOf(args).toEqualTypeOf<{ target: string }>();
        return args.target;
      },
    });
    expectTypeOf(tool).toEqualTypeOf<Tool<{ target: string }, unknown>>();
  });

  it('refuses an execute whose arguments contradict the schema', () => {
    defineTool({
      name: 'x',
      description: 'x',
      parameters: { type: 'object', properties: { n: { type: 'number' } }, required: ['n'] } as const,
      // @ts-expect-error: n is a number, not a string
      execute: (args: { n: string }) => args.n,
    });
  });
});
