import { afterAll, describe, expect, it } from 'vitest';
import { JqEvaluator } from '../../workflow/jq-evaluator.js';
import { JqFailure } from '../../workflow/jq-failure.js';
import { WorkerJqBackend } from './worker-jq-backend.js';

describe('WorkerJqBackend', () => {
  const backend = new WorkerJqBackend();
  const jq = new JqEvaluator({ backend, timeoutMs: 400 });
  afterAll(() => jq.close());

  it('evaluates on its thread as jq does on this one', async () => {
    expect(jq.enforcesTimeLimit).toBe(true);
    expect(await jq.evaluate('.a + $context.b', { a: 1 }, { context: { b: 2 } })).toBe(3);
    expect(await jq.evaluate('[.[] | . * 2]', [1, 2])).toEqual([2, 4]);
    expect(await jq.evaluate('.[]', [1, 2])).toEqual([1, 2]);
    await expect(jq.evaluate('.a +', {})).rejects.toMatchObject({ kind: 'compile', message: expect.stringMatching(/^syntax error/) });
    await expect(jq.evaluate('error("nope")', {})).rejects.toMatchObject({ kind: 'runtime', message: 'nope' });
    expect(await jq.check('$item.x | length', [])).toMatch(/\$item is not defined/);
  });

  it('stops a program that does not end at the time limit, keeps this thread free, and goes on with a fresh thread', async () => {
    await jq.evaluate('1', null);
    const before = backend.starts;
    let ticks = 0;
    const ticker = setInterval(() => {
      ticks += 1;
    }, 20);
    const started = performance.now();
    const error = await jq.evaluate('reduce range(1e15) as $i (0; . + 1)', null).catch((e: unknown) => e);
    clearInterval(ticker);
    expect(error).toBeInstanceOf(JqFailure);
    expect(error).toMatchObject({ kind: 'limit', message: 'the expression ran longer than 400 ms and was stopped' });
    expect(performance.now() - started).toBeLessThan(5000);
    // The event loop ran while jq was busy: the ticker fired.
    expect(ticks).toBeGreaterThan(3);
    expect(await jq.evaluate('.x + 1', { x: 41 })).toBe(42);
    expect(backend.starts).toBe(before + 1);
  });

  it('runs concurrent requests one at a time, each answered with its own result', async () => {
    const results = await Promise.all(Array.from({ length: 20 }, (_, i) => jq.evaluate('. * 3', i)));
    expect(results).toEqual(Array.from({ length: 20 }, (_, i) => i * 3));
  });

  it('a runaway request fails alone: the ones queued behind it still run', async () => {
    const runaway = jq.evaluate('last(range(1e15))', null).catch((e: unknown) => e);
    const after = jq.evaluate('[., .] | add', 'ab');
    expect(await runaway).toMatchObject({ kind: 'limit' });
    expect(await after).toBe('abab');
  });

  it('refuses runs once closed', async () => {
    const closing = new JqEvaluator({ backend: new WorkerJqBackend() });
    expect(await closing.evaluate('. + 1', 1)).toBe(2);
    await closing.close();
    await expect(closing.evaluate('. + 1', 1)).rejects.toMatchObject({ code: 'WORKFLOW_FAULTED' });
  });
});
