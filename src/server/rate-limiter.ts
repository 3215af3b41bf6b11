import type { Clock } from '../engine/session-recorder.js';

export interface RateDecision {
  allowed: boolean;
  /** Whole seconds until one request is allowed again (0 when allowed). */
  retryAfterSeconds: number;
}

/** Shared by every allowed request: a decision is read, never changed. */
const allowed: RateDecision = Object.freeze({ allowed: true, retryAfterSeconds: 0 });

interface Bucket {
  tokens: number;
  at: number;
}

/**
 * Per-key token buckets: `perMinute` requests a minute on average, bursts up to the same
 * number. Memory is bounded by pruning full buckets (a full bucket is the same as none).
 */
export class RateLimiter {
  private readonly buckets = new Map<string, Bucket>();
  private readonly perMs: number;

  constructor(
    private readonly perMinute: number,
    private readonly clock: Clock = { now: () => Date.now() },
  ) {
    this.perMs = perMinute / 60_000;
  }

  take(key: string): RateDecision {
    const now = this.clock.now();
    let bucket = this.buckets.get(key);
    if (!bucket) {
      // Pruned before the insert, so the new bucket (full, hence prunable) is kept.
      if (this.buckets.size >= 10_000) this.prune();
      this.buckets.set(key, (bucket = { tokens: this.perMinute, at: now }));
    }
    bucket.tokens = Math.min(this.perMinute, bucket.tokens + (now - bucket.at) * this.perMs);
    bucket.at = now;
    if (bucket.tokens >= 1) {
      bucket.tokens -= 1;
      return allowed;
    }
    return { allowed: false, retryAfterSeconds: Math.max(1, Math.ceil((1 - bucket.tokens) / this.perMs / 1000)) };
  }

  private prune(): void {
    const now = this.clock.now();
    for (const [key, b] of this.buckets) if (b.tokens + (now - b.at) * this.perMs >= this.perMinute) this.buckets.delete(key);
  }
}
