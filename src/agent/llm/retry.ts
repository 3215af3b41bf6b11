import { AgentboxError } from '../../errors/index.js';

export interface BackoffOptions {
  /** 1 for the first retry. */
  attempt: number;
  baseMs?: number;
  capMs?: number;
  /** A number in [0, 1); injectable so tests are deterministic. */
  random?: () => number;
}

export const DEFAULT_BACKOFF_BASE_MS = 500;
export const DEFAULT_BACKOFF_CAP_MS = 20_000;

/**
 * Exponential backoff with full jitter: a uniform draw in [0, min(cap, base·2^(attempt-1))).
 * Full jitter spreads clients that failed together, so they do not all retry together.
 */
export function backoffDelay(options: BackoffOptions): number {
  const { attempt, baseMs = DEFAULT_BACKOFF_BASE_MS, capMs = DEFAULT_BACKOFF_CAP_MS, random = Math.random } = options;
  const ceiling = Math.min(capMs, baseMs * 2 ** Math.max(0, attempt - 1));
  return Math.floor(random() * ceiling);
}

/** The error an aborted operation ends with. */
export function cancelledError(signal: AbortSignal | undefined): AgentboxError {
  return new AgentboxError('CANCELLED', 'the LLM request was cancelled', { cause: signal?.reason });
}

/** Waits `ms`, or rejects with CANCELLED as soon as `signal` aborts. */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(cancelledError(signal));
    const onAbort = (): void => {
      clearTimeout(timer);
      reject(cancelledError(signal));
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
