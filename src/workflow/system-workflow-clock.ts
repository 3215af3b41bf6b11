import { AgentboxError } from '../errors/agentbox-error.js';
import type { WorkflowClock } from './run-recorder.js';

/** Wall-clock time and real timers. */
export const systemWorkflowClock: WorkflowClock = {
  now: () => Date.now(),
  sleep: (ms, signal) =>
    new Promise<void>((resolve, reject) => {
      if (signal?.aborted) return reject(new AgentboxError('CANCELLED', 'the run was cancelled'));
      const timer = setTimeout(() => {
        signal?.removeEventListener('abort', onAbort);
        resolve();
      }, ms);
      const onAbort = (): void => {
        clearTimeout(timer);
        reject(new AgentboxError('CANCELLED', 'the run was cancelled'));
      };
      signal?.addEventListener('abort', onAbort, { once: true });
    }),
};
