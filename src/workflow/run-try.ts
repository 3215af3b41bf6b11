import type { Execution, Frame, TaskOutcome } from './execution.js';
import { retryDelay } from './retry-delay.js';
import { evaluateCondition, type ExpressionScope } from './runtime-expression.js';
import type { TaskRun } from './run-task-kind.js';
import type { CatchDefinition, RetryPolicy, TryTask } from './workflow-definition.js';
import { WorkflowFault, type WorkflowProblem } from './workflow-problem.js';

/**
 * `try`/`catch`: a fault in the `try` block that the catch matches (`errors.with`, `when`,
 * `exceptWhen`) is retried under `retry`, each attempt a fresh run of the block (its tasks
 * get new journal keys, `#1`, `#2`, … — idempotency keys stay the same); when retries are
 * exhausted, or without `retry`, `catch.do` runs with the error bound (`$error` or `as`), or
 * the task completes with its input. A fault the catch does not match goes on up.
 */
export async function runTry(execution: Execution, run: TaskRun): Promise<TaskOutcome> {
  const task = run.task as TryTask;
  const caught = task.catch ?? ({} as CatchDefinition);
  const { recorder, clock, signal, definition } = execution.options;
  const policy: RetryPolicy | undefined = typeof caught.retry === 'string' ? definition.use?.retries?.[caught.retry] : caught.retry;
  const as = caught.as ?? 'error';
  for (let attempt = 0; ; attempt += 1) {
    const frame: Frame = { ...run.frame, suffix: `${run.frame.suffix}${attempt ? `#${attempt}` : ''}` };
    try {
      const outcome = await execution.runList(task.try, `${run.path}/try`, run.input, frame);
      return outcome.ended ? { output: outcome.output, then: 'end' } : { output: outcome.output };
    } catch (error) {
      if (!WorkflowFault.isFault(error)) throw error;
      const fault = error.problem;
      const scope: ExpressionScope = { ...run.scope, args: { ...run.scope.args, [as]: fault } };
      if (!(await catches(caught, fault, run.input, scope))) throw error;
      if (policy && (await retries(policy, run.input, scope))) {
        const retryKey = `${run.key}#${attempt + 1}`;
        let recorded = recorder.state.retries.get(retryKey);
        if (!recorded) {
          const elapsed = clock.now() - (recorder.state.firstStarted.get(run.key) ?? clock.now());
          const delayMs = retryDelay(policy, attempt + 1, elapsed, execution.options.random());
          if (delayMs !== undefined) {
            recorder.record({ type: 'task.retrying', key: run.key, path: run.path, attempt: attempt + 1, delayMs });
            recorded = recorder.state.retries.get(retryKey);
          }
        }
        if (recorded) {
          await recorder.flush();
          const left = recorded.time + recorded.delayMs - clock.now();
          if (left > 0) await clock.sleep(left, signal);
          continue;
        }
      }
      if (!caught.do) {
        if (policy) throw error;
        return { output: run.input };
      }
      const handler: Frame = { ...frame, variables: { ...run.frame.variables, [as]: fault } };
      const outcome = await execution.runList(caught.do, `${run.path}/catch/do`, run.input, handler);
      return outcome.ended ? { output: outcome.output, then: 'end' } : { output: outcome.output };
    }
  }
}

async function catches(caught: CatchDefinition, fault: WorkflowProblem, input: unknown, scope: ExpressionScope): Promise<boolean> {
  const filter = caught.errors?.with ?? {};
  for (const [field, expected] of Object.entries(filter)) {
    if ((fault as unknown as Record<string, unknown>)[field] !== expected) return false;
  }
  if (caught.when !== undefined && !(await evaluateCondition(caught.when, input, scope))) return false;
  if (caught.exceptWhen !== undefined && (await evaluateCondition(caught.exceptWhen, input, scope))) return false;
  return true;
}

async function retries(policy: RetryPolicy, input: unknown, scope: ExpressionScope): Promise<boolean> {
  if (policy.when !== undefined && !(await evaluateCondition(policy.when, input, scope))) return false;
  if (policy.exceptWhen !== undefined && (await evaluateCondition(policy.exceptWhen, input, scope))) return false;
  return true;
}
