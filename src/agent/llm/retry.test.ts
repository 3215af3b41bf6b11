import { describe, expect, it } from 'vitest';
import { AgentboxError } from '../../errors/index.js';
import { backoffDelay, sleep } from './retry.js';

describe('backoffDelay', () => {
  it('doubles the ceiling per attempt, scaled by the jitter draw', () => {
    const almostOne = () => 0.999_999;
    expect([1, 2, 3, 4].map((attempt) => backoffDelay({ attempt, random: almostOne }))).toEqual([499, 999, 1999, 3999]);
    expect(backoffDelay({ attempt: 3, random: () => 0.5 })).toBe(1000);
    expect(backoffDelay({ attempt: 3, random: () => 0 })).toBe(0);
  });

  it('never exceeds the cap', () => {
    expect(backoffDelay({ attempt: 30, random: () => 0.999_999 })).toBeLessThan(20_000);
    expect(backoffDelay({ attempt: 30, random: () => 0.5, capMs: 1000 })).toBe(500);
  });
});

describe('sleep', () => {
  it('waits the given time', async () => {
    const started = Date.now();
    await sleep(30);
    expect(Date.now() - started).toBeGreaterThanOrEqual(25);
  });

  it('rejects with CANCELLED as soon as the signal aborts', async () => {
    const controller = new AbortController();
    const started = Date.now();
    const waiting = sleep(10_000, controller.signal);
    setTimeout(() => controller.abort(), 20);
    const error = await waiting.catch((e: unknown) => e);
    expect(AgentboxError.isInstance(error) && error.code).toBe('CANCELLED');
    expect(Date.now() - started).toBeLessThan(1_000);
  });
});
