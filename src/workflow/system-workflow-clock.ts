import { AgentboxError } from '../errors/agentbox-error.js';
import type { WorkflowClock } from './run-recorder.js';

/** Why a sleep ends early: the abort's own reason when it is ours (a suspend stays a suspend), else CANCELLED. */
function abortError(signal: AbortSignal): AgentboxError {
  return AgentboxError.isInstance(signal.reason) ? signal.reason : new AgentboxError('CANCELLED', 'the run was cancelled');
}

/** Wall-clock time and real timers. */
export const systemWorkflowClock: WorkflowClock = {
  now: () => Date.now(),
  sleep: (ms, signal) =>
    new Promise<void>((resolve, reject) => {
      if (signal?.aborted) return reject(abortError(signal));
      const timer = setTimeout(() => {
        signal?.removeEventListener('abort', onAbort);
        resolve();
      }, ms);
      const onAbort = (): void => {
        clearTimeout(timer);
        reject(abortError(signal as AbortSignal));
      };
      signal?.addEventListener('abort', onAbort, { once: true });
    }),
};
