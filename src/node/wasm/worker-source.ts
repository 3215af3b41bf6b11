/** Where the WASM pool's worker code comes from; see `workerFactory`. */
import type { Worker } from 'node:worker_threads';
import { workerFactory } from '../worker/worker-factory.js';

/** A factory for fresh workers; resolves once the worker code is available. */
export async function wasmWorkerFactory(): Promise<() => Worker> {
  const make = await workerFactory({ compiled: new URL('./wasm-worker.js', import.meta.url), source: new URL('./wasm-worker.ts', import.meta.url) });
  return () => make();
}
