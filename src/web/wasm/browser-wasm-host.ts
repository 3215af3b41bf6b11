/**
 * The browser's `WasmHost`: each WASI job runs in a fresh dedicated worker that is
 * terminated at the job's deadline or on cancel, so a guest stuck in a loop costs a
 * worker, never the runtime. Where workers cannot be started (no `Worker` in scope) jobs
 * run on the calling thread and the deadline can only be reported after the guest returns.
 *
 * Directory grants name host folders; a browser has none to give, so a job that asks for
 * one is refused rather than silently run without it.
 */
import { AgentboxError } from '../../errors/agentbox-error.js';
import { runWasiModule, type WasiRunResult } from '../../sandbox/wasm/run-wasi-module.js';
import { wasiJobPayload, type WasmHost, type WasmJob } from '../../sandbox/wasm/wasm-host.js';
import { errorFromWire } from '../worker/runtime-bridge.js';
import type { WasmJobMessage, WasmJobReply } from './wasm-job-protocol.js';

export interface BrowserWasmHostOptions {
  /** URL of `agentbox-wasm-worker.js`; without it (or without `Worker`) jobs run in-thread. */
  workerUrl?: string | URL;
}

export class BrowserWasmHost implements WasmHost {
  constructor(private readonly options: BrowserWasmHostOptions = {}) {}

  /** Whether jobs run in their own worker (and deadlines can stop a running guest). */
  get isolated(): boolean {
    return this.options.workerUrl !== undefined && typeof Worker !== 'undefined';
  }

  async run(job: WasmJob): Promise<WasiRunResult> {
    if (job.dirs && job.dirs.length > 0) {
      throw new AgentboxError('INVALID_INPUT', 'directory grants are not available to WASM tools in the browser', {
        details: { dirs: job.dirs.map((d) => d.guest) },
      });
    }
    if (job.signal?.aborted) throw new AgentboxError('CANCELLED', 'the wasm job was cancelled before it started');
    const message: WasmJobMessage = wasiJobPayload(job);
    return this.isolated ? this.#inWorker(message, job) : this.#inThread(message, job);
  }

  #inWorker(message: WasmJobMessage, job: WasmJob): Promise<WasiRunResult> {
    const worker = new Worker(this.options.workerUrl as string | URL, { type: 'module', name: 'agentbox-wasm-job' });
    return new Promise<WasiRunResult>((resolve, reject) => {
      const finish = (settle: () => void): void => {
        clearTimeout(timer);
        job.signal?.removeEventListener('abort', onAbort);
        worker.terminate();
        settle();
      };
      const timer = setTimeout(
        () =>
          finish(() =>
            reject(new AgentboxError('TOOL_TIMEOUT', `wasm job did not finish within ${job.timeoutMs} ms`, { details: { timeoutMs: job.timeoutMs } })),
          ),
        job.timeoutMs,
      );
      const onAbort = (): void => finish(() => reject(new AgentboxError('CANCELLED', 'the wasm job was cancelled')));
      job.signal?.addEventListener('abort', onAbort, { once: true });
      worker.onmessage = (event: MessageEvent) => {
        const reply = event.data as WasmJobReply;
        finish(() => (reply.ok ? resolve(reply.result) : reject(errorFromWire(reply.error))));
      };
      worker.onerror = (event: ErrorEvent) => {
        event.preventDefault();
        finish(() => reject(new AgentboxError('TOOL_FAILED', `the wasm job worker failed: ${event.message || 'could not load it'}`)));
      };
      worker.postMessage(message);
    });
  }

  async #inThread(message: WasmJobMessage, job: WasmJob): Promise<WasiRunResult> {
    const result = await runWasiModule({ ...message, loaded: { module: message.module, memory: message.memory, ceilingPages: message.ceilingPages } });
    if (result.durationMs > job.timeoutMs) {
      throw new AgentboxError('TOOL_TIMEOUT', `wasm job took ${Math.round(result.durationMs)} ms, over its ${job.timeoutMs} ms deadline`, {
        details: { timeoutMs: job.timeoutMs },
      });
    }
    return result;
  }
}
