/**
 * Worker entry of the jq worker backend: runs jq-wasm requests one at a time and answers
 * each with its outputs or its error as plain data. Must not use `import.meta`: in tests it
 * is bundled to CommonJS (see worker-factory.ts).
 */
import { parentPort, workerData } from 'node:worker_threads';
import { loadJq } from 'jq-wasm';
import type { JqWorkerReply, JqWorkerRequest } from '../../workflow/jq-worker-protocol.js';

const port = parentPort;
if (!port) throw new Error('jq-worker must run in a worker thread');
const { wasmModule } = workerData as { wasmModule: WebAssembly.Module };

loadJq({ wasmModule }).then(
  (jq) => {
    port.on('message', (request: JqWorkerRequest) => {
      let reply: JqWorkerReply;
      try {
        reply = { id: request.id, ok: true, outputs: jq.json(request.input, request.program, request.flags) };
      } catch (error) {
        const e = error as { name?: string; stderr?: string; exitCode?: number; message?: string };
        reply = {
          id: request.id,
          ok: false,
          error: { name: e?.name ?? 'Error', stderr: e?.stderr ?? '', exitCode: e?.exitCode ?? -1, message: String(e?.message ?? error) },
        };
      }
      port.postMessage(reply);
    });
    port.postMessage({ ready: true });
  },
  (error: unknown) => port.postMessage({ ready: false, message: error instanceof Error ? error.message : String(error) }),
);
