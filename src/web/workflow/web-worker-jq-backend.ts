import { type JqThread, ThreadJqBackend } from '../../workflow/thread-jq-backend.js';
import type { JqWorkerReady, JqWorkerReply } from '../../workflow/jq-worker-protocol.js';

export interface WebWorkerJqBackendOptions {
  /** URL of `agentbox-jq-worker.js` (dist-web/, served by `agentbox serve` under /assets/). */
  workerUrl: string | URL;
}

/**
 * jq in a dedicated Web Worker, so a program that does not end is stopped in the browser
 * too: past the request's `timeoutMs` the worker is terminated and the run fails with
 * JqFailure `limit`; a trap replaces the worker as well. Runs are serial (one jq instance).
 * Pass it as `new JqEvaluator({ backend })` to the engine's `jq`.
 */
export class WebWorkerJqBackend extends ThreadJqBackend {
  readonly #url: string | URL;

  constructor(options: WebWorkerJqBackendOptions) {
    super();
    this.#url = options.workerUrl;
  }

  protected async startThread(): Promise<JqThread> {
    const worker = new Worker(this.#url, { type: 'module', name: 'agentbox-jq' });
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
    return {
      ready,
      post: (request) => worker.postMessage(request),
      listen(onReply, onFailure) {
        const message = (event: MessageEvent): void => onReply(event.data as JqWorkerReply);
        const error = (event: ErrorEvent): void => {
          event.preventDefault();
          onFailure(event.message || 'its worker failed');
        };
        worker.addEventListener('message', message);
        worker.addEventListener('error', error);
        return () => {
          worker.removeEventListener('message', message);
          worker.removeEventListener('error', error);
        };
      },
      terminate: () => worker.terminate(),
    };
  }
}
