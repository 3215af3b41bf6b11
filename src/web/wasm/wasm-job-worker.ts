/**
 * Entry of the WASM job worker (`agentbox-wasm-worker.js`): runs exactly one WASI job with
 * the portable runner and answers. `BrowserWasmHost` starts a fresh one per job and
 * terminates it at the deadline: code on a thread cannot be interrupted any other way.
 */
import { AgentboxError, serializeError } from '../../errors/agentbox-error.js';
import { runWasiModule } from '../../sandbox/wasm/run-wasi-module.js';
import type { WasmJobMessage, WasmJobReply } from './wasm-job-protocol.js';

const scope = globalThis as unknown as { onmessage: ((event: MessageEvent) => void) | null; postMessage(message: unknown, transfer?: Transferable[]): void };

scope.onmessage = (event: MessageEvent) => {
  const job = event.data as WasmJobMessage;
  runWasiModule({
    loaded: { module: job.module, memory: job.memory, ceilingPages: job.ceilingPages },
    argv0: job.argv0,
    args: job.args,
    stdin: job.stdin,
    env: job.env,
    maxOutputBytes: job.maxOutputBytes,
    clock: job.clock,
    random: job.random,
  }).then(
    (result) => scope.postMessage({ ok: true, result } satisfies WasmJobReply, [result.stdout.buffer as ArrayBuffer, result.stderr.buffer as ArrayBuffer]),
    (error: unknown) => {
      const serialized = AgentboxError.isInstance(error) ? error.toJSON() : { code: 'TOOL_FAILED' as const, message: serializeError(error).message };
      scope.postMessage({ ok: false, error: serialized } satisfies WasmJobReply);
    },
  );
};
