/**
 * What a workflow reaches outside itself: the runtime's functions (`call: tool | llm |
 * agent`). The runtime implements it (`createRuntimeWorkflowHost`), tests may script it.
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
  /** One model call. */
  callLlm(request: WorkflowCallBase & { messages: Array<{ role: 'system' | 'user' | 'assistant'; content: string }> }): Promise<{ content: string }>;
  /** A full agent turn, recorded as its own session. */
  callAgent(request: WorkflowCallBase & { input: string; system?: string }): Promise<{ content: string; sessionId: string }>;
}
