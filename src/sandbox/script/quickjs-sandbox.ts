/**
 * The portable script sandbox: QuickJS compiled to WebAssembly, on the calling thread.
 * Each run gets a fresh QuickJS runtime and context inside a pooled WASM instance whose
 * memory maximum is the run's ceiling.
 *
 * Synchronous guest code runs on the calling thread until it finishes or its deadline
 * interrupts it, and QuickJS checks its deadline only now and then (inside a regex, a
 * sort): host it where a busy thread harms nobody else. The browser runs it in the agent's
 * Web Worker; a Node service uses `createQuickJsWorkerSandbox` (agentbox/node), which
 * runs this same code in worker threads it can terminate.
 */
import { prepareScriptRun } from './prepare-script-run.js';
import { QuickJsInstancePool, type QuickJsInstancePoolOptions } from './quickjs-instance-pool.js';
import { parseResultJson } from './guest-bootstrap.js';
import { runInQuickJs } from './run-in-quickjs.js';
import type { JsonValue, ScriptRunOptions, ScriptSandbox } from './script-sandbox.js';
import { sandboxClosedError } from './script-errors.js';

export interface QuickJsSandboxOptions extends QuickJsInstancePoolOptions {
  /**
   * QuickJS's own stack limit. Its frames also use the host's native stack, which
   * overflows near 384 KiB under Node's default stack size; 192 KiB allows ~1,100 nested
   * calls with room to spare. A host-side overflow is still caught and reported.
   */
  maxStackBytes?: number;
}

const DEFAULT_MAX_STACK_BYTES = 192 * 1024;

/**
 * @example
 * ```ts
 * const sandbox = createQuickJsSandbox();
 * const value = await sandbox.run({
 *   source: 'export default (args) => args.a + args.b',
 *   args: { a: 1, b: 2 }, timeoutMs: 1000, memoryMb: 32, maxOutputBytes: 65536,
 * }); // 3
 * ```
 */
export function createQuickJsSandbox(options: QuickJsSandboxOptions = {}): ScriptSandbox {
  return new QuickJsSandbox(options);
}

class QuickJsSandbox implements ScriptSandbox {
  readonly backend = 'quickjs' as const;
  private readonly pool: QuickJsInstancePool;
  private readonly maxStackBytes: number;
  private closed = false;

  constructor(options: QuickJsSandboxOptions) {
    this.pool = new QuickJsInstancePool(options);
    this.maxStackBytes = options.maxStackBytes ?? DEFAULT_MAX_STACK_BYTES;
  }

  async run(options: ScriptRunOptions): Promise<JsonValue> {
    if (this.closed) throw sandboxClosedError(this.backend);
    const prepared = prepareScriptRun(options);
    const instance = await this.pool.acquire(prepared.memoryMb);
    options.onStart?.();
    const outcome = await runInQuickJs(instance, prepared, { maxStackBytes: this.maxStackBytes });
    // Linear memory never shrinks: its size is the instance's high-water mark, this run included.
    options.onResources?.({ peakMemoryBytes: instance.memory.buffer.byteLength });
    this.pool.release(instance, outcome.reusable && !this.closed);
    if (outcome.error) throw outcome.error;
    return parseResultJson(outcome.json ?? 'null', prepared.maxOutputBytes);
  }

  async close(): Promise<void> {
    this.closed = true;
    this.pool.clear();
  }
}
