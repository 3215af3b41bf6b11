/**
 * Worker entry of the QuickJS worker pool: binds `serveQuickJsWorker` to this thread's
 * port. Must not use `import.meta`: in tests it is bundled to CommonJS (see worker-factory.ts).
 */
import { parentPort, workerData } from 'node:worker_threads';
import { serveQuickJsWorker } from '../../sandbox/script/serve-quickjs-worker.js';
import type { QuickJsWorkerData } from './quickjs-worker-data.js';

const port = parentPort;
if (!port) throw new Error('quickjs-worker must run in a worker thread');
const data = workerData as QuickJsWorkerData;
const service = serveQuickJsWorker({
  post: (message) => port.postMessage(message),
  maxStackBytes: data.maxStackBytes,
  warmMemoryMb: data.warmMemoryMb,
  ...(data.wasmModule ? { wasmModule: data.wasmModule } : {}),
});
port.on('message', (message) => service.receive(message));
