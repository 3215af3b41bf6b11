/**
 * One interface for every kind of tool: native functions, WASI modules, scripts in a
 * sandbox, MCP servers. The executor validates, authorizes and limits; a tool only executes.
 */

import type { FromSchema, JSONSchema } from 'json-schema-to-ts';
import { z } from 'zod';
import type { Capabilities } from '../../auth/capabilities.js';
import type { SerializedError } from '../../errors/agentbox-error.js';
import type { SampleFunction } from './tool-sampling.js';
import type { ElicitationResult, ToolElicitation } from '../../engine/elicitation.js';

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
  capabilities?: Capabilities;
  /**
   * Set when a workflow task makes the call: stable across retries and resumes of that task
   * in that run, distinct across tasks and runs, so a tool with side effects can skip a
   * repeat (a task interrupted mid-call runs again: at-least-once).
   */
  idempotencyKey?: string;
  /**
   * Sandboxed tools report what the call used (the guest's CPU time, its peak memory);
   * recorded in the call's `tool.completed` event.
   */
  reportResources?: (usage: { cpuMs?: number; peakMemoryBytes?: number }) => void;
  /** How far a long call got (`progress` of `total`, when known): a `tool.progress` event. */
  reportProgress?: (progress: ToolProgress) => void;
  /**
   * Stops the call's deadline until the returned function is called, which starts it
   * afresh: for a tool that first waits its turn for a shared sandbox, so a queue does not
   * eat its time. The tool's own sandbox must bound the run meanwhile; the turn's
   * cancellation still ends the call.
   */
  suspendDeadline?: () => () => void;
  /**
   * One completion on the session's model, under the asker's token budget, recorded as
   * `mcp.sampled` (an MCP server's `sampling/createMessage`). Absent: no model is at hand.
   */
  sample?: SampleFunction;
  /**
   * Asks the person behind the session to fill in a form (MCP's `elicitation/create`): set
   * only when a front end that can ask one is attached. The form is checked first (a bad
   * one rejects with INVALID_INPUT), the call's deadline stops while the person answers, and
   * both the question and the answer are recorded (`elicitation.requested` / `.answered`).
   */
  elicit?: (request: ToolElicitation) => Promise<ElicitationResult>;
}

/**
 * What a tool's author says about it (MCP's tool annotations): hints, not promises. Only
 * `destructiveHint` changes anything (it makes approval the default for an MCP tool);
 * `tool inspect` shows them all.
 */
export interface ToolAnnotations {
  title?: string;
  /** It does not modify its environment. */
  readOnlyHint?: boolean;
  /** It may destroy or overwrite (meaningful when not read-only). */
  destructiveHint?: boolean;
  /** Calling it twice with the same arguments has no further effect. */
  idempotentHint?: boolean;
  /** It reaches an open world (the web) rather than a closed one (a database). */
  openWorldHint?: boolean;
}

export interface ToolProgress {
  progress: number;
  total?: number;
  message?: string;
}

export interface Tool<Args = Record<string, unknown>, Result = unknown> {
  name: string;
  description: string;
  parameters: JsonSchema;
  /** Per-call deadline; the executor's default applies when absent. */
  timeoutMs?: number;
  /** Calls wait for a human approve/deny before running. */
  needsApproval?: boolean;
  /**
   * Where a call's CPU time comes from. Absent: the executor samples the process before and
   * after (`ToolExecutorOptions.cpuTime`). `reported`: the tool reports its own
   * (`reportResources`, a sandbox's guest time). `elsewhere`: the work runs in another
   * process (an MCP server), so this one's CPU says nothing. Either skips the sampling,
   * which costs a system call that is slow while worker threads run.
   */
  cpuTime?: 'reported' | 'elsewhere';
  /**
   * Capabilities the tool asks for (files, hosts, memory, time): intersected with the
   * caller's grants into `ToolContext.capabilities`, and enforced by the tool's sandbox.
   */
  capabilities?: Capabilities;
  annotations?: ToolAnnotations;
  execute(args: Args, context: ToolContext): Promise<Result> | Result;
}

