import { AgentboxError } from '../errors/agentbox-error.js';
import { Execution, type Frame, type TaskOutcome } from './execution.js';
import type { TaskRun } from './run-task-kind.js';
import { entryOf } from './task-tree.js';
import type { ForkTask, Task } from './workflow-definition.js';
import { WorkflowFault } from './workflow-problem.js';

/**
 * `fork`: runs `fork.branches` concurrently, each branch a task at
 * `…/fork/branches/i/name` on the fork's input and its own copy of `$context`. Every branch
 * is journaled under its own key, so a resumed fork replays the branches that finished and
 * runs only the others.
 *
 * Without `compete` the output is the array of branch outputs in branch order, and the first
 * fault cancels the other branches and faults the fork. With `compete: true` the first branch
 * to complete wins: its output is the fork's, the others are cancelled (their rows say
 * `cancelled`); the fork faults only when every branch faulted (with the last fault). On a
 * resume, a branch whose completion is already in the journal wins again, the earliest
 * recorded first, so the replay takes the winner the first run took.
 */
export async function runFork(execution: Execution, run: TaskRun): Promise<TaskOutcome> {
  const fork = (run.task as ForkTask).fork;
  const branches = fork.branches.map((item) => entryOf(item) as [string, Task]);
  const listPath = `${run.path}/fork/branches`;
  const state = execution.options.recorder.state;
  const keyOf = (i: number): string => `${listPath}/${i}/${(branches[i] as [string, Task])[0]}${run.frame.suffix}`;
  if (fork.compete) {
    const done = branches.map((_, i) => keyOf(i)).filter((key) => state.completed.has(key));
    // Two recorded completions (a loser finished in the same moment): the journal's first
    // wins. Only then is the whole completed map scanned, for its insertion order.
    const winner = done.length > 1 ? [...state.completed.keys()].find((key) => done.includes(key)) : done[0];
    if (winner !== undefined) return { output: state.completed.get(winner)?.output };
  }
  const controller = new AbortController();
  const branchExecution = new Execution({ ...execution.options, signal: AbortSignal.any([execution.options.signal, controller.signal]) });
  const runBranch = async (i: number): Promise<TaskOutcome> => {
    const [name, task] = branches[i] as [string, Task];
    const frame: Frame = { ...run.frame, context: { value: structuredClone(run.frame.context.value) } };
    const outcome = await branchExecution.runTask({ name, task, path: `${listPath}/${i}/${name}`, input: run.input, frame, visit: 0 });
    // A finished branch is made durable at once: its siblings may run for long, and a crash
    // meanwhile must not run it again.
    await execution.options.recorder.flush();
    return outcome;
  };
  const running = branches.map((_, i) => runBranch(i));
  const cancelRest = (reason: string): void => controller.abort(new AgentboxError('CANCELLED', reason));
  try {
    if (fork.compete) {
      const winner = await Promise.any(running).catch((error: unknown) => {
        // Every branch faulted: the last one's fault (AggregateError keeps them in branch order).
        throw (error as AggregateError).errors.findLast((e) => WorkflowFault.isFault(e)) ?? (error as AggregateError).errors[0];
      });
      cancelRest('another branch of the fork completed first');
      return { output: winner.output };
    }
    const outputs = await Promise.all(running).catch((error: unknown) => {
      cancelRest('another branch of the fork faulted');
      throw error;
    });
    return { output: outputs.map((o) => o.output) };
  } finally {
    // No branch is left running (or writing to the journal) once the fork has returned.
    await Promise.allSettled(running);
  }
}
