/**
 * One interface for every kind of tool: native functions, WASI modules, scripts in a
 * sandbox, MCP servers. The executor validates, authorizes and limits; a tool only executes.
 */

/** A JSON Schema document (draft 2020-12 or 7) describing a tool's arguments. */
export type JsonSchema = { [key: string]: unknown };

export interface ToolContext {
  /** Aborted at the call's deadline or when the turn is cancelled. */
  signal: AbortSignal;
  sessionId: string;
  callId: string;
  /** The principal on whose behalf the tool runs. */
  principal: string;
  /**
   * What this call may use: the tool's requested capabilities intersected with the
   * principal's grants (`Authorizer.capabilitiesFor`). Tools that honour it (the native
   * fs/http tools) then reach only that; absent, their own configuration applies.
   */
  capabilities?: Record<string, unknown>;
  /**
   * Sandboxed tools report what the call used (the guest's CPU time, its peak memory);
   * recorded in the call's `tool.completed` event.
   */
  reportResources?: (usage: { cpuMs?: number; peakMemoryBytes?: number }) => void;
  /**
   * Stops the call's deadline until the returned function is called, which starts it
   * afresh: for a tool that first waits its turn for a shared sandbox, so a queue does not
   * eat its time. The tool's own sandbox must bound the run meanwhile; the turn's
   * cancellation still ends the call.
   */
  suspendDeadline?: () => () => void;
}

export interface Tool<Args = Record<string, unknown>, Result = unknown> {
  name: string;
  description: string;
  parameters: JsonSchema;
  /** Per-call deadline; the executor's default applies when absent. */
  timeoutMs?: number;
  /** Calls wait for a human approve/deny before running. */
  needsApproval?: boolean;
  /** Capabilities the tool asks for (files, hosts, memory, time); enforced by sandboxes. */
  capabilities?: Record<string, unknown>;
  execute(args: Args, context: ToolContext): Promise<Result> | Result;
}

/** What a tool call produced, as recorded and as shown to the model. */
export type ToolResult =
  | { callId: string; name: string; ok: true; value: unknown; output: string; durationMs: number }
  | {
      callId: string;
      name: string;
      ok: false;
      error: { code: string; message: string; details?: Record<string, unknown> };
      output: string;
      durationMs: number;
    };

/** Helper that keeps the argument type of a tool's execute in step with its schema. */
export function defineTool<Args = Record<string, unknown>, Result = unknown>(tool: Tool<Args, Result>): Tool<Args, Result> {
  return tool;
}
