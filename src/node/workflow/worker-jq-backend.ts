import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import type { Worker } from 'node:worker_threads';
import { AgentboxError } from '../../errors/agentbox-error.js';
import { type JqBackend, type JqRequest, jqFailureOf } from '../../workflow/jq-backend.js';
import { JqEvaluator, type JqEvaluatorOptions } from '../../workflow/jq-evaluator.js';
import { JqFailure } from '../../workflow/jq-failure.js';
import { terminateWithin } from '../wasm/terminate-within.js';
import { workerFactory, type WorkerMaker } from '../worker/worker-factory.js';
import type { JqWorkerReady, JqWorkerReply } from '../../workflow/jq-worker-protocol.js';

interface Started {
  worker: Worker;
  ready: Promise<void>;
}

/**
 * jq on a worker thread, so a program that does not end is stopped: past the request's
 * `timeoutMs` the thread is terminated and the run fails with JqFailure `limit`; a trap
 * replaces the thread too. jq's WebAssembly module is compiled once and shared by every
 * thread this backend starts. Runs are serial (jq-wasm is one instance); the thread is
 * unreferenced while idle, so it never keeps the process alive.
 */
export class WorkerJqBackend implements JqBackend {
  readonly enforcesTimeLimit = true;
  /** Threads started (a timeout or a trap costs one): for tests and metrics. */
  starts = 0;
  #source: Promise<{ make: WorkerMaker; wasmModule: WebAssembly.Module }> | undefined;
  #current: Started | undefined;
  #tail: Promise<unknown> = Promise.resolve();
  #ids = 0;
  #closed = false;

  run(request: JqRequest): Promise<unknown[]> {
    const next = this.#tail.then(() => this.#runNow(request));
    this.#tail = next.catch(() => undefined);
    return next;
  }

  async close(): Promise<void> {
    this.#closed = true;
    const current = this.#current;
    this.#current = undefined;
    if (current) await terminateWithin(current.worker, 1000);
  }

  async #runNow(request: JqRequest): Promise<unknown[]> {
    if (this.#closed) throw new AgentboxError('WORKFLOW_FAULTED', 'the jq backend is closed');
    const started = await this.#started();
    const { worker } = started;
    const id = ++this.#ids;
    worker.ref();
    try {
      return await new Promise<unknown[]>((resolve, reject) => {
        const done = () => {
          clearTimeout(timer);
          worker.off('message', onMessage);
          worker.off('error', onError);
          worker.off('exit', onExit);
        };
        const timer = setTimeout(() => {
          done();
          this.#discard(started);
          reject(new JqFailure('limit', `the expression ran longer than ${request.timeoutMs} ms and was stopped`));
        }, request.timeoutMs);
        const onMessage = (reply: JqWorkerReply) => {
          if (reply.id !== id) return;
          done();
          if (reply.ok) return resolve(reply.outputs);
          const failure = jqFailureOf(reply.error);
          if (failure.kind === 'trap') this.#discard(started);
          reject(failure);
        };
        const onError = (error: Error) => {
          done();
          this.#discard(started);
          reject(new JqFailure('trap', `jq stopped abnormally (${error.message}); a fresh instance will be used`));
        };
        const onExit = (code: number) => onError(new Error(`its thread exited with code ${code}`));
        worker.on('message', onMessage);
        worker.on('error', onError);
        worker.on('exit', onExit);
        worker.postMessage({ id, input: request.input, program: request.program, flags: request.flags });
      });
    } finally {
      worker.unref();
    }
  }

  #discard(started: Started): void {
    if (this.#current === started) this.#current = undefined;
    void terminateWithin(started.worker, 1000);
  }

  async #started(): Promise<Started> {
    if (!this.#current) {
      const { make, wasmModule } = await this.#loadSource();
      const worker = make({ workerData: { wasmModule } });
      worker.unref();
      this.starts += 1;
      const ready = new Promise<void>((resolve, reject) => {
        worker.once('message', (message: JqWorkerReady) => (message.ready ? resolve() : reject(new Error(message.message))));
        worker.once('error', reject);
      });
      const started = { worker, ready };
      this.#current = started;
      ready.catch(() => {
        if (this.#current === started) this.#current = undefined;
      });
    }
    const current = this.#current;
    try {
      await current.ready;
    } catch (error) {
      void terminateWithin(current.worker, 1000);
      throw new AgentboxError('WORKFLOW_FAULTED', `cannot load jq: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
    }
    return current;
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
