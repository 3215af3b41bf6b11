import { AgentboxError } from '../errors/agentbox-error.js';
import type { Execution, TaskOutcome } from './execution.js';
import { httpCallOf, sendHttp } from './run-http.js';
import { runOpenApi } from './run-openapi.js';
import { runMcp } from './run-mcp.js';
import { evaluateTemplate } from './runtime-expression.js';
import type { TaskRun } from './run-task-kind.js';
import type { CallTask } from './workflow-definition.js';
import { isPromptReference, type WorkflowCallBase } from './workflow-host.js';
import { problem, WorkflowFault, type ProblemKind } from './workflow-problem.js';

/** How deep declared functions may call declared functions (a cycle stops here). */
const MAX_FUNCTION_DEPTH = 8;

/**
 * `call`: a runtime function (`tool`, `llm`, `agent`) or a request (`http`, `openapi`)
 * through the host, or a function
 * declared under `use.functions` (itself a `call`, whose `with` the caller's overrides).
 * The journal is flushed first: everything before the call is durable before it acts.
 */
export async function runCall(execution: Execution, run: TaskRun): Promise<TaskOutcome> {
  const { definition, recorder, host, principal, runId, signal } = execution.options;
  let name = (run.task as CallTask).call;
  let args = ((await evaluateTemplate((run.task as CallTask).with ?? {}, run.input, run.scope)) ?? {}) as Record<string, unknown>;
  const catalog = execution.options.catalogFunctions ?? {};
  const declared = (fn: string): CallTask | undefined =>
    definition.use?.functions && Object.hasOwn(definition.use.functions, fn)
      ? (definition.use.functions[fn] as CallTask)
      : Object.hasOwn(catalog, fn)
        ? (catalog[fn] as CallTask)
        : undefined;
  for (let depth = 0, fn = declared(name); fn !== undefined; depth += 1, fn = declared(name)) {
    if (depth >= MAX_FUNCTION_DEPTH) throw fault('configuration', run.path, `declared functions call each other more than ${MAX_FUNCTION_DEPTH} deep`);
    // A function of another kind (a script, a set, a sub-workflow) is a task of its own that
    // takes the call's `with` as its input (its `input.schema` documents them).
    if (typeof fn.call !== 'string') return execution.runTask({ name, task: fn, path: `${run.path}/function`, input: args, frame: run.frame, visit: 0 });
    const inherited = (await evaluateTemplate(fn.with ?? {}, run.input, run.scope)) as Record<string, unknown>;
    args = { ...inherited, ...args };
    name = fn.call;
  }
  await recorder.flush();
  const { secrets, tokens, clock } = execution.options;
  const auth = { definition, secrets, tokens, now: () => clock.now(), evaluate: (value: unknown) => evaluateTemplate(value, run.input, run.scope) };
  const base: WorkflowCallBase = { principal, idempotencyKey: `${runId}:${run.stableKey}`, path: run.path, runId, signal };
  try {
    switch (name) {
      case 'tool': {
        if (typeof args.name !== 'string') throw fault('validation', run.path, 'call: tool needs with.name');
        const toolArgs = (args.arguments ?? {}) as Record<string, unknown>;
        return { output: await host.callTool({ ...base, name: args.name, arguments: toolArgs }) };
      }
      case 'llm': {
        if (isPromptReference(args.prompt)) return { output: await host.callLlm({ ...base, messages: [], prompt: args.prompt }) };
        const messages = Array.isArray(args.messages)
          ? (args.messages as Array<{ role: 'user'; content: string }>)
          : [{ role: 'user' as const, content: String(args.prompt ?? '') }];
        const withSystem = typeof args.system === 'string' ? [{ role: 'system' as const, content: args.system }, ...messages] : messages;
        return { output: await host.callLlm({ ...base, messages: withSystem }) };
      }
      case 'agent':
        if (isPromptReference(args.prompt)) {
          const system = typeof args.system === 'string' ? { system: args.system } : {};
          return { output: await host.callAgent({ ...base, input: '', prompt: args.prompt, ...system }) };
        }
        return {
          output: await host.callAgent({
            ...base,
            input: String(args.input ?? args.prompt ?? ''),
            ...(typeof args.system === 'string' ? { system: args.system } : {}),
          }),
        };
      case 'http':
        return { output: await sendHttp(host, { ...base, hosts: execution.options.hosts }, httpCallOf(args, run.input, run.path), auth) };
      case 'openapi':
        return { output: await runOpenApi(host, { ...base, hosts: execution.options.hosts }, args, auth) };
      case 'mcp':
        return { output: await runMcp(host, base, args) };
      default:
        throw fault('configuration', run.path, `call: ${name} is not supported by this version of agentbox yet`);
    }
  } catch (error) {
    // A call that failed because the run was stopped (a cancel, a suspend, a fork's winner)
    // fails with the stop's reason: it is not the call's fault, and must not be caught as one.
    if (signal.aborted && AgentboxError.isInstance(signal.reason)) throw signal.reason;
    throw toFault(error, run.path);
  }
}

function fault(kind: ProblemKind, instance: string, detail: string): WorkflowFault {
  return new WorkflowFault(problem(kind, { title: 'call failed', detail, instance }));
}

/** A host failure as the spec's error; cancellation and store failures are not faults. */
function toFault(error: unknown, path: string): unknown {
  if (WorkflowFault.isFault(error)) return error;
  if (!AgentboxError.isInstance(error)) return fault('runtime', path, error instanceof Error ? error.message : String(error));
  if (error.code === 'CANCELLED' || error.code.startsWith('STORE_') || error.code === 'WORKFLOW_RUN_BUSY') return error;
  const kind: ProblemKind =
    error.code === 'TOOL_DENIED' || error.code === 'FORBIDDEN' || error.code === 'TOOL_HOST_DENIED'
      ? 'authorization'
      : error.code.endsWith('_TIMEOUT')
        ? 'timeout'
        : error.code.startsWith('LLM_')
          ? 'communication'
          : error.code === 'TOOL_ARGS_INVALID' || error.code === 'TOOL_NOT_FOUND'
            ? 'validation'
            : 'runtime';
  return new WorkflowFault(problem(kind, { title: `call failed (${error.code})`, detail: error.message, instance: path }), { cause: error });
}
