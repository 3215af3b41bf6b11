import type { Execution, Frame, TaskOutcome } from './execution.js';
import type { ExpressionScope } from './runtime-expression.js';
import { runCall } from './run-call.js';
import { runFor } from './run-for.js';
import { runFork } from './run-fork.js';
import { runTry } from './run-try.js';
import { runScript } from './run-script.js';
import { runListen } from './run-listen.js';
import { runDetached } from './run-detached.js';
import { runWorkflow } from './run-workflow.js';
import { runEmit, runRaise, runSet, runSwitch, runWait } from './run-simple-tasks.js';
import type { DoTask, RunTask, Task } from './workflow-definition.js';
import { problem, WorkflowFault } from './workflow-problem.js';

/** One task about to run: its definition, where it is, and its (filtered) input. */
export interface TaskRun {
  name: string;
  task: Task;
  kind: string;
  path: string;
  /** The journal key of this execution of the task. */
  key: string;
  /** The key without retry attempts: the base of the idempotency key. */
  stableKey: string;
  input: unknown;
  frame: Frame;
  scope: ExpressionScope;
}

/** Runs a task of its kind and returns its raw output (before `output.as`). */
export async function runTaskKind(execution: Execution, run: TaskRun): Promise<TaskOutcome> {
  switch (run.kind) {
    case 'set':
      return runSet(run);
    case 'switch':
      return runSwitch(run);
    case 'raise':
      return runRaise(execution, run);
    case 'wait':
      return runWait(execution, run);
    case 'emit':
      return runEmit(execution, run);
    case 'do': {
      const outcome = await execution.runList((run.task as DoTask).do, `${run.path}/do`, run.input, run.frame);
      return outcome.ended ? { output: outcome.output, then: 'end' } : { output: outcome.output };
    }
    case 'for':
      return runFor(execution, run);
    case 'try':
      return runTry(execution, run);
    case 'fork':
      return runFork(execution, run);
    case 'listen':
      return runListen(execution, run);
    case 'run':
      if ((run.task as RunTask).run.await === false) return runDetached(execution, run);
      if ('workflow' in (run.task as RunTask).run) return runWorkflow(execution, run);
      if ('script' in (run.task as RunTask).run) return runScript(execution, run);
      break;
    case 'call':
      return runCall(execution, run);
  }
  throw new WorkflowFault(
    problem('configuration', {
      title: 'unsupported task',
      detail: `${run.kind} tasks are not supported by this version of agentbox yet`,
      instance: run.path,
    }),
  );
}
