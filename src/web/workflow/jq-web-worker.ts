/**
 * Entry of the browser's jq worker (`agentbox-jq-worker.js`): runs jq-wasm requests one at
 * a time and answers each with its outputs or its error as plain data. `WebWorkerJqBackend`
 * terminates it when a run passes its time limit: a thread cannot be interrupted otherwise.
 */
import { loadJq } from 'jq-wasm';
import { answerJqRequest, type JqWorkerRequest } from '../../workflow/jq-worker-protocol.js';

const scope = globalThis as unknown as { onmessage: ((event: MessageEvent) => void) | null; postMessage(message: unknown): void };

loadJq().then(
  (jq) => {
    scope.onmessage = (event: MessageEvent) => scope.postMessage(answerJqRequest(jq, event.data as JqWorkerRequest));
    scope.postMessage({ ready: true });
  },
  (error: unknown) => scope.postMessage({ ready: false, message: error instanceof Error ? error.message : String(error) }),
);
