import { AgentboxError } from '../../errors/agentbox-error.js';
import { type JqBackend, type JqRequest, jqFailureOf } from '../../workflow/jq-backend.js';
import { JqFailure } from '../../workflow/jq-failure.js';
import type { JqWorkerReady, JqWorkerReply } from '../../workflow/jq-worker-protocol.js';

export interface WebWorkerJqBackendOptions {
  /** URL of `agentbox-jq-worker.js` (dist-web/, served by `agentbox serve` under /assets/). */
  workerUrl: string | URL;
}

interface Started {
  worker: Worker;
  ready: Promise<void>;
}

/**
 * jq in a dedicated Web Worker, so a program that does not end is stopped in the browser
 * too: past the request's `timeoutMs` the worker is terminated and the run fails with
 * JqFailure `limit`; a trap replaces the worker as well. Runs are serial (one jq instance).
 * Pass it as `new JqEvaluator({ backend })` to the engine's `jq`.
 */
export class WebWorkerJqBackend implements JqBackend {
  readonly enforcesTimeLimit = true;
  /** Workers started (a timeout or a trap costs one): for tests and metrics. */
  starts = 0;
  readonly #url: string | URL;
  #current: Started | undefined;
  #tail: Promise<unknown> = Promise.resolve();
  #ids = 0;
  #closed = false;

  constructor(options: WebWorkerJqBackendOptions) {
    this.#url = options.workerUrl;
  }

  run(request: JqRequest): Promise<unknown[]> {
    const next = this.#tail.then(() => this.#runNow(request));
    this.#tail = next.catch(() => undefined);
    return next;
  }

  async close(): Promise<void> {
    this.#closed = true;
    this.#current?.worker.terminate();
    this.#current = undefined;
  }

  async #runNow(request: JqRequest): Promise<unknown[]> {
    if (this.#closed) throw new AgentboxError('WORKFLOW_FAULTED', 'the jq backend is closed');
    const started = await this.#started();
    const { worker } = started;
    const id = ++this.#ids;
    return new Promise<unknown[]>((resolve, reject) => {
      const done = (): void => {
        clearTimeout(timer);
        worker.removeEventListener('message', onMessage);
        worker.removeEventListener('error', onError);
      };
      const timer = setTimeout(() => {
        done();
        this.#discard(started);
        reject(new JqFailure('limit', `the expression ran longer than ${request.timeoutMs} ms and was stopped`));
      }, request.timeoutMs);
      const onMessage = (event: MessageEvent): void => {
        const reply = event.data as JqWorkerReply;
        if (reply.id !== id) return;
        done();
        if (reply.ok) return resolve(reply.outputs);
        const failure = jqFailureOf(reply.error);
        if (failure.kind === 'trap') this.#discard(started);
        reject(failure);
      };
      const onError = (event: ErrorEvent): void => {
        event.preventDefault();
        done();
        this.#discard(started);
        reject(new JqFailure('trap', `jq stopped abnormally (${event.message || 'its worker failed'}); a fresh instance will be used`));
      };
      worker.addEventListener('message', onMessage);
      worker.addEventListener('error', onError);
      worker.postMessage({ id, input: request.input, program: request.program, flags: request.flags });
    });
  }

  #discard(started: Started): void {
    if (this.#current === started) this.#current = undefined;
    started.worker.terminate();
  }

  async #started(): Promise<Started> {
    if (!this.#current) {
      const worker = new Worker(this.#url, { type: 'module', name: 'agentbox-jq' });
      this.starts += 1;
      const ready = new Promise<void>((resolve, reject) => {
        const onReady = (event: MessageEvent): void => {
          const message = event.data as JqWorkerReady;
          if (!('ready' in message)) return;
          worker.removeEventListener('message', onReady);
          if (message.ready) resolve();
          else reject(new Error(message.message));
        };
        worker.addEventListener('message', onReady);
        worker.addEventListener('error', (event) => reject(new Error(event.message || `cannot load ${String(this.#url)}`)), { once: true });
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
      current.worker.terminate();
      throw new AgentboxError('WORKFLOW_FAULTED', `cannot load jq: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
    }
    return current;
  }
}
