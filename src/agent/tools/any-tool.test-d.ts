/**
 * Type tests: `AnyTool` takes a tool of any argument type into a collection without a cast
 * or `any`, and the registry hands it back as a plain `Tool`. Checked by `tsc --noEmit`.
 */
import { describe, expectTypeOf, it } from 'vitest';
import { createHttpFetchTool } from './fetch/http-fetch-tool.js';
import { defineTool, type AnyTool, type Tool } from './tool.js';
import { ToolRegistry } from './tool-registry.js';

interface SearchArgs {
  query: string;
  limit?: number;
}

describe('AnyTool', () => {
  it('accepts tools whose arguments are an interface, a type alias or inferred', () => {
    const search = defineTool<SearchArgs, string[]>({ name: 'search', description: 'd', parameters: { type: 'object' }, execute: ({ query }) => [query] });
    const fetchTool = createHttpFetchTool({ hosts: ['example.com'] });
    const tools: AnyTool[] = [search, fetchTool];
    expectTypeOf(new ToolRegistry(tools).get('search')).toEqualTypeOf<Tool | undefined>();
    // An interface has no index signature, so without `AnyTool` this is the cast that used to be needed.
    expectTypeOf(search).not.toExtend<Tool>();
    // A type alias does: `HttpFetchArgs` is declared as one.
    expectTypeOf(fetchTool).toExtend<Tool>();
  });

  it('still refuses what is not a tool', () => {
    // @ts-expect-error a tool needs a name, a description, parameters and execute
    const notATool: AnyTool = { name: 'x', execute: () => 1 };
    expectTypeOf(notATool).toEqualTypeOf<AnyTool>();
  });
});
