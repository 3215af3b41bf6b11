import { durationMs } from './duration.js';
import type { RetryPolicy } from './workflow-definition.js';

/**
 * Pure: the delay before retry number `attempt` (1 = the first retry), or undefined when the
 * policy's limits say stop. `elapsedMs` is the time since the first attempt started;
 * `random` is in [0, 1) (injected, so tests are exact).
 *
 * - constant: `delay` every time; linear: `delay × attempt`; exponential: `delay × 2^(attempt−1)`.
 * - jitter adds a uniform `from..to`; `limit.attempt.count` caps the retries (default 3 when the
 *   policy sets no limit at all, so a typo cannot retry forever); `limit.duration` caps the time.
 */
export function retryDelay(policy: RetryPolicy, attempt: number, elapsedMs: number, random: number): number | undefined {
  const count = policy.limit?.attempt?.count ?? (policy.limit ? Number.POSITIVE_INFINITY : 3);
  if (attempt > count) return undefined;
  const base = durationMs(policy.delay) ?? 0;
  let delay = base;
  if (policy.backoff?.linear) delay = base * attempt;
  else if (policy.backoff?.exponential) delay = base * 2 ** (attempt - 1);
  if (policy.jitter) {
    const from = durationMs(policy.jitter.from) ?? 0;
    const to = durationMs(policy.jitter.to) ?? from;
    delay += from + Math.floor(random * Math.max(0, to - from));
  }
  const limit = durationMs(policy.limit?.duration);
  if (limit !== undefined && elapsedMs + delay > limit) return undefined;
  return delay;
}
