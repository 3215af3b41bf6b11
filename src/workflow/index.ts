/**
 * agentbox/workflow — durable workflows in the CNCF Serverless Workflow DSL 1.0.x, with jq
 * runtime expressions (jq 1.8 in WebAssembly). Portable: runs in Node and in a browser or
 * Web Worker. A run is an append-only journal (`WorkflowJournal`: memory here, SQLite in
 * `agentbox/node`); resuming replays it and runs only what had not finished. The runtime's
 * functions (`call: tool | llm | agent`) and `call: http | openapi` reach the world through a `WorkflowHost`
 * (`createRuntimeWorkflowHost(runtime)` builds one from an agentbox runtime); `run: script`
 * runs in the QuickJS sandbox; `run: workflow` finds sub-workflows through
 * `resolveWorkflow`; `listen` takes events given to `engine.postEvent`.
 *
 * @example
 * import { MemoryWorkflowJournal, WorkflowEngine, createRuntimeWorkflowHost } from 'agentbox/workflow';
 * const engine = new WorkflowEngine({ journal: new MemoryWorkflowJournal(), host: createRuntimeWorkflowHost(runtime) });
 * const result = await engine.start({
 *   document: { dsl: '1.0.0', namespace: 'demo', name: 'greet', version: '1.0.0' },
 *   do: [{ greet: { set: { message: '${ "Hello, " + .name }' } } }],
 * }, { input: { name: 'Ada' } });
 * // result: { runId, status: 'completed', output: { message: 'Hello, Ada' }, tasks: [...] }
 */
export { WorkflowEngine, type WorkflowEngineOptions, type RunResult, type StartOptions } from './workflow-engine.js';
export { validateWorkflow, runtimeArguments, type WorkflowValidation } from './validate-workflow.js';
export { WorkflowValidationError, type WorkflowIssue, type WorkflowIssueCode } from './workflow-issue.js';
export { WorkflowFault, problemTypes, type WorkflowProblem } from './workflow-problem.js';
export { JqEvaluator, JqFailure, type JqEvaluatorOptions } from './jq-evaluator.js';
export { InThreadJqBackend, type JqBackend, type JqRequest } from './jq-backend.js';
export { MemoryWorkflowJournal } from './memory-workflow-journal.js';
export type { WorkflowJournal, RunSummary, LeaseRequest, InboxEvent } from './workflow-journal.js';
export { workflowGraph } from './workflow-graph.js';
export { workflowKey, type WorkflowReference, type WorkflowResolver } from './sub-workflows.js';
export type { RunEvent, RunEventPayload, RunStatus } from './run-events.js';
export { foldRunEvents, applyRunEvent, type RunState } from './run-state.js';
export type { WorkflowClock } from './run-recorder.js';
export type { WorkflowHost, WorkflowCallBase, WorkflowHttpRequest, WorkflowHttpResponse } from './workflow-host.js';
export { createRuntimeWorkflowHost, type RuntimeWorkflowHostOptions } from '../runtime/create-runtime-workflow-host.js';
export { retryDelay } from './retry-delay.js';
export { durationMs } from './duration.js';
export type * from './workflow-definition.js';
export { workflow, WorkflowBuilder } from './builder/workflow-builder.js';
export { task, type TaskOptions, type LlmArguments, type HttpArguments } from './builder/tasks.js';
export { TaskListBuilder, type TaskListInput } from './builder/task-list-builder.js';
