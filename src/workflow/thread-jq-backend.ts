import { AgentboxError } from '../errors/agentbox-error.js';
import { type JqBackend, type JqRequest, jqFailureOf } from './jq-backend.js';
import { JqFailure } from './jq-failure.js';
import type { JqWorkerReply, JqWorkerRequest } from './jq-worker-protocol.js';

/** One jq thread as a backend drives it: a Node worker thread or a browser Web Worker. */
export interface JqThread {
  /** Settles when the thread has loaded jq (rejects if it cannot). */
  readonly ready: Promise<void>;
  post(request: JqWorkerRequest): void;
  /** Replies, and the thread failing (an error, an exit); returns the unsubscribe. */
  listen(onReply: (reply: JqWorkerReply) => void, onFailure: (reason: string) => void): () => void;
  /** Whether a run is in flight (a Node thread keeps the process alive only then). */
  busy?(inFlight: boolean): void;
  terminate(): Promise<void> | void;
}

/**
 * jq on a thread of its own, so a program that does not end is stopped: past the request's
 * `timeoutMs` the thread is terminated and the run fails with JqFailure `limit`; a trap
 * replaces the thread too. Runs are serial (jq-wasm is one instance). Subclasses say how a
 * thread starts (`agentbox/node`'s WorkerJqBackend, `agentbox/web`'s WebWorkerJqBackend).
 */
export abstract class ThreadJqBackend implements JqBackend {
  readonly enforcesTimeLimit = true;
  /** Threads started (a timeout or a trap costs one): for tests and metrics. */
  starts = 0;
  #current: JqThread | undefined;
  #tail: Promise<unknown> = Promise.resolve();
  #ids = 0;
  #closed = false;

  protected abstract startThread(): Promise<JqThread>;

  run(request: JqRequest): Promise<unknown[]> {
    const next = this.#tail.then(() => this.#runNow(request));
    this.#tail = next.catch(() => undefined);
    return next;
  }

  async close(): Promise<void> {
    this.#closed = true;
    const current = this.#current;
    this.#current = undefined;
    await current?.terminate();
  }

  async #runNow(request: JqRequest): Promise<unknown[]> {
    if (this.#closed) throw new AgentboxError('WORKFLOW_FAULTED', 'the jq backend is closed');
    const thread = await this.#started();
    const id = ++this.#ids;
    thread.busy?.(true);
    try {
      return await new Promise<unknown[]>((resolve, reject) => {
        const done = (): void => {
          clearTimeout(timer);
          unsubscribe();
        };
        const timer = setTimeout(() => {
          done();
          this.#discard(thread);
          reject(new JqFailure('limit', `the expression ran longer than ${request.timeoutMs} ms and was stopped`));
        }, request.timeoutMs);
        const unsubscribe = thread.listen(
          (reply) => {
            if (reply.id !== id) return;
            done();
            if (reply.ok) return resolve(reply.outputs);
            const failure = jqFailureOf(reply.error);
            if (failure.kind === 'trap') this.#discard(thread);
            reject(failure);
          },
          (reason) => {
            done();
            this.#discard(thread);
            reject(new JqFailure('trap', `jq stopped abnormally (${reason}); a fresh instance will be used`));
          },
        );
        thread.post({ id, input: request.input, program: request.program, flags: request.flags });
      });
    } finally {
      thread.busy?.(false);
    }
  }

  #discard(thread: JqThread): void {
    if (this.#current === thread) this.#current = undefined;
    void thread.terminate();
  }

  async #started(): Promise<JqThread> {
    if (!this.#current) {
      let thread: JqThread;
      try {
        thread = await this.startThread();
      } catch (error) {
        throw new AgentboxError('WORKFLOW_FAULTED', `cannot load jq: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
      }
      this.starts += 1;
      this.#current = thread;
    }
    const current = this.#current;
    try {
      await current.ready;
    } catch (error) {
      if (this.#current === current) this.#current = undefined;
      void current.terminate();
      throw new AgentboxError('WORKFLOW_FAULTED', `cannot load jq: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
    }
    return current;
  }
}
