import { Execution, type Frame, type TaskOutcome } from './execution.js';
import { evaluateTemplate } from './runtime-expression.js';
import type { TaskRun } from './run-task-kind.js';
import { workflowKey, type WorkflowReference } from './sub-workflows.js';
import type { RunTask } from './workflow-definition.js';
import { problem, WorkflowFault } from './workflow-problem.js';

/** How deep `run: workflow` may nest (a workflow that runs itself stops here, faulted). */
const MAX_WORKFLOW_DEPTH = 16;

/**
 * `run: workflow`: runs a sub-workflow inside this run, its input `run.workflow.input`
 * (default the task's input), its output the task's. Its tasks are journaled under this
 * task's path (`…/sub/run/workflow/do/0/step`, with the enclosing iteration suffixes), so a
 * resumed parent replays the sub-workflow's finished tasks instead of starting it over. It
 * has its own `$context` and `$workflow` (the same run id) and does not see the caller's
 * loop variables; `then: end` inside it ends the sub-workflow, not the caller.
 */
export async function runWorkflow(execution: Execution, run: TaskRun): Promise<TaskOutcome> {
  const spec = (run.task as RunTask).run.workflow as WorkflowReference & { input?: unknown };
  const key = workflowKey(spec);
  const definition = execution.options.workflows[key];
  if (!definition) {
    throw new WorkflowFault(
      problem('configuration', { title: 'unknown workflow', detail: `no workflow ${key} was resolved when the run started`, instance: run.path }),
    );
  }
  const depth = execution.options.depth + 1;
  if (depth > MAX_WORKFLOW_DEPTH) {
    throw new WorkflowFault(
      problem('configuration', { title: 'sub-workflows nest too deep', detail: `more than ${MAX_WORKFLOW_DEPTH} levels of run: workflow`, instance: run.path }),
    );
  }
  const input = spec.input !== undefined ? await evaluateTemplate(spec.input, run.input, run.scope) : run.input;
  const child = new Execution({ ...execution.options, definition, workflowInput: input, depth });
  const frame: Frame = { suffix: run.frame.suffix, stableSuffix: run.frame.stableSuffix, variables: {}, context: { value: {} } };
  const startedAt = execution.options.recorder.state.firstStarted.get(run.key) ?? execution.options.clock.now();
  return { output: await child.runDefinition(`${run.path}/run/workflow`, input, frame, startedAt) };
}
