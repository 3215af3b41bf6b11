/**
 * The default script sandbox: QuickJS compiled to WebAssembly, in Node and in the browser.
 * Each run gets a fresh QuickJS runtime and context inside a pooled WASM instance whose
 * memory maximum is the run's ceiling.
 *
 * Synchronous guest code runs on the calling thread until it finishes or its deadline
 * interrupts it; in a browser, host this sandbox in a Web Worker to keep the page live.
 */
import { prepareScriptRun } from './prepare-script-run.js';
import { QuickJsInstancePool, type QuickJsInstancePoolOptions } from './quickjs-instance-pool.js';
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
    const outcome = await runInQuickJs(instance, prepared, this.maxStackBytes);
    // Linear memory never shrinks: its size is the instance's high-water mark, this run included.
    options.onResources?.({ peakMemoryBytes: instance.memory.buffer.byteLength });
    this.pool.release(instance, outcome.reusable && !this.closed);
    if (outcome.error) throw outcome.error;
    return outcome.value as JsonValue;
  }

  async close(): Promise<void> {
    this.closed = true;
    this.pool.clear();
  }
}
