import type { Worker } from 'node:worker_threads';

/**
 * Terminates a worker, waiting at most `graceMs` for it to go. A thread blocked in a
 * system call (not in WebAssembly or JS) only notices termination when the call returns,
 * which may be never; a pool that awaited `terminate()` outright would lose the slot and
 * leave its caller waiting past the deadline. Resolves `true` if the worker went in time.
 */
export async function terminateWithin(worker: Worker, graceMs: number): Promise<boolean> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const grace = new Promise<boolean>((resolve) => {
    timer = setTimeout(() => resolve(false), graceMs);
  });
  try {
    return await Promise.race([worker.terminate().then(() => true), grace]);
  } finally {
    clearTimeout(timer);
  }
}
