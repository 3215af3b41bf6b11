import { durationMs } from './duration.js';
import type { WorkflowClock } from './run-recorder.js';
import type { DurationDefinition, WorkflowDefinition } from './workflow-definition.js';
import { problem, WorkflowFault } from './workflow-problem.js';

/** A `timeout` (inline `{ after }`, or the name of one under `use.timeouts`) in milliseconds. */
export function timeoutMs(timeout: unknown, definition: WorkflowDefinition): number | undefined {
  const named = typeof timeout === 'string' ? (definition.use?.timeouts as Record<string, unknown> | undefined)?.[timeout] : timeout;
  const after = (named as { after?: DurationDefinition } | undefined)?.after;
  return after === undefined ? undefined : durationMs(after);
}

/**
 * Runs `body` under a time limit counted from `startedAt` (the journaled first start, so a
 * resumed run has only what was left). When it lapses, the body's execution is aborted with
 * the spec's timeout error (408) as the reason — tasks inside stop at their next await and
 * a `try` may catch it — and that error is what this throws, whatever the body threw then.
 */
export async function withTimeout<T>(
  run: { clock: WorkflowClock; signal: AbortSignal },
  limit: { ms: number; startedAt: number; instance: string; what: string },
  body: (signal: AbortSignal) => Promise<T>,
): Promise<T> {
  const { clock, signal } = run;
  const left = limit.startedAt + limit.ms - clock.now();
  const timedOut = new WorkflowFault(
    problem('timeout', { title: `${limit.what} timed out`, detail: `it did not finish within ${limit.ms} ms`, instance: limit.instance }),
  );
  if (left <= 0) throw timedOut;
  const lapse = new AbortController();
  const stopTimer = new AbortController();
  clock.sleep(left, AbortSignal.any([signal, stopTimer.signal])).then(
    () => lapse.abort(timedOut),
    () => {},
  );
  try {
    const result = await body(AbortSignal.any([signal, lapse.signal]));
    if (lapse.signal.aborted) throw timedOut;
    return result;
  } catch (error) {
    throw lapse.signal.aborted ? timedOut : error;
  } finally {
    stopTimer.abort();
  }
}
