import type { Execution, TaskOutcome } from './execution.js';
import { durationMs } from './duration.js';
import { evaluateCondition, evaluateTemplate } from './runtime-expression.js';
import type { TaskRun } from './run-task-kind.js';
import type { EmitTask, ErrorDefinition, RaiseTask, SetTask, SwitchTask, WaitTask } from './workflow-definition.js';
import { problem, WorkflowFault, type WorkflowProblem } from './workflow-problem.js';

/** `set`: the output is the evaluated object (or expression). */
export async function runSet(run: TaskRun): Promise<TaskOutcome> {
  return { output: await evaluateTemplate((run.task as SetTask).set, run.input, run.scope) };
}

/** `switch`: the first case whose `when` holds (or that has none) decides `then`; none: go on. */
export async function runSwitch(run: TaskRun): Promise<TaskOutcome> {
  for (const item of (run.task as SwitchTask).switch) {
    for (const c of Object.values(item)) {
      if (c.when === undefined || (await evaluateCondition(c.when, run.input, run.scope))) return { output: run.input, then: c.then };
    }
  }
  return { output: run.input };
}

/** `raise`: a fault with the task's path as `instance`; a string names an error under `use.errors`. */
export async function runRaise(execution: Execution, run: TaskRun): Promise<TaskOutcome> {
  const ref = (run.task as RaiseTask).raise.error;
  const declared = typeof ref === 'string' ? execution.options.definition.use?.errors?.[ref] : ref;
  if (!declared)
    throw new WorkflowFault(problem('configuration', { title: 'unknown error', detail: `no error '${String(ref)}' under use.errors`, instance: run.path }));
  const evaluated = (await evaluateTemplate(declared, run.input, run.scope)) as ErrorDefinition;
  const raised: WorkflowProblem = {
    type: String(evaluated.type),
    status: Number(evaluated.status),
    ...(evaluated.title !== undefined ? { title: String(evaluated.title) } : {}),
    ...(evaluated.detail !== undefined ? { detail: String(evaluated.detail) } : {}),
    instance: run.path,
  };
  throw new WorkflowFault(raised);
}

/**
 * `wait`: sleeps until the task's first start plus the duration, so a run resumed after a
 * crash waits only for what is left. Its start is flushed first: that is the durable timer.
 */
export async function runWait(execution: Execution, run: TaskRun): Promise<TaskOutcome> {
  const ms = durationMs((run.task as WaitTask).wait);
  if (ms === undefined)
    throw new WorkflowFault(problem('configuration', { title: 'bad duration', detail: JSON.stringify((run.task as WaitTask).wait), instance: run.path }));
  const { recorder, clock, signal } = execution.options;
  await recorder.flush();
  const started = recorder.state.firstStarted.get(run.key) ?? clock.now();
  const left = started + ms - clock.now();
  if (left > 0) await clock.sleep(left, signal);
  return { output: run.input };
}

/** `emit`: the evaluated event goes to the run's journal (there is no event broker yet). */
export async function runEmit(execution: Execution, run: TaskRun): Promise<TaskOutcome> {
  const event = await evaluateTemplate((run.task as EmitTask).emit.event.with, run.input, run.scope);
  execution.options.recorder.record({ type: 'event.emitted', key: run.key, event });
  return { output: run.input };
}
