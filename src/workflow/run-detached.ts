import type { Execution, TaskOutcome } from './execution.js';
import { evaluateTemplate } from './runtime-expression.js';
import type { TaskRun } from './run-task-kind.js';
import { workflowKey, type WorkflowReference } from './sub-workflows.js';
import type { RunTask, WorkflowDefinition } from './workflow-definition.js';
import { problem, WorkflowFault } from './workflow-problem.js';

/**
 * `run` with `await: false`: the process is started as a run of its own and the task does
 * not wait for it; its output is its input, as the spec has it. A `run: workflow` starts
 * that workflow with its `input`; a `run: script` starts a one-task workflow running the
 * script on the task's input. Either is durable like any run (journaled, resumable, in
 * `workflow list`), under the parent's principal and host grant, and its id is the
 * parent's with a suffix derived from the task's journal key, so a resumed parent that
 * reaches the task again finds the run it started instead of starting another.
 */
export async function runDetached(execution: Execution, run: TaskRun): Promise<TaskOutcome> {
  const { detach, runId, recorder, definition: parent, workflows } = execution.options;
  if (!detach) throw configuration(run.path, 'this host cannot start runs that are not awaited');
  const { await: _await, return: _return, ...process } = (run.task as RunTask).run;
  let definition: WorkflowDefinition | undefined;
  let input = run.input;
  if (process.workflow) {
    const spec = process.workflow as WorkflowReference & { input?: unknown };
    definition = workflows[workflowKey(spec)];
    if (!definition) throw configuration(run.path, `no workflow ${workflowKey(spec)} was resolved when the run started`);
    if (spec.input !== undefined) input = await evaluateTemplate(spec.input, run.input, run.scope);
  } else {
    const { then: _then, output: _output, export: _export, input: _input, if: _if, ...task } = run.task as RunTask & Record<string, unknown>;
    definition = {
      document: { ...parent.document, name: `${parent.document.name}-${run.name}`.slice(0, 63) },
      ...(parent.use ? { use: parent.use } : {}),
      do: [{ [run.name]: { ...task, run: process } as RunTask }],
    };
  }
  // Everything before it is durable before the other run exists.
  await recorder.flush();
  await detach({ runId: `${runId}.${shortHash(run.stableKey)}`, definition, input, parent: { runId, key: run.key } });
  return { output: run.input };
}

function configuration(instance: string, detail: string): WorkflowFault {
  return new WorkflowFault(problem('configuration', { title: 'cannot start the process', detail, instance }));
}

/** FNV-1a, 32 bits, as 8 hex digits: stable across processes and versions. */
function shortHash(text: string): string {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i += 1) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash.toString(16).padStart(8, '0');
}
