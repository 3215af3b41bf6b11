import type { Execution, Frame, TaskOutcome } from './execution.js';
import { evaluateCondition, evaluateExpression } from './runtime-expression.js';
import type { TaskRun } from './run-task-kind.js';
import { forVariables } from './task-tree.js';
import type { ForTask } from './workflow-definition.js';
import { problem, WorkflowFault } from './workflow-problem.js';

/**
 * `for`: runs `do` once per item of `for.in`, with `$item`/`$index` (or the names `each` and
 * `at` give) bound, while `while` holds.
 *
 * One at a time (the default), each iteration's input is the previous one's output and the
 * task's output is the last iteration's. With `metadata.agentbox.concurrency: n`, up to n
 * iterations run at once, each on the task's input and its own copy of `$context` (their
 * exports stay inside the iteration), and the output is the array of iteration outputs in
 * item order.
 */
export async function runFor(execution: Execution, run: TaskRun): Promise<TaskOutcome> {
  const task = run.task as ForTask;
  const items = await evaluateExpression(task.for.in, run.input, run.scope);
  if (!Array.isArray(items)) {
    throw new WorkflowFault(
      problem('validation', {
        title: 'for.in is not a list',
        detail: `for.in gave ${items === null ? 'null' : typeof items}, expected an array`,
        instance: run.path,
      }),
    );
  }
  const [each, at] = forVariables(task) as [string, string];
  const frameFor = (i: number, context: Frame['context']): Frame => ({
    suffix: `${run.frame.suffix}[${i}]`,
    stableSuffix: `${run.frame.stableSuffix}[${i}]`,
    variables: { ...run.frame.variables, [each]: items[i], [at]: i },
    context,
  });
  const holds = async (frame: Frame, input: unknown): Promise<boolean> =>
    task.while === undefined || evaluateCondition(task.while, input, { ...run.scope, args: { ...run.scope.args, ...frame.variables, input } });
  const listPath = `${run.path}/do`;
  const concurrency = task.metadata?.agentbox?.concurrency ?? 1;
  if (concurrency <= 1) {
    let current = run.input;
    for (let i = 0; i < items.length; i += 1) {
      const frame = frameFor(i, run.frame.context);
      if (!(await holds(frame, current))) break;
      const outcome = await execution.runList(task.do, listPath, current, frame);
      current = outcome.output;
      if (outcome.ended) return { output: current, then: 'end' };
    }
    return { output: current };
  }
  const outputs: unknown[] = [];
  let next = 0;
  let stop = false;
  let ended = false;
  const worker = async (): Promise<void> => {
    while (!stop && next < items.length) {
      const i = next;
      next += 1;
      const frame = frameFor(i, { value: structuredClone(run.frame.context.value) });
      if (!(await holds(frame, run.input))) {
        stop = true;
        return;
      }
      try {
        const outcome = await execution.runList(task.do, listPath, run.input, frame);
        outputs[i] = outcome.output;
        if (outcome.ended) {
          ended = true;
          stop = true;
        }
      } catch (error) {
        stop = true;
        throw error;
      }
    }
  };
  const settled = await Promise.allSettled(Array.from({ length: Math.min(concurrency, items.length) }, worker));
  const failure = settled.find((s): s is PromiseRejectedResult => s.status === 'rejected');
  // Iterations in flight finish (or fail) before the fault goes on: none is left running.
  if (failure) throw failure.reason;
  const output = outputs.filter((_, i) => i in outputs);
  return ended ? { output, then: 'end' } : { output };
}
