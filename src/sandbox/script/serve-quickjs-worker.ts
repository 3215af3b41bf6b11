/**
 * The inside of a QuickJS worker, portable (it only needs a way to post messages): runs
 * one script at a time with `runInQuickJs`, in instances of its own pool, relaying host
 * calls to the host thread. QuickJS is loaded once per worker and kept warm; a run pays
 * for a fresh runtime and context, as on the calling thread.
 *
 * The host thread owns the deadline's last word: when a guest does not stop (QuickJS may
 * not check its interrupt handler inside a regex or a sort), it terminates this worker.
 */
import { AgentboxError } from '../../errors/index.js';
import { HostCallRelay } from './host-call-relay.js';
import { QuickJsInstancePool, type QuickJsInstancePoolOptions } from './quickjs-instance-pool.js';
import type { QuickJsHostMessage, QuickJsWorkerMessage, QuickJsWorkerRunMessage } from './quickjs-worker-protocol.js';
import { runInQuickJs } from './run-in-quickjs.js';
import { DEFAULT_SCRIPT_MEMORY_MB } from './script-sandbox.js';

export interface QuickJsWorkerOptions extends Pick<QuickJsInstancePoolOptions, 'variant' | 'wasmModule'> {
  post: (message: QuickJsWorkerMessage) => void;
  /** QuickJS's own stack limit; see `QuickJsSandboxOptions.maxStackBytes`. */
  maxStackBytes: number;
  /** The ceiling of the instance made before `ready`, so the first run finds one. Default 64 MiB. */
  warmMemoryMb?: number;
}

export interface QuickJsWorkerService {
  receive(message: QuickJsHostMessage): void;
}

interface CurrentRun {
  runId: number;
  controller: AbortController;
  relay: HostCallRelay;
}

export function serveQuickJsWorker(options: QuickJsWorkerOptions): QuickJsWorkerService {
  const { post, maxStackBytes } = options;
  // One run at a time, so one instance at a time: a worker holds at most one ceiling's memory.
  const pool = new QuickJsInstancePool({ ...options, maxIdle: 1, maxInstances: 1 });
  let current: CurrentRun | undefined;

  // One throwaway run before `ready`: the first real call then finds an instance and a
  // compiled run path (it took ~70 ms cold, ~0.4 ms warm).
  const warm = async (): Promise<void> => {
    const memoryMb = options.warmMemoryMb ?? DEFAULT_SCRIPT_MEMORY_MB;
    const instance = await pool.acquire(memoryMb);
    const run = {
      source: 'export default (args) => args',
      argsJson: '{}',
      timeoutMs: 5_000,
      memoryMb,
      maxOutputBytes: 1_024,
      hostNames: [],
      filename: 'warm-up.js',
      host: {},
      signal: undefined,
    };
    const outcome = await runInQuickJs(instance, run, { maxStackBytes });
    pool.release(instance, outcome.reusable);
  };
  void warm().then(() => post({ type: 'ready' }));

  const run = async (message: QuickJsWorkerRunMessage): Promise<void> => {
    const controller = new AbortController();
    const relay = new HostCallRelay(message.runId, post);
    current = { runId: message.runId, controller, relay };
    let peakMemoryBytes = 0;
    try {
      const instance = await pool.acquire(message.memoryMb);
      const { source, argsJson, timeoutMs, memoryMb, maxOutputBytes, hostNames, filename } = message;
      const prepared = { source, argsJson, timeoutMs, memoryMb, maxOutputBytes, hostNames, filename, host: {}, signal: controller.signal };
      const outcome = await runInQuickJs(instance, prepared, { maxStackBytes, hostCalls: relay });
      // Linear memory never shrinks: its size is the instance's high-water mark, this run included.
      peakMemoryBytes = instance.memory.buffer.byteLength;
      pool.release(instance, outcome.reusable);
      if (outcome.error) post({ type: 'done', runId: message.runId, error: outcome.error.toJSON(), peakMemoryBytes });
      else post({ type: 'done', runId: message.runId, json: outcome.json ?? 'null', peakMemoryBytes });
    } catch (error) {
      const failed = AgentboxError.isInstance(error)
        ? error
        : new AgentboxError('TOOL_FAILED', `script sandbox failed: ${error instanceof Error ? error.message : String(error)}`, {
            details: { reason: 'sandbox-crashed' },
          });
      post({ type: 'done', runId: message.runId, error: failed.toJSON(), peakMemoryBytes });
    } finally {
      relay.close();
      current = undefined;
    }
  };

  return {
    receive(message) {
      if (message.type === 'run') void run(message);
      else if (message.runId !== current?.runId) return;
      else if (message.type === 'host-result') current.relay.answer(message.callId, message.outcome);
      else current.controller.abort();
    },
  };
}
