import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import type { Worker } from 'node:worker_threads';
import { JqEvaluator, type JqEvaluatorOptions } from '../../workflow/jq-evaluator.js';
import { type JqThread, ThreadJqBackend } from '../../workflow/thread-jq-backend.js';
import { terminateWithin } from '../wasm/terminate-within.js';
import { workerFactory, type WorkerMaker } from '../worker/worker-factory.js';
import type { JqWorkerReady } from '../../workflow/jq-worker-protocol.js';

/**
 * jq on a worker thread, so a program that does not end is stopped: past the request's
 * `timeoutMs` the thread is terminated and the run fails with JqFailure `limit`; a trap
 * replaces the thread too. jq's WebAssembly module is compiled once and shared by every
 * thread this backend starts. Runs are serial (jq-wasm is one instance); the thread is
 * unreferenced while idle, so it never keeps the process alive.
 */
export class WorkerJqBackend extends ThreadJqBackend {
  #source: Promise<{ make: WorkerMaker; wasmModule: WebAssembly.Module }> | undefined;

  protected async startThread(): Promise<JqThread> {
    const { make, wasmModule } = await this.#loadSource();
    const worker: Worker = make({ workerData: { wasmModule } });
    worker.unref();
    const ready = new Promise<void>((resolve, reject) => {
      worker.once('message', (message: JqWorkerReady) => (message.ready ? resolve() : reject(new Error(message.message))));
      worker.once('error', reject);
    });
    return {
      ready,
      post: (request) => worker.postMessage(request),
      listen(onReply, onFailure) {
        const onError = (error: Error): void => onFailure(error.message);
        const onExit = (code: number): void => onFailure(`its thread exited with code ${code}`);
        worker.on('message', onReply);
        worker.on('error', onError);
        worker.on('exit', onExit);
        return () => {
          worker.off('message', onReply);
          worker.off('error', onError);
          worker.off('exit', onExit);
        };
      },
      busy: (inFlight) => (inFlight ? worker.ref() : worker.unref()),
      terminate: async () => {
        await terminateWithin(worker, 1000);
      },
    };
  }

  #loadSource(): Promise<{ make: WorkerMaker; wasmModule: WebAssembly.Module }> {
    this.#source ??= (async () => {
      const require = createRequire(import.meta.url);
      const wasmFile = join(dirname(require.resolve('jq-wasm')), 'build', 'jq.wasm');
      const [make, wasmModule] = await Promise.all([
        workerFactory({
          compiled: new URL('./jq-worker.js', import.meta.url),
          source: new URL('./jq-worker.ts', import.meta.url),
          external: ['jq-wasm'],
        }),
        readFile(wasmFile).then((bytes) => WebAssembly.compile(bytes)),
      ]);
      return { make, wasmModule };
    })();
    // A failed load is not kept: the next run tries again.
    this.#source.catch(() => {
      this.#source = undefined;
    });
    return this.#source;
  }
}

/** A JqEvaluator for Node: plain paths answered in place, everything else on a worker thread, stopped at `timeoutMs`. */
export function createNodeJqEvaluator(options: Omit<JqEvaluatorOptions, 'backend' | 'load'> = {}): JqEvaluator {
  return new JqEvaluator({ ...options, backend: new WorkerJqBackend() });
}
