/**
 * Entry of the browser's jq worker (`agentbox-jq-worker.js`): runs jq-wasm requests one at
 * a time and answers each with its outputs or its error as plain data. `WebWorkerJqBackend`
 * terminates it when a run passes its time limit: a thread cannot be interrupted otherwise.
 */
import { loadJq } from 'jq-wasm';
import type { JqWorkerReply, JqWorkerRequest } from '../../workflow/jq-worker-protocol.js';

const scope = globalThis as unknown as { onmessage: ((event: MessageEvent) => void) | null; postMessage(message: unknown): void };

loadJq().then(
  (jq) => {
    scope.onmessage = (event: MessageEvent) => {
      const request = event.data as JqWorkerRequest;
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
      scope.postMessage(reply);
    };
    scope.postMessage({ ready: true });
  },
  (error: unknown) => scope.postMessage({ ready: false, message: error instanceof Error ? error.message : String(error) }),
);
