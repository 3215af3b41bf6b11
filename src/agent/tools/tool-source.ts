import type { AnyTool } from './tool.js';

/**
 * Tools whose set changes while the runtime runs: an MCP server adds or removes tools
 * (`notifications/tools/list_changed`) or comes back after a restart. The runtime keeps
 * the registry in step; each source owns the names it registered and no others.
 */
export interface ToolSource {
  /** Names the source in messages (an MCP server's configured name). */
  readonly name: string;
  /** The tools now. */
  tools(): readonly AnyTool[];
  /** Called with the whole new set whenever it changes; returns the unsubscribe. */
  onChange(listener: (tools: readonly AnyTool[]) => void): () => void;
  /** A read-only request besides tools (an MCP server's prompts and resources), when the source has them. */
  read?(method: SourceReadMethod, params: Record<string, unknown>, signal?: AbortSignal): Promise<unknown>;
}

/** The MCP methods a workflow's `call: mcp` may send besides `tools/*`: they read, never act. */
export const sourceReadMethods = ['prompts/list', 'prompts/get', 'resources/list', 'resources/read', 'resources/templates/list'] as const;
export type SourceReadMethod = (typeof sourceReadMethods)[number];
