import type { mcpMethods } from './run-mcp.js';
/**
 * What a workflow reaches outside itself: the runtime's functions (`call: tool | llm |
 * agent`) and the network (`call: http | openapi`). The runtime implements it (`createRuntimeWorkflowHost`), tests may script it.
 * Every request carries the task's idempotency key: stable across retries and resumes of
 * one task in one run, distinct across tasks and runs.
 */
export interface WorkflowCallBase {
  principal: string;
  idempotencyKey: string;
  /** The task's JSON pointer, for links and logs. */
  path: string;
  runId: string;
  signal: AbortSignal;
}

export interface WorkflowHost {
  /** One tool call through the executor (validation, RBAC, approvals, limits); the tool's value. */
  callTool(request: WorkflowCallBase & { name: string; arguments: Record<string, unknown> }): Promise<unknown>;
  /**
   * One model call. With `prompt` (a Dotprompt file and its input), the host renders it as
   * the messages (`messages` is then empty) and returns the parsed `output` when it declares one.
   */
  callLlm(
    request: WorkflowCallBase & { messages: Array<{ role: 'system' | 'user' | 'assistant'; content: string }>; prompt?: WorkflowPrompt },
  ): Promise<{ content: string; output?: unknown; prompt?: { file: string; hash: string } }>;
  /** A full agent turn, recorded as its own session; with `prompt`, the turn is rendered from that file (`input` is then empty). */
  callAgent(
    request: WorkflowCallBase & { input: string; system?: string; prompt?: WorkflowPrompt },
  ): Promise<{ content: string; sessionId: string; output?: unknown }>;
  /**
   * One HTTP request (`call: http | openapi`); absent means the host grants no network. Must
   * refuse a host not granted, redirect hops included (TOOL_HOST_DENIED), and cap the body.
   */
  callHttp?(request: WorkflowCallBase & WorkflowHttpRequest): Promise<WorkflowHttpResponse>;
  /**
   * `call: mcp`: one request to the MCP server the transport names. The runtime's host
   * reaches only servers configured under `tools.mcp.servers` (a workflow never starts a
   * process or opens a connection of its own) and calls their tools through the executor.
   */
  callMcp?(request: WorkflowCallBase & WorkflowMcpRequest): Promise<unknown>;
}

/** `with.prompt` of `call: llm | agent`, evaluated: a prompt file the runtime's loader reads (or its text) and its input. */
export type WorkflowPrompt =
  | { file: string; source?: string; input?: Record<string, unknown> }
  | { source: string; file?: string; input?: Record<string, unknown> };

/** `with.prompt` as an object names a prompt file (`{ file | source, input }`); a string is the message itself. */
export function isPromptReference(value: unknown): value is WorkflowPrompt {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return false;
  const { file, source, input } = value as Record<string, unknown>;
  const named = typeof file === 'string' || typeof source === 'string';
  return named && (input === undefined || (input !== null && typeof input === 'object' && !Array.isArray(input)));
}

/** `call: mcp`'s `with`, evaluated: the spec's method, its parameters and the server's transport. */
export interface WorkflowMcpRequest {
  method: (typeof mcpMethods)[number];
  parameters: Record<string, unknown>;
  transport: { stdio?: { command?: unknown; arguments?: unknown }; http?: { endpoint?: unknown } };
}

/** One HTTP request of `call: http` or `call: openapi`, already built (URL, headers, body). */
export interface WorkflowHttpRequest {
  method: string;
  url: string;
  headers: Record<string, string>;
  body?: string;
  /**
   * The hosts the run was granted when it started (journaled with it, so a resume keeps
   * them); undefined for a run started without a list, where the host's own grants apply.
   */
  hosts?: readonly string[];
}

export interface WorkflowHttpResponse {
  /** The URL that answered, after redirects. */
  url: string;
  status: number;
  headers: Record<string, string>;
  body: Uint8Array;
}
