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
}
