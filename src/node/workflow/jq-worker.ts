/**
 * Worker entry of the jq worker backend: runs jq-wasm requests one at a time and answers
 * each with its outputs or its error as plain data. Must not use `import.meta`: in tests it
 * is bundled to CommonJS (see worker-factory.ts).
 */
import { parentPort, workerData } from 'node:worker_threads';
import { loadJq } from 'jq-wasm';
import { answerJqRequest, type JqWorkerRequest } from '../../workflow/jq-worker-protocol.js';

const port = parentPort;
if (!port) throw new Error('jq-worker must run in a worker thread');
const { wasmModule } = workerData as { wasmModule: WebAssembly.Module };

loadJq({ wasmModule }).then(
  (jq) => {
    port.on('message', (request: JqWorkerRequest) => port.postMessage(answerJqRequest(jq, request)));
    port.postMessage({ ready: true });
  },
  (error: unknown) => port.postMessage({ ready: false, message: error instanceof Error ? error.message : String(error) }),
);
