import { describe, it, expect } from 'vitest';
import { once } from 'node:events';
import { Worker } from 'node:worker_threads';
import { terminateWithin } from './terminate-within.js';

describe('terminateWithin', () => {
  it('gives up on a worker stuck in a system call after the grace period', async () => {
    // execSync blocks the worker thread in waitpid(2): terminate() cannot land until it returns.
    const worker = new Worker("require('node:child_process').execSync('sleep 4')", { eval: true });
    await once(worker, 'online');
    await new Promise((resolve) => setTimeout(resolve, 100));
    const started = performance.now();
    expect(await terminateWithin(worker, 300)).toBe(false);
    expect(performance.now() - started).toBeLessThan(2_000);
    worker.unref();
  });

  it('reports a worker that went in time', async () => {
    const worker = new Worker('setInterval(() => {}, 1000)', { eval: true });
    await once(worker, 'online');
    expect(await terminateWithin(worker, 5_000)).toBe(true);
  });
});