/**
 * Any tool, whatever its argument and result types: the element type of tool collections
 * (the registry, `RuntimeOptions.tools`, `extraTools`), so a `Tool<HttpFetchArgs>` or a
 * `defineTool` result goes in without a cast. It works because `execute` is a method,
 * whose parameter TypeScript compares both ways: `never` arguments accept every `Tool<Args>`,
 * and the registry hands the tool back as a `Tool`, to be given arguments only after the
 * executor has validated them against `parameters` (the schema `Args` was declared from).
 *
 * @example
 * const tools: AnyTool[] = [calculatorTool, createHttpFetchTool({ hosts: ['api.github.com'] })];
 */
export type AnyTool = Tool<never, unknown>;

/** What a tool call produced, as recorded and as shown to the model. */
export type ToolResult =
  | { callId: string; name: string; ok: true; value: unknown; output: string; durationMs: number }
  | {
      callId: string;
      name: string;
      ok: false;
      error: SerializedError;
      output: string;
      durationMs: number;
    };

/** A zod schema, recognized by shape so a duplicated copy of zod works too. */
type ZodSchema = z.ZodType;

/** What `parameters` may be in `defineTool`: a JSON Schema (`as const` for inference) or a zod schema. */
export type ToolParameters = JSONSchema | ZodSchema;

/** The argument type a `parameters` schema describes. */
export type ArgsOf<P> = P extends ZodSchema ? z.output<P> : P extends JSONSchema ? FromSchema<P> : Record<string, unknown>;

/** A tool as `defineTool` takes it: `execute`'s arguments follow from `parameters`. */
export interface DefineToolInput<P extends ToolParameters, Result> extends Omit<Tool<ArgsOf<P>, Result>, 'parameters'> {
  parameters: P;
}

/**
 * A tool whose argument type is given explicitly. `execute` is a property here, not a
 * method, so its parameter is checked strictly: an `execute` that contradicts the schema
 * cannot slip through this overload.
 */
export type ExplicitToolInput<Args, Result> = Omit<Tool<Args, Result>, 'execute'> & {
  execute: (args: Args, context: ToolContext) => Promise<Result> | Result;
};

/**
 * Defines a tool whose `execute` arguments are typed from its `parameters`: a JSON Schema
 * written `as const`, or a zod schema (turned into JSON Schema for the model; its parse,
 * with defaults and transforms, runs before `execute`). With an explicit type argument,
 * that type is used as is.
 *
 * @example
 * const weather = defineTool({
 *   name: 'weather',
 *   description: 'Current weather for a city',
 *   parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'], additionalProperties: false } as const,
 *   execute: async ({ city }) => fetchWeather(city), // city: string
 * });
 */
export function defineTool<const P extends ToolParameters, Result = unknown>(tool: DefineToolInput<P, Result>): Tool<ArgsOf<P>, Result>;
export function defineTool<Args = Record<string, unknown>, Result = unknown>(tool: ExplicitToolInput<NoInfer<Args>, Result>): Tool<Args, Result>;
export function defineTool(tool: DefineToolInput<ToolParameters, unknown> | Tool): Tool<unknown, unknown> {
  const { parameters } = tool;
  if (!isZodSchema(parameters)) return tool as Tool<unknown, unknown>;
  const execute = tool.execute as (args: unknown, context: ToolContext) => unknown;
  return {
    ...tool,
    parameters: toolJsonSchema(parameters),
    execute: (args, context) => execute(parameters.parse(args), context),
  };
}

/** What the model is shown: the schema of the input (a field with a default is optional), no `$schema`. */
function toolJsonSchema(schema: ZodSchema): JsonSchema {
  const { $schema: _dialect, ...rest } = z.toJSONSchema(schema, { target: 'draft-2020-12', io: 'input', unrepresentable: 'any' });
  return rest;
}

function isZodSchema(value: unknown): value is ZodSchema {
  return typeof value === 'object' && value !== null && '_zod' in value && typeof (value as { parse?: unknown }).parse === 'function';
}
